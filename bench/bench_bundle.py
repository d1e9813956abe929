"""The clinic bundle: its size on disk, and its cold start to the main window beside the source tree's.

The bundle is what a clinic PC runs, so its start is what a nurse waits for; the baseline is the same
start from the source tree in this venv (``python -c 'ui.cli.main.main([])'``), timed in the same way as
``bench_start`` (spawn → "shown", printed on the first event-loop turn after ``show()`` because of
``FEVER_DESK_EXIT_AFTER_SHOW``), alternated so disk cache and CPU frequency favour neither.  The bundle
is built into ``.bench/bundle`` when missing or older than the sources, and reused otherwise.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_start import DESK, start_env, time_to_shown
from bench.common import BENCH_DIR, Figure, median
from db import open_database

RUNS = 5
ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "fever_desk.spec"
CACHE = BENCH_DIR / "bundle"
FOLDER = CACHE / "dist" / "fever-desk"
EXE = FOLDER / ("fever-desk-cli.exe" if sys.platform == "win32" else "fever-desk")
SOURCES = ("fever_desk", "db", "devices", "ui", "installer")


def _newest_source() -> float:
    return max(
        (p.stat().st_mtime for package in SOURCES for p in (ROOT / package).rglob("*") if p.is_file()),
        default=0.0,
    )


def ensure_bundle() -> Path:
    """Build the bundle unless a build newer than every source file is cached."""
    if EXE.exists() and EXE.stat().st_mtime >= _newest_source():
        return EXE
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    command += ["--distpath", str(CACHE / "dist"), "--workpath", str(CACHE / "work"), str(SPEC)]
    subprocess.run(command, cwd=CACHE if CACHE.exists() else None, check=True, timeout=900)
    return EXE


def folder_size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def run() -> list[Figure]:
    CACHE.mkdir(parents=True, exist_ok=True)
    exe = ensure_bundle()
    size = folder_size_mb(FOLDER)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**start_env(Path(tmp)), "PYTHONPATH": str(ROOT)}
        # A station that has started before: the database exists at head.  (Migrating in the timed
        # runs would be cut short by the quit after "shown" and leave a half-built schema behind.)
        database = open_database(env["FEVER_DESK_DB"])
        database.close()
        source_argv = [sys.executable, "-c", DESK]
        bundle_argv = [str(exe)]
        time_to_shown(source_argv, env)  # first runs create settings, database and bytecode: not timed
        time_to_shown(bundle_argv, env)
        source: list[float] = []
        bundle: list[float] = []
        for _ in range(RUNS):
            source.append(time_to_shown(source_argv, env))
            bundle.append(time_to_shown(bundle_argv, env))
    s, b = median(source), median(bundle)
    return [
        Figure("bundle size on disk (one folder)", size, "MB", "none", None, "≤ 250 MB"),
        Figure(
            "bundle cold start to main window shown, median",
            b,
            "ms",
            "source tree (venv)",
            s,
            "≤ 1.2× baseline",
        ),
        Figure("  ratio bundle / source tree", b / s, "×", "source tree (venv)", 1.0, "≤ 1.20"),
    ]
