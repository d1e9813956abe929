"""ASCII line protocols: kiosks and custom firmware that print one temperature per line.

No medical device was found documenting such a format, so everything is configurable:

* ``pattern``: a regular expression searched in each line; group ``value`` (or the first group) is the
  number, optional groups ``unit`` (C/F) and ``mode`` (body/surface/skin/object) override the options;
* ``unit``: ``"C"`` (default) or ``"F"``, converted to °C;
* ``mode``: what the device measures when a line does not say (default body, as kiosks are body meters);
* ``error_pattern``: lines reporting a device error, with group ``code`` (default ``ERR 12``/``error: 12``).

Lines longer than ``max_line`` bytes are dropped whole.  After (re)opening a port mid-stream the first
line is discarded (:meth:`AsciiLinesParser.resync`), because its front may be missing: "37.5" read as
"7.5" would otherwise pass as a plausible object temperature.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from devices.base import (
    DeviceError,
    Item,
    Parser,
    ProtocolError,
    StreamDriver,
    make_reading,
    option_int,
    option_mode,
    option_range,
)
from fever_desk.model import MeasureMode

NAME = "ascii"
BAUDRATE = 9600
DEFAULT_PATTERN = (
    r"(?i)(?:\b(?P<mode>body|surface|skin|object|obj)\b[^0-9+-]{0,8})?"
    r"(?<![A-Za-z0-9.])(?P<value>[-+]?\d{1,4}(?:\.\d{1,3})?)\s*(?:°|deg|º)?\s*(?P<unit>[CF])?(?![A-Za-z0-9])"
)
DEFAULT_ERROR_PATTERN = r"(?i)\berr(?:or)?\b\W{0,3}(?P<code>\d{1,5})"
SENSOR_RANGE_C = (-50.0, 500.0)
_MODE_WORDS = {
    "body": MeasureMode.BODY,
    "surface": MeasureMode.SURFACE,
    "skin": MeasureMode.SURFACE,
    "object": MeasureMode.OBJECT,
    "obj": MeasureMode.OBJECT,
}


def encode_line(celsius: float, mode: MeasureMode = MeasureMode.BODY, unit: str = "C") -> bytes:
    """A line as the simulator prints it, e.g. ``BODY 36.62 C``."""
    value = celsius * 9 / 5 + 32 if unit.upper() == "F" else celsius
    return f"{mode.value.upper()} {value:.2f} {unit.upper()}\r\n".encode("ascii")


def _compile(options: Mapping[str, Any], name: str, default: str) -> re.Pattern[str]:
    try:
        return re.compile(str(options.get(name, default)))
    except re.error as exc:
        raise ProtocolError(f"{name} is not a valid regular expression: {exc}") from exc


class AsciiLinesParser(Parser):
    """Splits on ``\\n`` (``\\r`` stripped), decides per complete line, so chunking never matters."""

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        options = options or {}
        self.pattern = _compile(options, "pattern", DEFAULT_PATTERN)
        self.error_pattern = _compile(options, "error_pattern", DEFAULT_ERROR_PATTERN)
        self.unit = str(options.get("unit", "C")).upper()
        if self.unit not in ("C", "F"):
            raise ProtocolError(f"unit must be 'C' or 'F', got {options.get('unit')!r}")
        self.mode = option_mode(options, MeasureMode.BODY)
        self.range_c = option_range(options, SENSOR_RANGE_C)
        self.max_line = option_int(options, "max_line", 256, 8, 4096)
        self._skipping = False

    def resync(self) -> None:
        """Discard up to the next newline: the stream may have been joined in the middle of a line."""
        super().resync()
        self._skipping = True

    def feed(self, data: bytes) -> list[Item]:
        out: list[Item] = []
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                self._keep(data[start:])
                return out
            piece = data[start:end]
            start = end + 1
            if self._skipping:
                self.stats.garbage_bytes += len(self._buf) + len(piece) + 1
                self._buf.clear()
                self._skipping = False
                continue
            line = bytes(self._buf) + piece
            self._buf.clear()
            if len(line) > self.max_line:
                self.stats.garbage_bytes += len(line) + 1
                continue
            item = self._parse_line(line.rstrip(b"\r"))
            if item is not None:
                out.append(self._accept(item))

    def _keep(self, tail: bytes) -> None:
        if self._skipping:
            self.stats.garbage_bytes += len(tail)
            return
        self._buf.extend(tail)
        if len(self._buf) > self.max_line:
            # Too long to be a line of ours: drop it now and the rest of it up to its newline.
            self.stats.garbage_bytes += len(self._buf)
            self._buf.clear()
            self._skipping = True

    def _parse_line(self, raw: bytes) -> Item | None:
        if not raw.strip():
            return None
        text = raw.decode("utf-8", errors="replace")
        error = self.error_pattern.search(text)
        if error is not None:
            code_text = error.groupdict().get("code") or (error.group(1) if error.groups() else None)
            try:
                code = int(code_text) if code_text else -1
            except ValueError:
                code = -1
            return DeviceError(code, text.strip()[:80], raw)
        match = self.pattern.search(text)
        if match is None:
            self.stats.garbage_bytes += len(raw) + 1
            return None
        groups = match.groupdict()
        value_text = groups.get("value") or (match.group(1) if match.groups() else match.group(0))
        try:
            value = float(value_text)
        except (TypeError, ValueError):
            self.stats.malformed += 1
            return None
        unit = (groups.get("unit") or self.unit).upper()
        celsius = (value - 32) * 5 / 9 if unit == "F" else value
        mode = _MODE_WORDS.get((groups.get("mode") or "").lower(), self.mode)
        if not self.range_c[0] <= celsius <= self.range_c[1]:
            self.stats.out_of_range += 1
            return None
        return make_reading(celsius, mode, raw)


class AsciiLinesDriver(StreamDriver):
    """Only listens; a kiosk prints a line when it has measured someone."""
