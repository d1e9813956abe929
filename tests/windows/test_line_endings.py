"""A Windows checkout must not change the bytes the station depends on.

With ``core.autocrlf=true`` (Git for Windows' default) every text file used to arrive with CRLF, so the
translations' fingerprint (a CRC of the TOML catalogues, fever_desk/i18n.py) never matched
compiled.json and a test failed.  ``.gitattributes`` now pins LF, and the fingerprint is taken on LF
bytes anyway, for a copy that did not come through Git.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fever_desk import i18n
from tests.windows.blocking import ROOT

CATALOGUE = "fever_desk/locales/zh_CN/core.toml"


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, encoding="utf-8", check=True, timeout=120
    ).stdout


@pytest.fixture(autouse=True)
def _needs_git() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")


def test_gitattributes_pins_the_catalogues_to_lf() -> None:
    out = git("check-attr", "text", "eol", "--", CATALOGUE, "fever_desk/locales/zh_CN/compiled.json")
    assert f"{CATALOGUE}: eol: lf" in out
    assert "compiled.json: eol: lf" in out
    assert "installer/icons/fever-desk.ico: text: unset" in git(
        "check-attr", "text", "--", "installer/icons/fever-desk.ico"
    )


def test_a_clone_with_autocrlf_keeps_the_compiled_catalogue_current(tmp_path: Path) -> None:
    """Clone the committed tree as Git for Windows would, then ask the clone's own i18n module."""
    clone = tmp_path / "clone"
    git("clone", "--quiet", "--no-hardlinks", "-c", "core.autocrlf=true", str(ROOT), str(clone), cwd=tmp_path)
    assert (clone / ".gitattributes").exists(), "commit .gitattributes: the clone is of HEAD"
    assert b"\r\n" not in (clone / CATALOGUE).read_bytes()
    probe = (
        "import json\n"
        "from fever_desk import i18n\n"
        "compiled = json.loads((i18n.LOCALES / 'zh_CN' / i18n.COMPILED).read_text(encoding='utf-8'))\n"
        "print(compiled['sources'] == i18n._fingerprint(i18n._sources('zh_CN')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=clone, capture_output=True, encoding="utf-8", timeout=120
    )
    assert result.stdout.strip() == "True", result.stderr


def test_the_fingerprint_ignores_crlf() -> None:
    sources = i18n._sources("zh_CN")
    crlf = [(name, data.replace(b"\n", b"\r\n")) for name, data in sources]
    assert crlf != sources
    assert i18n._fingerprint(crlf) == i18n._fingerprint(sources)
    compiled = json.loads((i18n.LOCALES / "zh_CN" / i18n.COMPILED).read_text(encoding="utf-8"))
    assert compiled["sources"] == i18n._fingerprint(crlf)
