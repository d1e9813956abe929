"""`fever-desk devices …` as support staff use it at the counter: readings in °C, plain exit codes."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.simulator import PtySimulator
from ui.cli.devices import add_device_commands, main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sim() -> Iterator[PtySimulator]:
    simulator = PtySimulator("lu90614", {"seed": 3})
    try:
        yield simulator
    finally:
        simulator.unplug()


def test_read_prints_one_reading_per_line(sim: PtySimulator, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["devices", "read", "--port", sim.path, "--protocol", "lu90614", "--count", "3"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert code == 0
    assert len(lines) == 3
    for line in lines:
        value, unit = line.split()[:2]
        assert unit == "°C" and " °C" in line
        assert 34.0 <= float(value) <= 43.0


def test_a_missing_port_exits_2_with_a_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "ttyUSB9")
    code = main(["devices", "read", "--port", missing, "--protocol", "lu90614", "--timeout", "1"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert missing in captured.err and "找不到端口" in captured.err


def test_an_unknown_protocol_exits_2(sim: PtySimulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["devices", "read", "--port", sim.path, "--protocol", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_silence_exits_1_and_says_why(sim: PtySimulator, capsys: pytest.CaptureFixture[str]) -> None:
    # An LU90614 module does not answer ASCII: the wrong protocol looks exactly like silence.
    code = main(["devices", "read", "--port", sim.path, "--protocol", "ascii", "--timeout", "0.5"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert sim.path in captured.err


def test_list_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["devices", "list"]) == 0


def test_commands_plug_into_any_parser() -> None:
    parser = argparse.ArgumentParser(prog="fever-desk")
    add_device_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["devices", "read", "--port", "loop://", "--protocol", "ascii", "--baud", "19200"]
    )
    assert (args.port, args.protocol, args.baud, args.count) == ("loop://", "ascii", 19200, None)


def test_the_device_commands_import_no_qt() -> None:
    code = "import sys, ui.cli.devices; sys.exit('PySide6' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_read_help_lists_every_registered_protocol() -> None:
    """The names come from devices.registry, so a family added there shows up without a copy here."""
    from devices import registry

    result = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--language", "en", "devices", "read", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0
    help_text = " ".join(result.stdout.split())  # argparse wraps lines
    assert len(registry.names()) >= 5
    for name in registry.names():
        assert name in help_text, name
