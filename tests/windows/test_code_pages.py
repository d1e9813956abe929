"""Every command that prints, run as clinic IT runs it on a Chinese (cp936/GBK) or English (cp1252) Windows.

``PYTHONIOENCODING`` gives the process the code page a redirected stream has there; each command runs
in its own interpreter (``python -m ui.cli.main``) with stdout and stderr piped, exactly like ``> report.txt``
or ``| findstr``.  It must finish with its exit code and no UnicodeEncodeError or traceback, and what
it wrote must be UTF-8 (the same bytes on every PC), Chinese included.  The same runs also turn on
Python's warning for text files opened without an encoding (``PYTHONWARNDEFAULTENCODING``, PEP 597)
and make it an error in our own modules: a read or write in the locale's code page fails the test.

A real console keeps its own code page: a pty in cp936 shows the self-test with √ instead of ✓.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from fever_desk.guidelines import get_guideline
from tests.windows.blocking import ROOT

CODE_PAGES = ("cp936", "cp1252")
RUN_CLI = (
    "import sys, warnings\n"
    "warnings.filterwarnings(\n"
    "    'error', category=EncodingWarning, module=r'(fever_desk|db|devices|ui)(\\.|$)'\n"
    ")\n"
    "from ui.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def station_env(folder: Path, code_page: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FEVER_DESK_", "PYTHON"))}
    env.update(
        PYTHONIOENCODING=code_page,
        PYTHONWARNDEFAULTENCODING="1",
        QT_QPA_PLATFORM="offscreen",
        FEVER_DESK_CONFIG=str(folder / "config" / "settings.json"),
        FEVER_DESK_DB=f"sqlite:///{(folder / 'station.sqlite3').as_posix()}",
        FEVER_DESK_DATA=str(folder / "data"),
        FEVER_DESK_LOG_DIR=str(folder / "logs"),
        FEVER_DESK_KEY_STORE="file",  # the database key in the data folder, never a real keyring
        XDG_DATA_HOME=str(folder / "xdg-data"),
        XDG_CONFIG_HOME=str(folder / "xdg-config"),
        XDG_STATE_HOME=str(folder / "xdg-state"),
    )
    return env


def run_cli(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", RUN_CLI, *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )


def decoded(result: subprocess.CompletedProcess[bytes]) -> tuple[str, str]:
    """stdout and stderr as UTF-8; raises if either is in the code page (GBK bytes are not UTF-8)."""
    return result.stdout.decode("utf-8"), result.stderr.decode("utf-8")


def assert_clean(result: subprocess.CompletedProcess[bytes], *codes: int) -> str:
    out, err = decoded(result)
    for word in ("Traceback", "UnicodeEncodeError", "EncodingWarning"):
        assert word not in out + err, out + err
    assert result.returncode in codes, f"exit {result.returncode}\n{out}\n{err}"
    return out + err


@pytest.fixture(scope="module", params=CODE_PAGES)
def station(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A station with a database full of synthetic screenings, its processes in one code page."""
    folder = tmp_path_factory.mktemp(f"station-{request.param}")
    env = station_env(folder, request.param)
    assert_clean(run_cli(env, "demo", "--screenings", "40", "--days", "2"), 0)
    guideline = get_guideline("national-v5-outside-hubei")
    answers = {
        "guideline": guideline.id,
        "temperature_c": 38.4,
        "symptoms": {item.id: True for item in guideline.symptoms},
        "epidemiological": {item.id: False for item in guideline.epidemiological},
    }
    (folder / "answers.json").write_text(json.dumps(answers), encoding="utf-8")
    broken = (ROOT / "fever_desk" / "guidelines" / "national-v4.toml").read_text(encoding="utf-8")
    (folder / "broken.toml").write_text(broken.replace("lookback_days = 14", "lookback_days = -3"), "utf-8")
    env["_FOLDER"] = str(folder)
    return env


