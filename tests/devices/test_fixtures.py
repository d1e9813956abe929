"""Frames as each family sends them, kept as hex files beside the tests (see each file's header).

``=`` lines name the item expected from the data above them, ``!`` lines the parser counters at the end.
Each capture is decoded whole and byte by byte, which must agree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devices import registry
from devices.base import DeviceError, Item, Parser, Reading
from devices.protocols.optris_ct import OptrisParser
from tests.devices.conftest import FIXTURES


def _load(path: Path) -> tuple[list[bytes], list[str], dict[str, int]]:
    chunks: list[bytes] = []
    expected: list[str] = []
    counters: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("="):
            expected.append(line[1:].strip())
        elif line.startswith("!"):
            name, value = line[1:].split()
            counters[name] = int(value)
        else:
            chunks.append(bytes.fromhex(line))
    return chunks, expected, counters


def _describe(item: Item) -> str:
    if isinstance(item, DeviceError):
        return f"error {item.code}"
    assert isinstance(item, Reading)
    text = f"reading {item.celsius:.2f} {item.mode.value}"
    return text if item.plausible else text + " implausible"


def _decode(parser: Parser, chunks: list[bytes], bytewise: bool) -> list[Item]:
    out: list[Item] = []
    for chunk in chunks:
        if isinstance(parser, OptrisParser):  # one data line = the reply window of one request
            out += parser.flush()
            parser.expect()
        pieces = [chunk[i : i + 1] for i in range(len(chunk))] if bytewise else [chunk]
        for piece in pieces:
            out += parser.feed(piece)
    out += parser.flush()
    return out


@pytest.mark.parametrize("name", ["lu90614", "optris_ct", "modbus_rtu", "ascii"])
def test_recorded_frames_decode_as_annotated(name: str) -> None:
    chunks, expected, counters = _load(FIXTURES / f"{name}.hex")
    parser = registry.get(name).parser({})
    items = _decode(parser, chunks, bytewise=False)
    assert [_describe(i) for i in items] == expected
    for counter, value in counters.items():
        assert getattr(parser.stats, counter) == value, counter
    assert _decode(registry.get(name).parser({}), chunks, bytewise=True) == items
