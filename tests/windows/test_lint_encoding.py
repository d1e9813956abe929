"""The lint that keeps the locale's code page out of our files: ruff's PLW1514 (unspecified-encoding).

It is a preview rule, and ruff ignores a preview rule silently unless preview is on, so the test runs
the project's own ruff configuration on a sample and checks that the rule fires, then that the code
base is clean of it.  (Ruff sees only calls whose type it can infer, such as ``open`` and
``Path(...).read_text``; tests/windows/test_code_pages.py catches the rest at run time with
``PYTHONWARNDEFAULTENCODING``.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.windows.blocking import ROOT

SAMPLE = 'from pathlib import Path\n\nopen("notes.txt")\nPath("settings.json").read_text()\n'


def ruff() -> str:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert exe, "ruff is part of the test extras"
    return exe


def test_the_project_config_flags_a_file_opened_without_an_encoding() -> None:
    result = subprocess.run(
        [ruff(), "check", "--stdin-filename", "fever_desk/sample.py", "--output-format", "concise", "-"],
        input=SAMPLE,
        cwd=ROOT,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 1
    # ruff names the rule by code or by name depending on its version
    found = result.stdout.count("PLW1514") + result.stdout.count("unspecified-encoding")
    assert found == 2, result.stdout


def test_no_file_is_opened_without_an_encoding() -> None:
    result = subprocess.run(
        [ruff(), "check", "--select", "PLW1514", "--output-format", "concise", "."],
        cwd=ROOT,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stdout
