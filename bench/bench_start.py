"""Cold start to the main window shown, beside a bare PySide6 window started the same way.

Both are fresh interpreter processes timed from spawn to the first event-loop turn after ``show()``
(the moment a nurse sees the window), alternated so that disk cache and CPU frequency favour neither.
What the nurse sees then is the station's window covered by its login dialog, which is where every
session starts; the screens are built behind the dialog.  The time until they are all built ("ready")
is printed too, so the part of the start-up moved behind the login stays in view.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Figure, median

RUNS = 7

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow()
w.resize(1280, 860)
w.show()
QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
app.exec()
"""

DESK = "import sys; from ui.cli.main import main; sys.exit(main([]))"


def time_to_lines(argv: list[str], env: dict[str, str], marks: tuple[str, ...]) -> list[float]:
    """Milliseconds from spawning ``argv`` to each of its ``marks`` lines, in that order."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, env=env, text=True)
    assert proc.stdout is not None
    elapsed: list[float] = []
    for line in proc.stdout:
        if len(elapsed) < len(marks) and line.strip() == marks[len(elapsed)]:
            elapsed.append((time.perf_counter() - started) * 1000)
    proc.wait(timeout=60)
    if len(elapsed) < len(marks):
        raise RuntimeError(f"{argv[0]}: no {marks[len(elapsed)]!r} line (exit {proc.returncode})")
    return elapsed


def time_to_shown(argv: list[str], env: dict[str, str]) -> float:
    """Milliseconds from spawning ``argv`` to its "shown" line (printed at the first event-loop turn)."""
    return time_to_lines(argv, env, ("shown",))[0]


def start_env(folder: Path) -> dict[str, str]:
    """A station of its own in ``folder`` that quits once its window is shown.

    An installed station has its bytecode compiled (pip and the bundle both do it); a development shell
    may forbid writing it, which would time the compiler instead of the start.
    """
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "FEVER_DESK_EXIT_AFTER_SHOW": "1",
        "FEVER_DESK_CONFIG": str(folder / "settings.json"),
        "FEVER_DESK_DB": f"sqlite:///{folder / 'bench.sqlite3'}",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        env = start_env(Path(tmp))
        time_to_shown(
            [sys.executable, "-c", DESK], env
        )  # first run creates settings, the database and bytecode; not timed
        bare: list[float] = []
        desk: list[float] = []
        ready: list[float] = []
        for _ in range(RUNS):
            bare.append(time_to_shown([sys.executable, "-c", BARE], env))
            shown_ms, ready_ms = time_to_lines([sys.executable, "-c", DESK], env, ("shown", "ready"))
            desk.append(shown_ms)
            ready.append(ready_ms)
    b, d, r = median(bare), median(desk), median(ready)
    return [
        Figure(
            "cold start to main window shown, median", d, "ms", "bare PySide6 window", b, "≤ 1.3× baseline"
        ),
        Figure("  ratio desk / bare window", d / b, "×", "bare PySide6 window", 1.0, "≤ 1.30"),
        Figure(
            "  every screen built behind the login, median",
            r,
            "ms",
            "bare PySide6 window",
            b,
            "none (behind the login)",
        ),
    ]
