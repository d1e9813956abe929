"""`fever-desk devices read --protocol ga467` and `devices list --probe`, as support staff use them.

The simulated reader serves a pty in this process; the command reads it like a USB-serial reader, once
in-process (exit codes, messages) and once as the real ``fever-desk`` program.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import serial.tools.list_ports_common

from devices.idcard.reader import CardReadError
from devices.idcard.simulator import SAMPLE_CARDS, CardResponder, card_pty
from devices.simulator import PtySimulator
from fever_desk.i18n import set_language
from ui.cli.devices import main
from ui.services.idcard import card_error_text, card_summary, known_reasons

FEVER_DESK = Path(sys.executable).with_name("fever-desk")


@pytest.fixture
def reader() -> Iterator[tuple[PtySimulator, CardResponder]]:
    sim, responder = card_pty({"mode": "manual", "corrupt_rate": 0.0})
    try:
        yield sim, responder
    finally:
        sim.unplug()


def test_read_prints_one_masked_line_per_card(
    reader: tuple[PtySimulator, CardResponder], capsys: pytest.CaptureFixture[str]
) -> None:
    sim, responder = reader
    responder.present(SAMPLE_CARDS[0])
    code = main(["devices", "read", "--port", sim.path, "--protocol", "ga467", "--timeout", "5"])
    out = capsys.readouterr().out
    assert code == 0
    assert out == "王*明  男  汉  1101**********0011  有效期至 2035-04-01\n"


def test_the_real_program_reads_two_cards_from_the_reader(
    reader: tuple[PtySimulator, CardResponder], tmp_path: Path
) -> None:
    sim, responder = reader
    responder.present(SAMPLE_CARDS[3])  # expired in 2021
    process = subprocess.Popen(
        [str(FEVER_DESK), "--language", "en", "devices", "read", "--port", sim.path, "--protocol", "ga467",
         "--count", "2", "--timeout", "10", "--option", "interval=0.05"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )  # fmt: skip
    try:
        first = process.stdout.readline() if process.stdout else ""
        responder.remove()
        responder.present(SAMPLE_CARDS[2])  # valid for life
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert first == "陈*国  Male  回  4201**********003X  expired on 2021-08-20\n"
    assert out == "李*英  Female  汉  3301**********0047  valid for life\n"
    for secret in ("陈建国", "42010220010809003X", "李秀英", "330106195001150047", "武汉", "杭州"):
        assert secret not in first + out + err


def test_a_failed_read_is_a_translated_line(
    reader: tuple[PtySimulator, CardResponder], capsys: pytest.CaptureFixture[str]
) -> None:
    sim, responder = reader
    responder.fail_next_reads(1000)
    responder.present(SAMPLE_CARDS[0])
    code = main(["devices", "read", "--port", sim.path, "--protocol", "ga467", "--timeout", "5"])
    assert code == 0
    assert capsys.readouterr().out == "读卡失败：读取身份证失败：请将身份证放稳在读卡器上\n"


def test_no_card_exits_1_saying_the_reader_answers(
    reader: tuple[PtySimulator, CardResponder], capsys: pytest.CaptureFixture[str]
) -> None:
    sim, _ = reader
    code = main(["devices", "read", "--port", sim.path, "--protocol", "ga467", "--timeout", "0.5"])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert "读卡器有应答" in captured.err


def test_a_port_where_nothing_answers_exits_1_naming_the_port(capsys: pytest.CaptureFixture[str]) -> None:
    with PtySimulator("lu90614") as thermometer:  # a thermometer does not speak GA 467
        code = main(["devices", "read", "--port", thermometer.path, "--protocol", "ga467", "--timeout", "5"])
    captured = capsys.readouterr()
    assert code == 1
    assert thermometer.path in captured.err and "115200" in captured.err


def test_a_missing_port_and_a_missing_port_option_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "ttyUSB9")
    assert main(["devices", "read", "--port", missing, "--protocol", "ga467"]) == 2
    assert missing in capsys.readouterr().err
    assert main(["devices", "read", "--protocol", "ga467"]) == 2
    assert "--port" in capsys.readouterr().err


def test_the_in_memory_simulator_needs_no_port(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["devices", "read", "--protocol", "ga467_simulator", "--count", "2", "--option", "corrupt_rate=0",
         "--option", "interval=0.02"]
    )  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert code == 0 and lines[0].startswith("王*明") and lines[1].startswith("阿******提")


def test_list_probe_names_the_reader_among_the_ports(
    reader: tuple[PtySimulator, CardResponder],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sim, _ = reader
    with PtySimulator("lu90614") as thermometer:
        ports = [serial.tools.list_ports_common.ListPortInfo(p, skip_link_detection=True) for p in
                 (sim.path, thermometer.path)]  # fmt: skip
        monkeypatch.setattr(serial.tools.list_ports, "comports", lambda: ports)
        assert main(["devices", "list", "--probe"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert main(["devices", "list"]) == 0
        plain = capsys.readouterr().out.splitlines()
    by_path = {line.split()[0]: line for line in lines}
    assert by_path[sim.path].endswith("身份证阅读器（GA 467）已应答")
    assert "GA 467" not in by_path[thermometer.path]
    assert all("GA 467" not in line for line in plain)


def test_summary_and_errors_in_english() -> None:
    set_language("en")
    assert card_summary(SAMPLE_CARDS[1], date(2026, 12, 1)) == (
        "阿******提  Female  维吾尔  6501**********0027  valid until 2036-06-01"
    )
    assert card_error_text(CardReadError(0x66, "the reader's security module is not authorised")) == (
        "Card not read: the reader's security module is not authorised"
    )
    assert card_error_text(CardReadError(0x55, "the reader reported status 0x55")) == (
        "Card not read: the reader reported status 0x55"
    )


def test_every_reason_of_the_device_layer_is_translated() -> None:
    from devices.idcard import frame
    from devices.idcard.card import REASONS
    from devices.idcard.reader import MALFORMED_REPLY
    from fever_desk.i18n import catalogue

    reasons = {*frame.STATUS.values(), *REASONS, MALFORMED_REPLY}
    assert reasons == known_reasons()
    zh = catalogue("zh_CN")
    assert all(reason in zh for reason in reasons)
    error = CardReadError(0, "the card's ID number failed the check", "The ID number's check digit does not "
                          "match; please check each digit.")  # fmt: skip
    assert card_error_text(error) == "读卡失败：身份证号码未通过校验：" + zh[error.detail]
