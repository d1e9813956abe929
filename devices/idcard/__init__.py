"""Resident ID card readers (GA 467 serial protocol), with no Qt and no database.

Layers, innermost first: :mod:`~devices.idcard.frame` (the frame codec and its incremental parser),
:mod:`~devices.idcard.card` (the text block and :class:`IdCard`), :mod:`~devices.idcard.reader` (the find /
select / read driver, the readers' registry and :class:`CardReaderSession`, which reuses the thermometer's
session thread), :mod:`~devices.idcard.simulator` (sample cards on a pty or in memory) and
:mod:`~devices.idcard.diagnostics` (what ``fever-desk devices read`` calls).
"""

from devices.idcard.card import ETHNIC_GROUPS, CardDataError, IdCard, parse_text_block
from devices.idcard.reader import (
    CardRead,
    CardReadError,
    CardReaderSession,
    ReaderConfig,
    names,
)

__all__ = [
    "ETHNIC_GROUPS",
    "CardDataError",
    "CardRead",
    "CardReadError",
    "CardReaderSession",
    "IdCard",
    "ReaderConfig",
    "names",
    "parse_text_block",
]