# (id, argv with {folder}, allowed exit codes)
COMMANDS: list[tuple[str, Sequence[str], tuple[int, ...]]] = [
    ("version", ["--version"], (0,)),
    ("help", ["--help"], (0,)),
    ("triage", ["triage", "--answers", "{folder}/answers.json"], (0,)),
    ("triage-en", ["triage", "--answers", "{folder}/answers.json", "--language", "en"], (0,)),
    ("triage-missing-file", ["triage", "--answers", "{folder}/nowhere.json"], (2,)),
    ("guideline-list", ["guideline", "list"], (0,)),
    ("guideline-check", ["guideline", "check", str(ROOT / "fever_desk/guidelines/national-v6.toml")], (0,)),
    ("guideline-check-broken", ["guideline", "check", "{folder}/broken.toml"], (1,)),
    ("self-test", ["--self-test"], (0, 1)),
    ("db-backup", ["db", "backup", "--out", "{folder}/backup.sqlite3", "--force"], (0,)),
    ("devices-list", ["devices", "list"], (0, 1)),
    ("user-list", ["user", "list"], (0,)),
    ("audit-verify", ["audit", "verify"], (0,)),
    ("report-daily", ["report", "daily", "--out", "{folder}/daily.csv"], (0,)),
    ("export-purchases", ["export", "purchases", "--out", "{folder}/purchases.csv"], (0,)),
    ("purge-count", ["purge"], (0,)),
    ("usage-error", ["triage"], (2,)),
]


@pytest.mark.parametrize(("argv", "codes"), [c[1:] for c in COMMANDS], ids=[c[0] for c in COMMANDS])
def test_each_command_prints_in_any_code_page(
    station: dict[str, str], argv: Sequence[str], codes: tuple[int, ...]
) -> None:
    args = [a.replace("{folder}", station["_FOLDER"]) for a in argv]
    assert_clean(run_cli(station, *args), *codes)


def test_redirected_triage_json_is_utf8_with_chinese(station: dict[str, str]) -> None:
    result = run_cli(station, "triage", "--answers", f"{station['_FOLDER']}/answers.json")
    assert_clean(result, 0)
    outcome = json.loads(result.stdout.decode("utf-8"))
    text = json.dumps(outcome, ensure_ascii=False)
    assert "发热" in text  # the reasons, in the default language, survived the code page
    assert "发热".encode("gbk") not in result.stdout


def test_self_test_report_keeps_its_marks_when_redirected(station: dict[str, str]) -> None:
    out = assert_clean(run_cli(station, "--self-test"), 0, 1)
    assert "✓ 数据库" in out  # UTF-8 file: the real marks and the Chinese names


def test_every_help_page_prints(station: dict[str, str]) -> None:
    """``--help`` of the command, of each group and of each subcommand, in one interpreter."""
    walk = (
        "import argparse, sys\n"
        "from ui.cli.main import build_parser, main\n"
        "def paths(parser, prefix):\n"
        "    yield prefix\n"
        "    for action in parser._actions:\n"
        "        if isinstance(action, argparse._SubParsersAction):\n"
        "            for name, sub in action.choices.items():\n"
        "                yield from paths(sub, [*prefix, name])\n"
        "count = 0\n"
        "for path in paths(build_parser(), []):\n"
        "    try:\n"
        "        main([*path, '--help'])\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, (path, exc.code)\n"
        "    count += 1\n"
        "print('pages', count)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", walk], cwd=ROOT, env=station, capture_output=True, timeout=300, check=False
    )
    out = assert_clean(result, 0)
    assert int(out.split()[-1]) >= 20
    assert "数据库" in out


def test_a_gbk_console_shows_substitute_marks(tmp_path: Path) -> None:
    """A real console (a pty) in cp936: ✓ is not in GBK, so the report shows √; Chinese stays GBK."""
    pty = pytest.importorskip("pty")  # a console to drive; Windows runs the piped cases above

    env = station_env(tmp_path, "cp936")
    pid, master = pty.fork()
    if pid == 0:  # the child: the CLI with the pty as its console
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-c", RUN_CLI, "--self-test"], env)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    os.close(master)
    text = b"".join(chunks).decode("gbk")
    assert os.waitstatus_to_exitcode(status) in (0, 1), text
    assert "√ 数据库" in text and "Traceback" not in text, text
