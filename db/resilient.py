"""Old import path of the offline store, kept for code written before the split into ``db.offline``.

New code imports from ``db.offline.link`` (``ServerUnavailable``, ``is_connection_error``, ``ServerLink``),
``db.offline.screenings``, ``db.offline.purchases`` and ``db.offline.store`` (``open_resilient``).
"""

from __future__ import annotations

from db.offline.link import ReplayResult, ServerLink, ServerUnavailable, SyncStatus, is_connection_error
from db.offline.purchases import PURCHASE_ADD, ResilientPurchaseRepository
from db.offline.repository import person_matches
from db.offline.screenings import (
    SCREENING_ADD,
    ResilientScreeningRepository,
    matches,
    screening_from_payload,
    screening_payload,
)
from db.offline.store import ResilientStore, open_resilient

__all__ = [
    "PURCHASE_ADD",
    "SCREENING_ADD",
    "ReplayResult",
    "ResilientPurchaseRepository",
    "ResilientScreeningRepository",
    "ResilientStore",
    "ServerLink",
    "ServerUnavailable",
    "SyncStatus",
    "is_connection_error",
    "matches",
    "open_resilient",
    "person_matches",
    "screening_from_payload",
    "screening_payload",
]
