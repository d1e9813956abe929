"""Find a person across the pre-screening desk and the pharmacy register, in time order.

Contact tracing in 2020 started from one name, phone or ID and asked "where has this person been seen,
with what temperature?".  Both tables share the search keys and the grammar (``fever_desk.search``),
so one search text runs as the same bounded, index-driven query on each table (``db/search.py``); the
two result lists are merged by time.  No time window: the whole history is the point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from db.pharmacy_repository import SqlPurchaseRepository
from db.repositories import SqlScreeningRepository
from fever_desk.model import Screening
from fever_desk.pharmacy import Purchase

_EPOCH = datetime(1900, 1, 1, tzinfo=UTC)
_END = datetime(9999, 1, 1, tzinfo=UTC)
MIN_NAME_CHARS = 1


@dataclass(frozen=True)
class HistoryEntry:
    """One sighting: ``kind`` is "screening" or "purchase", ``record`` the domain object."""

    kind: str
    at: datetime
    name: str
    id_number: str
    phone: str
    temperature_c: float | None
    record: Screening | Purchase


@dataclass(frozen=True)
class History:
    entries: list[HistoryEntry]
    truncated: bool


def _from_screening(s: Screening) -> HistoryEntry:
    assert s.created_at is not None
    t = s.temperature
    return HistoryEntry(
        "screening",
        s.created_at,
        s.person.name,
        s.person.id_number,
        s.person.phone,
        None if t is None else t.celsius,
        s,
    )


def _from_purchase(p: Purchase) -> HistoryEntry:
    assert p.created_at is not None
    who = p.purchaser
    return HistoryEntry(
        "purchase", p.created_at, who.name, who.id_number, who.phone, p.temperature.celsius, p
    )


def search_people(session_factory: Callable[[], Session], text: str, *, limit: int = 200) -> History:
    """Screenings and purchases whose person matches ``text`` (ID, phone or name prefix), oldest first.

    Each table returns at most ``limit`` of its newest matches; ``truncated`` says when more exist, so
    the screen can ask for a longer name or the full number instead of silently cutting the history.
    """
    if not text.strip():
        return History([], False)
    screenings = SqlScreeningRepository(session_factory).between(_EPOCH, _END, search=text, limit=limit + 1)
    purchases = SqlPurchaseRepository(session_factory).between(_EPOCH, _END, search=text, limit=limit + 1)
    truncated = len(screenings) > limit or len(purchases) > limit
    entries = [_from_screening(s) for s in screenings[:limit]] + [
        _from_purchase(p) for p in purchases[:limit]
    ]
    entries.sort(key=lambda e: e.at)
    return History(entries, truncated)
