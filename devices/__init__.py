"""Infrared thermometers over serial ports, with no Qt and no database.

Layers, outermost first: :class:`DeviceSession` (one thread, reconnects, status), :class:`Device` (one
open port with its family's driver and parser), the protocol families in :mod:`devices.protocols`, and
:mod:`devices.transport` (pyserial).  :mod:`devices.on_demand` is the session that measures only when
asked (the simulator's F9); :mod:`devices.diagnostics` holds what the command line calls.  Resident ID
card readers live in :mod:`devices.idcard` and reuse the session, the device and the transport.
"""

from devices.base import (
    BODY_RANGE_C,
    DeviceError,
    DeviceUnavailable,
    Item,
    Parser,
    ParserStats,
    ProtocolError,
    Reading,
)
from devices.registry import Device, DeviceConfig, ProtocolFamily, get, names, register
from devices.session import DeviceSession, SessionStatus, State
from devices.transport import PortInfo, list_ports

__all__ = [
    "BODY_RANGE_C",
    "Device",
    "DeviceConfig",
    "DeviceError",
    "DeviceSession",
    "DeviceUnavailable",
    "Item",
    "Parser",
    "ParserStats",
    "PortInfo",
    "ProtocolError",
    "ProtocolFamily",
    "Reading",
    "SessionStatus",
    "State",
    "get",
    "list_ports",
    "names",
    "register",
]
