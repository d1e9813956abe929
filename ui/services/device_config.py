"""The thermometer's and the ID card reader's settings as the device layer wants them, and their status
reasons in the nurse's language.

Qt-free on purpose: the command line (``fever-desk devices read``) and the desk share these, and the CLI
must run over SSH on a machine without Qt.  The device layer speaks short English sentences
(``devices.session`` and ``devices.transport``); they are translated here, at the edge, so the device layer
stays free of the UI's language machinery.
"""

from __future__ import annotations

import copy

from devices.idcard.reader import SIMULATOR as READER_SIMULATOR
from devices.idcard.reader import ReaderConfig
from devices.registry import DeviceConfig
from fever_desk.i18n import tr
from fever_desk.settings import Settings

SIMULATOR = "simulator"

#: Every fixed reason the device layer reports (tests check each has a Chinese entry and that the device
#: layer reports nothing fixed that is missing here).
KNOWN_REASONS: tuple[str, ...] = (
    "device disconnected",
    "no reply from device (check protocol and baud rate)",
    "port not found (device unplugged?)",
    "access denied (port in use or no permission)",
    "port in use by another program",
    "no port configured",
    "device not accepting data (write timed out)",
    "device is not open",
)

#: Reasons that carry a detail after a fixed prefix; the detail (pyserial's text) stays untranslated.
PREFIXED_REASONS: dict[str, str] = {
    "bad settings: ": "bad settings: {problem}",
    "internal error: ": "internal error: {problem}",
    "connection lost: ": "connection lost: {problem}",
    "could not open port: ": "could not open port: {problem}",
    "invalid port settings: ": "invalid port settings: {problem}",
}


def device_config(settings: Settings) -> DeviceConfig:
    """The configured thermometer; an empty protocol means the simulator, as on a fresh install."""
    return DeviceConfig(
        protocol=settings.device_protocol or SIMULATOR,
        port=settings.device_port or "",
        baudrate=settings.device_baudrate or None,
        options=dict(settings.device_options or {}),
    )


def with_device_config(settings: Settings, config: DeviceConfig) -> Settings:
    """A copy of ``settings`` remembering ``config``, so the next start opens the same port."""
    new = copy.deepcopy(settings)
    new.device_protocol = config.protocol
    new.device_port = config.port
    new.device_baudrate = config.baudrate
    new.device_options = dict(config.options)
    return new


def translate_reason(reason: str) -> str:
    """The device layer's English reason in the current language; unknown details are shown as they are."""
    if reason in KNOWN_REASONS:
        return tr(reason)
    for prefix, template in PREFIXED_REASONS.items():
        if reason.startswith(prefix):
            return tr(template, problem=reason[len(prefix) :])
    return reason


#: Each poll of the simulated reader moves to the next sample card, undamaged (see the bridge).
SIMULATED_READER = {"dwell": 1, "gap": 1, "corrupt_rate": 0.0}


def reader_config(settings: Settings) -> ReaderConfig | None:
    """The configured ID card reader, or None when the counter has none (the default)."""
    if not settings.idcard_protocol:
        return None
    return ReaderConfig(
        protocol=settings.idcard_protocol,
        port=settings.idcard_port or "",
        baudrate=settings.idcard_baudrate or None,
        # The simulated reader runs on demand in the desk (F11): each request places the next sample card.
        options=dict(SIMULATED_READER) if settings.idcard_protocol == READER_SIMULATOR else {},
    )


def with_reader_config(settings: Settings, config: ReaderConfig | None) -> Settings:
    """A copy of ``settings`` remembering the reader (None: no reader at this counter)."""
    new = copy.deepcopy(settings)
    new.idcard_protocol = config.protocol if config else ""
    new.idcard_port = config.port if config else ""
    new.idcard_baudrate = config.baudrate if config else None
    return new
