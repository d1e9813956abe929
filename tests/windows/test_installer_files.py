"""The Windows installer as far as Linux can check it: the Inno Setup script, the PyInstaller spec run for
``win32``, the Windows workflow that builds both, and the commands clinic-it.md gives for Windows.

iscc and a Windows PyInstaller build cannot run here (.github/workflows/windows.yml runs them); these
tests pin what the files declare.
"""

from __future__ import annotations

import re
import sys
from types import SimpleNamespace
from typing import Any

import pytest

from fever_desk import __version__
from tests.windows.blocking import ROOT

ISS = ROOT / "installer" / "fever-desk.iss"
SPEC = ROOT / "installer" / "fever_desk.spec"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"
CLINIC_IT = ROOT / "docs" / "clinic-it.md"


def iss_lines() -> list[str]:
    """The script's lines without comments (``;`` lines), as iscc reads them."""
    text = ISS.read_text(encoding="utf-8-sig")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith(";")]


def setup_section() -> dict[str, str]:
    lines = iss_lines()
    start = lines.index("[Setup]") + 1
    section: dict[str, str] = {}
    for line in lines[start:]:
        if line.startswith("["):
            break
        key, _, value = line.partition("=")
        section[key.strip()] = value.strip()
    return section


def test_the_setup_refuses_windows_older_than_10_1809() -> None:
    assert setup_section()["MinVersion"] == "10.0.17763"


def test_the_setup_version_comes_from_the_build_not_the_script() -> None:
    lines = iss_lines()
    assert setup_section()["AppVersion"] == "{#AppVersion}"
    assert not [line for line in lines if re.match(r"#define\s+AppVersion\b", line)], "no default version"
    guard = lines.index("#ifndef AppVersion")
    assert lines[guard + 1].startswith("#error"), "iscc must stop when no version is passed"
    versions = [line for line in lines if re.search(r"\b\d+\.\d+\.\d+\b", line) and "MinVersion" not in line]
    assert versions == [], versions


def test_the_workflow_passes_the_package_version_to_iscc() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "import fever_desk; print(fever_desk.__version__)" in text
    assert '"/DAppVersion=${{ steps.version.outputs.version }}" installer/fever-desk.iss' in text
    assert __version__ not in text  # taken from the package at build time, never copied here


def test_the_workflow_tests_bundles_and_packages_on_windows() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert re.search(r"runs-on:\s*windows-", text)
    assert 'python-version: "3.11"' in text
    assert 'python -m pip install -e ".[test]"' in text
    assert "QT_QPA_PLATFORM: offscreen" in text
    assert "run: python -m pytest" in text
    assert "pyinstaller --noconfirm --clean" in text and "installer/fever_desk.spec" in text
    assert "fever-desk-cli.exe --self-test" in text


class _Recorder:
    """Stands in for PyInstaller's spec globals and records what the spec asks for."""

    def __init__(self) -> None:
        self.exes: list[dict[str, Any]] = []

    def analysis(self, *args: object, **kwargs: object) -> SimpleNamespace:
        return SimpleNamespace(binaries=[], datas=[], scripts=[], pure=[])

    def exe(self, *args: object, **kwargs: Any) -> dict[str, Any]:
        self.exes.append(kwargs)
        return kwargs

    def spec_globals(self) -> dict[str, Any]:
        return {
            "SPECPATH": str(SPEC.parent),
            "Analysis": self.analysis,
            "PYZ": lambda *a, **k: None,
            "EXE": self.exe,
            "COLLECT": lambda *a, **k: None,
            "__file__": str(SPEC),
        }


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("win32", {"fever-desk": False, "fever-desk-cli": True}),  # windowed desk + console twin
        ("linux", {"fever-desk": True}),
    ],
)
def test_the_spec_builds_a_console_cli_beside_the_windowed_desk(
    monkeypatch: pytest.MonkeyPatch, platform: str, expected: dict[str, bool]
) -> None:
    recorder = _Recorder()
    monkeypatch.setattr(sys, "platform", platform)
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), recorder.spec_globals())
    assert {exe["name"]: exe["console"] for exe in recorder.exes} == expected


def test_the_start_menu_self_test_uses_the_console_program() -> None:
    icons = [line for line in iss_lines() if "SelfTest" in line and line.startswith("Name:")]
    assert icons and all("fever-desk-cli.exe" in line for line in icons), icons


def test_clinic_it_gives_windows_commands_as_they_really_are() -> None:
    """Every Windows command block runs fever-desk-cli.exe by its full path; none calls a bare fever-desk."""
    text = CLINIC_IT.read_text(encoding="utf-8")
    blocks = re.findall(r"```bat\n(.*?)```", text, flags=re.S)
    commands = [line for block in blocks for line in block.splitlines() if "fever-desk" in line]
    run_lines = [line for line in commands if "fever-desk-cli" in line or line.startswith("fever-desk")]
    assert run_lines, "clinic-it.md shows Windows commands"
    for line in run_lines:
        assert line.startswith('"C:\\Program Files\\fever-desk\\fever-desk-cli.exe" '), line
    assert "desk's user" in text or "desk user" in text  # where %LOCALAPPDATA% is the desk's
    assert re.search(r"not on `?PATH`?", text)
