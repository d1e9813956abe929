"""Screenings that are never lost when the clinic's server is out of reach.

``ResilientScreeningRepository`` wraps the SQL repository of a shared PostgreSQL server.  A save first
goes to the server (a short connect timeout, see ``db.engine``, and the call deadline of
``db.deadline``); if the connection fails, the record is kept in the local :class:`~db.outbox.Outbox`
instead and the station goes offline: later saves go straight to the outbox (a nurse must not wait for
a dead server's timeout per patient) until a replay reaches the server again and pushes the queue,
oldest first (``db.offline.repository``).  A record keeps the time the nurse saved it, not the time
the server came back, so the day's list and report stay right.

Reads while offline return what the server gave last for the same question (with this counter's own
saves since folded in) plus the pending local saves, so the nurse sees the patients just registered
and the day's counts include them.  Corrections and the history need the server and raise
:class:`~db.offline.link.ServerUnavailable` while it is out of reach (offline corrections: not yet).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from db.mapping import row_from_snapshot, screening_from_row, snapshot
from db.models import SCREENING
from db.offline.link import (
    SERVER_ERRORS,
    ReplayResult,
    ServerUnavailable,
    SyncStatus,
    is_connection_error,
    reachable,
    unit_of,
)
from db.offline.repository import ResilientRepository, person_matches
from db.repositories import ChangeToken, insert_if_absent
from fever_desk.day_lines import ScreeningLine
from fever_desk.model import DayCounts, Disposition, Screening, ScreeningRevision

SCREENING_ADD = "screening.add"


def screening_payload(values: dict[str, Any]) -> dict[str, Any]:
    """The row values of a screening as the outbox stores them (the revision snapshot format)."""
    return snapshot(values)


def screening_from_payload(payload: dict[str, Any]) -> Screening:
    return screening_from_row(row_from_snapshot(payload))


def matches(screening: Screening, search: str) -> bool:
    person = screening.person
    return person_matches(person.name, person.id_number, person.phone, search)


def _counts(screenings: Sequence[Screening]) -> DayCounts:
    fever = sum(1 for s in screenings if s.outcome is not None and s.outcome.fever)
    clinic = sum(1 for s in screenings if s.outcome and s.outcome.disposition is Disposition.FEVER_CLINIC)
    suspected = sum(1 for s in screenings if s.outcome and s.outcome.disposition is Disposition.SUSPECTED)
    return DayCounts(len(screenings), fever, clinic, suspected)


def _fields(counts: DayCounts) -> tuple[int, int, int, int]:
    return (counts.screened, counts.fever, counts.fever_clinic, counts.suspected)


def _plus(base: DayCounts, extra: DayCounts) -> DayCounts:
    return DayCounts(*(a + b for a, b in zip(_fields(base), _fields(extra), strict=True)))


class ResilientScreeningRepository(ResilientRepository):
    """The ``ScreeningRepository`` port over a server that may be away; see the module docstring."""

    kind = SCREENING_ADD

    def decode(self, payload: dict[str, Any]) -> Screening:
        return screening_from_payload(payload)

    def insert_many_if_absent(self, records: list[Screening], session: Session) -> set[Any]:
        if any(record.created_at is None for record in records):
            raise ValueError("a replayed screening keeps the time it was saved")
        statement = insert_if_absent(SCREENING, session.get_bind().dialect.name).returning(SCREENING.c.id)
        return {row[0] for row in session.execute(statement, [self.primary.stamped(r) for r in records])}

    # ---- state --------------------------------------------------------------------------------------
    def pending_ids(self) -> set[uuid.UUID]:
        return {uuid.UUID(item.item_id) for item in self.outbox.pending(SCREENING_ADD)}

    def status(self) -> SyncStatus:
        return SyncStatus(self.link.online, self.pending_count())

    def _note_saved(self, screening: Screening) -> None:
        """Fold this counter's own confirmed save into the remembered answers, so that an outage right
        after it still shows it (other counters' saves made since then are unknowable offline)."""
        created = screening.created_at
        assert created is not None
        for key, value in list(self._last.items()):
            if key[0] == "counts" and key[1] <= created < key[2]:
                self._last[key] = _plus(value, _counts([screening]))
            elif key[0] == "between" and key[1] <= created < key[2] and matches(screening, key[3]):
                rows = sorted([screening, *value], key=lambda s: s.created_at, reverse=True)
                self._last[key] = rows[: key[4]]
            elif key[0] == "token" and key[1] <= created < key[2]:
                self._last[key] = replace(value, rows=value.rows + 1, versions=value.versions + 1)

    # ---- writes -------------------------------------------------------------------------------------
    def add(self, screening: Screening, *, session: Session | None = None) -> Screening:
        """Save on the server, or in the outbox when it is out of reach; the save time is set here.
        ``session``: a ``ResilientStore.unit_of_work`` on the server to save in."""
        with self._lock:
            values = self.primary.stamped(screening)
            stamped = screening_from_row(values)
            saved = self._save_or_queue(
                str(stamped.id),
                screening_payload(values),
                lambda: self.primary.add(stamped, session=session),
                session,
            )
            if saved is None:
                return stamped
            unit = unit_of(session)
            if unit is None:
                self._note_saved(saved)
            else:  # the commit is still to come: remembered once the server has it
                unit.after_commit.append(lambda: self._note_saved(saved))
            return saved

    #: ``db.offline.corrections.ResilientCorrectionRepository``, set by the store: where corrections go
    #: while the server is away (None: they are refused with ``ServerUnavailable``, as before).
    corrections: Any = None

    def correct(
        self, screening: Screening, *, operator: str, reason: str, session: Session | None = None
    ) -> Screening:
        """On the server; while it is away (or the record itself still waits here) the correction is
        kept in the outbox and replayed after the screenings (``db.offline.corrections``)."""
        with self._lock:
            if self._queued(screening.id) is not None or not reachable(self.link, session):
                return self._keep_correction(screening, operator, reason, session, None)
            unit = unit_of(session)
            noted = None  # inside a unit: noted first, so a server lost later in the unit keeps it
            if unit is not None and self.corrections is not None:
                noted = self.corrections.note(unit, screening, operator=operator, reason=reason)
            revision_id = noted[0] if noted is not None else None
            try:
                return self._server(
                    lambda: self.primary.correct(
                        screening, operator=operator, reason=reason, session=session, revision_id=revision_id
                    )
                )
            except SERVER_ERRORS as exc:
                if is_connection_error(exc):
                    if unit is not None:
                        unit.lost = True
                        if noted is not None:
                            return noted[1]  # already on the unit: kept with its entry at the unit's end
                    return self._keep_correction(screening, operator, reason, session, exc)
                raise

    def _keep_correction(
        self, screening: Screening, operator: str, reason: str, session: Session | None, error: Any
    ) -> Screening:
        if self.corrections is None:
            raise ServerUnavailable() from error
        return self.corrections.queue(screening, operator=operator, reason=reason, session=session)

    # ---- reads --------------------------------------------------------------------------------------
    def get(self, screening_id: uuid.UUID, *, session: Session | None = None) -> Screening | None:
        """The queued save of this id, else the server's record (or the last one seen while offline)."""
        with self._lock:
            if self.corrections is not None and (corrected := self.corrections.latest_for(screening_id)):
                return corrected
            queued = self._queued(screening_id)
            if queued is not None:
                return queued
            return self._read(
                ("get", screening_id), lambda: self.primary.get(screening_id, session=session), session
            )

    def revisions(self, screening_id: uuid.UUID) -> Sequence[ScreeningRevision]:
        with self._lock:
            if self._queued(screening_id) is not None:
                return []
            found = self._read(("revisions", screening_id), lambda: self.primary.revisions(screening_id))
            if found is None:
                raise ServerUnavailable()
            return found

    def between(
        self, start: datetime, end: datetime, *, search: str = "", limit: int = 500
    ) -> Sequence[Screening]:
        """The server's list (or the last one seen) with the pending local saves merged in."""
        with self._lock:
            key = ("between", start, end, search, limit)
            rows = list(
                self._read(key, lambda: self.primary.between(start, end, search=search, limit=limit)) or []
            )
            seen = {s.id for s in rows}
            extra = [
                s
                for s in self._pending_records()
                if s.id not in seen
                and s.created_at is not None
                and start <= s.created_at < end
                and matches(s, search)
            ]
            if extra:
                rows = sorted([*rows, *extra], key=lambda s: s.created_at or start, reverse=True)[:limit]
            return rows if self.corrections is None else self.corrections.overlay(rows)

    def day_lines(
        self, start: datetime, end: datetime, *, search: str = "", limit: int = 500
    ) -> list[ScreeningLine]:
        """:meth:`between` read light (``fever_desk.day_lines``): the server's lines (or the last seen)
        with the pending local saves merged in."""
        with self._lock:
            key = ("lines", start, end, search, limit)
            call = lambda: self.primary.day_lines(start, end, search=search, limit=limit)  # noqa: E731
            rows = list(self._read(key, call) or [])
            seen = {line.id for line in rows}
            extra = [
                ScreeningLine.of(s)
                for s in self._pending_records()
                if s.id not in seen
                and s.created_at is not None
                and start <= s.created_at < end
                and matches(s, search)
            ]
            if not extra:
                return rows
            return sorted([*rows, *extra], key=lambda s: s.created_at or start, reverse=True)[:limit]

    def counts(self, start: datetime, end: datetime) -> DayCounts:
        """The server's counts (or the last seen) plus the pending saves in the window."""
        with self._lock:
            base = self._read(("counts", start, end), lambda: self.primary.counts(start, end))
            base = base or DayCounts(0, 0, 0, 0)
            extra = _counts(
                [
                    s
                    for s in self._pending_records()
                    if s.created_at is not None and start <= s.created_at < end
                ]
            )
            return _plus(base, extra) if extra.screened else base

    def change_token(self, start: datetime, end: datetime) -> ChangeToken:
        with self._lock:
            token = self._read(("token", start, end), lambda: self.primary.change_token(start, end))
            return replace(token or ChangeToken(0, 0, None), pending=self.pending_count())

    def changed_since(self, token: ChangeToken | None, start: datetime, end: datetime) -> ChangeToken | None:
        current = self.change_token(start, end)
        return None if current == token else current

    def replay(self, batch: int = 500) -> ReplayResult:
        """Push queued saves, oldest first, idempotently; with nothing queued, just probe the server."""
        with self._lock:
            return self._push(batch, probe_when_idle=True)
