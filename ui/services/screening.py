"""Small operations the screens hand to the database worker (one function each, run off the GUI thread).

They take the worker's context (:class:`ui.services.context.DeskContext`) and plain values, and return plain
values, so they can be tested without Qt and reused by the command line.  Each write and its audit entry
commit in one unit of work (``ctx.unit_of_work()``): a process killed at any moment leaves both or
neither.  The record names the logged-in operator (``ctx.actor``), the same name the trail gets.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from db.offline.link import was_queued
from fever_desk.audit import AuditAction
from fever_desk.day_lines import ScreeningLine
from fever_desk.model import DayCounts, Screening
from fever_desk.problems import Problem
from ui.services import report_cards
from ui.services.audit_hooks import audit
from ui.services.changes import Changes
from ui.services.context import DeskContext

DbContext = DeskContext  # the name the screens used before the context was typed


@dataclass(frozen=True)
class DayView:
    """The day list's rows, light (``fever_desk.day_lines``; :func:`get_screening` opens one), and figures."""

    rows: list[ScreeningLine]
    counts: DayCounts


class RecordGone(Problem):
    """A list row whose record is no longer stored (purged, or the list was older than the database)."""

    template = "This record is no longer stored (it may have been purged); the list is being reloaded."


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """Midnight to midnight in the station's local time, as aware datetimes."""
    start = datetime.combine(day, time.min).astimezone()
    end = datetime.combine(day + timedelta(days=1), time.min).astimezone()
    return start, end


def operator_of(ctx: DeskContext, fallback: str = "") -> str:
    """Who is at the desk: the account logged in (``ctx.actor``, set once at login, the name its audit
    entries carry).  ``fallback`` (the name a caller passed) counts only when nobody is logged in: a
    script or test driving the operations directly; the desk never saves before its login."""
    return ctx.actor.operator or fallback


@contextmanager
def removed_on_failure(path: Path) -> Iterator[None]:
    """Around a unit of work that writes ``path``: if the unit fails (its audit entry or its commit)
    after writing the file, the file goes too, so no export leaves the station that the trail never
    saw.  A file the unit did not get to write (same size and time as before) is left alone."""

    def stamp() -> tuple[int, int] | None:
        try:
            found = path.stat()
        except OSError:
            return None
        return found.st_mtime_ns, found.st_size

    before = stamp()
    try:
        yield
    except BaseException:
        if stamp() != before:
            path.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class ScreeningSaved:
    """A new screening as stored.  ``queued``: the clinic server was out of reach, so it is kept in this
    counter's outbox with its audit entry and sent when the server is back — saved all the same."""

    screening: Screening
    queued: bool = False
    card_made: bool = False  # a suspected outcome: its report card was stored with it

    @property
    def changes(self) -> Changes:
        """What the save wrote, for the screens (``ui.services.changes``)."""
        return Changes(screenings=True, report_cards=self.card_made, records=(self.screening,))


def _now(stamp: datetime | None) -> datetime:
    """The diagnosis time of a card made with a save: the record's own time, else now (aware)."""
    return stamp if stamp is not None and stamp.tzinfo is not None else datetime.now().astimezone()


def is_queued(ctx: DeskContext, kind: str, record_id: object) -> bool:
    """Does this counter's outbox hold the record (only a shared server has an outbox)?"""
    if ctx.store is None:
        return False
    repository = ctx.store.screenings if kind == "screening" else ctx.store.purchases
    return repository.is_queued(record_id)


def save_screening(ctx: DeskContext, screening: Screening, *, detail: str = "") -> ScreeningSaved:
    """Store a new screening and its "create" entry in one transaction, stamped with the operator.

    Idempotent on the screening's id, which the form fixed when it was filled: a second Enter, or a retry
    after an unclear failure, finds the record already saved (here or in the outbox) and returns it
    without a second record or entry.  On a shared server that is out of reach the save is kept in the
    outbox with its entry (``queued``), see ``db.offline.store``."""
    stamped = replace(screening, operator=operator_of(ctx, screening.operator))
    card = None  # also when the server is lost at the entry: the unit keeps the save and ends normally
    with ctx.unit_of_work() as session:
        existing = ctx.screenings.get(stamped.id, session=session)
        if existing is None:
            saved = ctx.screenings.add(stamped, session=session)
            audit(ctx, AuditAction.CREATE, "screening", str(saved.id), detail, session=session)
            # A suspected outcome starts its report card and the 2-hour clock in this same transaction.
            card = report_cards.create_for_screening(ctx, saved, session=session, now=_now(saved.created_at))
    if existing is not None:
        return ScreeningSaved(existing, is_queued(ctx, "screening", existing.id))
    return ScreeningSaved(saved, was_queued(session), card_made=card is not None)


def correct_screening(ctx: DeskContext, screening: Screening, operator: str, reason: str) -> ScreeningSaved:
    """Replace a screening (the earlier version kept) and log the correction in one transaction.
    ``operator`` names who corrected only when nobody is logged in (see :func:`operator_of`).
    ``queued``: the shared server was out of reach; the correction waits in this counter's outbox with
    its entry (``db.offline.corrections``, which also states the rule when two counters correct one
    record)."""
    card = None  # as in save_screening: a unit kept in the outbox ends before the card
    with ctx.unit_of_work() as session:
        corrected = ctx.screenings.correct(
            screening, operator=operator_of(ctx, operator), reason=reason, session=session
        )
        # The free-text reason stays with the revision; the trail must never carry personal details.
        version = f"v{corrected.version}"
        audit(ctx, AuditAction.CORRECT, "screening", str(corrected.id), version, session=session)
        card = report_cards.create_for_screening(
            ctx, corrected, session=session, now=_now(corrected.updated_at)
        )
    return ScreeningSaved(corrected, was_queued(session), card_made=card is not None)


def day_of(repository: Any, day: date, search: str, limit: int) -> tuple[Any, Any]:
    """A counter's day list (light lines, ``fever_desk.day_lines``) and figures, from either register."""
    start, end = local_day_bounds(day)
    return repository.day_lines(start, end, search=search, limit=limit), repository.counts(start, end)


def stored(repository: Any, record_id: uuid.UUID) -> Any:
    """The whole stored record behind a list row; :class:`RecordGone` when it is no longer stored."""
    found = repository.get(record_id)
    if found is None:
        raise RecordGone()
    return found


def load_day(ctx: DeskContext, day: date, search: str = "", limit: int = 500) -> DayView:
    return DayView(*day_of(ctx.screenings, day, search, limit))


def get_screening(ctx: DeskContext, screening_id: uuid.UUID) -> Screening:
    """The whole screening behind a list row (opened to correct, print or record a result)."""
    found: Screening = stored(ctx.screenings, screening_id)
    return found


def load_day_counts(ctx: DeskContext, day: date) -> DayCounts:
    """The day's figures alone (one aggregate): after a save the list inserts its row, the figures come
    from the database."""
    return ctx.screenings.counts(*local_day_bounds(day))
