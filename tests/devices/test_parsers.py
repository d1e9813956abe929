"""Property tests for every parser: noise never crashes nor yields a bad value; chunking never matters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.base import BODY_RANGE_C, DeviceError, Item, Parser, ProtocolError, Reading
from devices.protocols import ascii_lines, lu90614, modbus_rtu, optris_ct
from fever_desk.model import MeasureMode


@dataclass(frozen=True)
class Family:
    name: str
    make: Callable[[], Parser]
    frame: st.SearchStrategy[tuple[bytes, float, MeasureMode]]
    header: bytes  # bytes junk must avoid for "junk is skipped" to be decidable at all
    valid_raw: Callable[[bytes], bool]


def _lu_frame() -> st.SearchStrategy[tuple[bytes, float, MeasureMode]]:
    def build(hundredths: int, mode: MeasureMode, tail: bytes) -> tuple[bytes, float, MeasureMode]:
        celsius = hundredths / 100
        return lu90614.encode_reply(celsius, mode, tail), celsius, mode

    return st.builds(
        build,
        st.integers(0, 25599),
        st.sampled_from([MeasureMode.BODY, MeasureMode.OBJECT]),
        st.binary(min_size=4, max_size=4),
    )


def _modbus_frame() -> st.SearchStrategy[tuple[bytes, float, MeasureMode]]:
    def build(tenths: int, ambient: int) -> tuple[bytes, float, MeasureMode]:
        return modbus_rtu.encode_response(1, [tenths, ambient]), tenths / 10, MeasureMode.OBJECT

    return st.builds(build, st.integers(-700, 10000), st.integers(-32768, 32767))


def _optris_frame() -> st.SearchStrategy[tuple[bytes, float, MeasureMode]]:
    return st.integers(-500, 9750).map(lambda t: (optris_ct.encode_reply(t / 10), t / 10, MeasureMode.OBJECT))


def _ascii_frame() -> st.SearchStrategy[tuple[bytes, float, MeasureMode]]:
    def build(hundredths: int, mode: MeasureMode) -> tuple[bytes, float, MeasureMode]:
        return ascii_lines.encode_line(hundredths / 100, mode), hundredths / 100, mode

    return st.builds(build, st.integers(-5000, 50000), st.sampled_from(list(MeasureMode)[:3]))


def _lu_valid(raw: bytes) -> bool:
    return len(raw) == 9 and raw[0] == 0xFE and lu90614.checksum(raw) == raw[8]


def _modbus_valid(raw: bytes) -> bool:
    return raw[0] == 1 and modbus_rtu.crc(raw[:-2]) == raw[-2:]


FAMILIES = [
    Family("lu90614", lu90614.Lu90614Parser, _lu_frame(), b"\xfe", _lu_valid),
    Family("modbus_rtu", modbus_rtu.ModbusRtuParser, _modbus_frame(), b"\x01", _modbus_valid),
    Family("optris_ct", optris_ct.OptrisParser, _optris_frame(), b"", lambda raw: len(raw) == 2),
    Family("ascii", ascii_lines.AsciiLinesParser, _ascii_frame(), b"\n", lambda raw: b"\n" not in raw),
]
RANGES = {
    "lu90614": lu90614.SENSOR_RANGE_C,
    "modbus_rtu": modbus_rtu.SENSOR_RANGE_C,
    "optris_ct": optris_ct.SENSOR_RANGE_C,
    "ascii": ascii_lines.SENSOR_RANGE_C,
}
by_family = pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)


def _feed(parser: Parser, chunks: list[bytes], replies: int = 0) -> list[Item]:
    """Feed chunks; for Optris (no framing) announce ``replies`` requested replies first."""
    if isinstance(parser, optris_ct.OptrisParser):
        parser.expect(replies)
    out: list[Item] = []
    for chunk in chunks:
        out.extend(parser.feed(chunk))
    return out


def _check_item(family: Family, item: Item) -> None:
    assert family.valid_raw(item.raw), item
    if isinstance(item, Reading):
        low, high = RANGES[family.name]
        assert low <= item.celsius <= high
        in_body_range = BODY_RANGE_C[0] <= item.celsius <= BODY_RANGE_C[1]
        assert item.plausible == (item.mode is not MeasureMode.BODY or in_body_range)
    else:
        assert isinstance(item, DeviceError)


@by_family
@given(data=st.data())
def test_random_bytes_never_raise_nor_yield_invalid_values(family: Family, data: st.DataObject) -> None:
    chunks = data.draw(st.lists(st.binary(max_size=64), max_size=12))
    replies = data.draw(st.integers(0, 40))
    parser = family.make()
    for item in _feed(parser, chunks, replies):
        _check_item(family, item)
    parser.flush()
    assert parser.stats.frames == parser.stats.readings + parser.stats.device_errors


@by_family
@given(data=st.data())
def test_junk_before_a_valid_frame_is_skipped(family: Family, data: st.DataObject) -> None:
    frame, celsius, mode = data.draw(family.frame)
    junk = data.draw(
        st.binary(max_size=40).map(lambda b: bytes(x for x in b if bytes([x]) not in family.header))
    )
    parser = family.make()
    if isinstance(parser, optris_ct.OptrisParser):
        items = _feed(parser, [junk]) + _feed(parser, [frame], replies=1)
    elif isinstance(parser, ascii_lines.AsciiLinesParser):
        items = _feed(parser, [junk + b"\n" + frame])
    else:
        items = _feed(parser, [junk + frame])
    assert items, f"valid frame {frame.hex()} after junk {junk.hex()} was lost"
    last = items[-1]
    assert isinstance(last, Reading)
    assert last.raw == (frame.rstrip(b"\r\n") if family.name == "ascii" else frame)
    assert last.celsius == pytest.approx(celsius, abs=0.006)
    assert last.mode is mode
    _check_item(family, last)
    if family.name != "ascii":
        assert parser.stats.garbage_bytes == len(junk)


@by_family
@given(data=st.data())
def test_chunk_boundaries_do_not_change_the_result(family: Family, data: st.DataObject) -> None:
    pieces = data.draw(
        st.lists(st.one_of(family.frame.map(lambda f: f[0]), st.binary(max_size=12)), max_size=8)
    )
    stream = b"".join(pieces)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    whole = _feed(family.make(), [stream], replies=len(pieces))
    split = _feed(family.make(), chunks, replies=len(pieces))
    assert split == whole


@by_family
@given(data=st.data())
def test_every_valid_frame_alone_decodes_to_its_value(family: Family, data: st.DataObject) -> None:
    frame, celsius, mode = data.draw(family.frame)
    items = _feed(family.make(), [frame], replies=1)
    assert len(items) == 1
    assert isinstance(items[0], Reading)
    assert items[0].celsius == pytest.approx(celsius, abs=0.006)
    assert items[0].mode is mode


def test_body_reading_outside_clinical_range_is_flagged_not_dropped() -> None:
    (low,) = lu90614.Lu90614Parser().feed(lu90614.encode_reply(33.9))
    (high,) = lu90614.Lu90614Parser().feed(lu90614.encode_reply(43.01))
    (ok,) = lu90614.Lu90614Parser().feed(lu90614.encode_reply(43.0))
    assert not low.plausible and not high.plausible and ok.plausible
    assert not low.is_body_temperature
    with pytest.raises(ValueError, match="measure again"):
        low.to_temperature()
    assert ok.to_temperature("lu90614@/dev/ttyUSB0").celsius == 43.0


def test_object_mode_is_never_a_body_temperature() -> None:
    (item,) = lu90614.Lu90614Parser().feed(lu90614.encode_reply(36.5, MeasureMode.OBJECT))
    assert item.plausible and item.mode is MeasureMode.OBJECT and not item.is_body_temperature


def test_ascii_fahrenheit_is_converted_and_options_apply() -> None:
    parser = ascii_lines.AsciiLinesParser(
        {"pattern": r"TEMP:(?P<value>\d+\.\d)", "unit": "F", "mode": "surface"}
    )
    (item,) = parser.feed(b"ID 17 TEMP:100.4\r\n")
    assert item.celsius == 38.0 and item.mode is MeasureMode.SURFACE


def test_ascii_resync_drops_the_partial_first_line() -> None:
    parser = ascii_lines.AsciiLinesParser()
    parser.resync()
    assert parser.feed(b"7.5\r\n36.6\r\n") == ascii_lines.AsciiLinesParser().feed(b"36.6\r\n")


def test_ascii_overlong_line_is_dropped_whole() -> None:
    parser = ascii_lines.AsciiLinesParser({"max_line": 16})
    assert parser.feed(b"x" * 20) == []
    assert parser.feed(b" 36.6\r\n37.0\n") == [ascii_lines.AsciiLinesParser().feed(b"37.0\n")[0]]


def test_modbus_exception_and_signed_scaled_values() -> None:
    parser = modbus_rtu.ModbusRtuParser(
        {"slave": 7, "count": 1, "register": 0, "scale": 0.01, "signed": False}
    )
    items = parser.feed(modbus_rtu.encode_exception(7, 2) + modbus_rtu.encode_response(7, [3650]))
    assert isinstance(items[0], DeviceError) and items[0].code == 2
    assert isinstance(items[1], Reading) and items[1].celsius == 36.5
    signed = modbus_rtu.ModbusRtuParser({"count": 1})
    (cold,) = signed.feed(modbus_rtu.encode_response(1, [-123]))
    assert cold.celsius == -12.3


def test_optris_bytes_nobody_asked_for_are_junk() -> None:
    parser = optris_ct.OptrisParser()
    assert parser.feed(optris_ct.encode_reply(30.0)) == []
    assert parser.stats.garbage_bytes == 2
    parser.expect()
    parser.feed(b"\x05")
    assert parser.flush() == [] and parser.stats.truncated == 1
    parser.expect()
    assert [i.celsius for i in parser.feed(b"\x05\x14")] == [30.0]


@pytest.mark.parametrize(
    ("make", "options"),
    [
        (lu90614.Lu90614Parser, {"range_c": (5, 1)}),
        (modbus_rtu.ModbusRtuParser, {"slave": 0}),
        (modbus_rtu.ModbusRtuParser, {"index": 2, "count": 2}),
        (optris_ct.OptrisParser, {"mode": "body"}),
        (ascii_lines.AsciiLinesParser, {"pattern": "("}),
        (ascii_lines.AsciiLinesParser, {"unit": "K"}),
        (ascii_lines.AsciiLinesParser, {"mode": "rectal"}),
    ],
)
def test_bad_options_raise_protocol_error(make: Callable[..., Parser], options: dict) -> None:
    with pytest.raises(ProtocolError):
        make(options)


def test_modbus_crc_matches_the_published_vector() -> None:
    assert modbus_rtu.crc(bytes.fromhex("010300000001")) == bytes.fromhex("840A")
    assert modbus_rtu.encode_request(1, 0, 1) == bytes.fromhex("010300000001840A")
