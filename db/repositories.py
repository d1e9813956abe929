"""``SqlScreeningRepository``: the core's ``ScreeningRepository`` port over SQLAlchemy.

Every public method is one short transaction on a fresh session, so a failure leaves either the whole
change or none of it, and the database worker never holds a connection between requests.

Search (``between(..., search=...)``) follows the station's one grammar (``fever_desk.search``) and is
answered by one bounded, index-driven query (``db/search.py``), designed for a million rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Insert, Select, Table, case, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.day_lines import screening_lines
from db.mapping import (
    KEPT_ON_CORRECTION,
    row_from_snapshot,
    row_values,
    screening_from_row,
    snapshot,
)
from db.models import REVISION, SCREENING, to_utc
from db.record_cache import RawRows, RecordCache, read_list
from db.search import list_query
from db.transactions import joined
from fever_desk.day_lines import ScreeningLine
from fever_desk.model import DayCounts, Disposition, Screening, ScreeningRevision
from fever_desk.ports import Clock

_RAW = RawRows(SCREENING)


class _UtcClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def insert_if_absent(table: Table, dialect_name: str) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING``: replaying a save that may already have reached the server
    (the connection broke after the commit was sent) must neither fail nor write a second row.  The
    primary key is the record's UUID, made at the counter, so "already there" is exactly a conflict."""
    if dialect_name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect_name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise NotImplementedError(f"insert-if-absent is not written for {dialect_name}")


@dataclass(frozen=True)
class ChangeToken:
    """What a list window looks like, cheaply: rows, the sum of their versions and the newest change.

    No record is ever deleted, a new one raises ``rows`` and a correction raises ``versions``, so a
    token that is unchanged means the list is unchanged even when the counters' clocks disagree (which
    would fool a check on ``updated_at`` alone).  ``pending`` counts saves still waiting in the local
    outbox (see ``db.offline``), so the list also reloads when they reach the server.
    """

    rows: int
    versions: int
    newest: datetime | None
    pending: int = 0


class SqlScreeningRepository:
    """Screenings in SQL; ``session_factory`` is usually ``open_database(url).session_factory``."""

    def __init__(self, session_factory: Callable[[], Session], *, clock: Clock | None = None) -> None:
        self._sessions = session_factory
        self._clock = clock or _UtcClock()
        self._seen: RecordCache[Screening] = RecordCache()

    def _now(self) -> datetime:
        return to_utc(self._clock.now())

    def add(self, screening: Screening, *, session: Session | None = None) -> Screening:
        """Insert one screening; ``created_at``/``updated_at`` default to now (UTC) when not given.
        With ``session``, in the caller's transaction (``db.transactions``), so its audit entry joins."""
        values = self.stamped(screening)
        with joined(self._sessions, session) as session:
            session.execute(insert(SCREENING), values)
        return screening_from_row(values)

    def stamped(self, screening: Screening) -> dict[str, Any]:
        """The row for ``screening`` with its save time filled in now (kept as given when present)."""
        values = row_values(screening)
        values["created_at"] = to_utc(screening.created_at) if screening.created_at else self._now()
        values["updated_at"] = to_utc(screening.updated_at) if screening.updated_at else values["created_at"]
        return values

    def add_if_absent(self, screening: Screening) -> bool:
        """Insert unless a screening with this id exists; True if this call wrote it.  Timestamps must be
        set (an outbox replay carries the time the nurse saved, not the time the server came back)."""
        if screening.created_at is None:
            raise ValueError("add_if_absent needs the original created_at")
        values = self.stamped(screening)
        with self._sessions() as session, session.begin():
            dialect = session.get_bind().dialect.name
            # RETURNING, not rowcount: psycopg 3 reports -1 for a single INSERT here.
            statement = insert_if_absent(SCREENING, dialect).returning(SCREENING.c.id)
            return session.execute(statement, values).first() is not None

    def probe(self) -> None:
        """One round trip: raises the driver's error if the server is not there (``db.offline``)."""
        with self._sessions() as session, session.begin():
            session.execute(select(1))

    def change_token(self, start: datetime, end: datetime) -> ChangeToken:
        """The :class:`ChangeToken` of [start, end): one aggregate over the day's rows, a fraction of the
        cost of the list itself, so a screen can poll it every few seconds and reload only on change."""
        query = select(
            func.count(), func.coalesce(func.sum(SCREENING.c.version), 0), func.max(SCREENING.c.updated_at)
        ).where(SCREENING.c.created_at >= start, SCREENING.c.created_at < end)
        with self._sessions() as session, session.begin():
            rows, versions, newest = session.execute(query).one()
        return ChangeToken(int(rows), int(versions), newest)

    def changed_since(self, token: ChangeToken | None, start: datetime, end: datetime) -> ChangeToken | None:
        """The new token if [start, end) changed since ``token`` (always, when ``token`` is None), else
        None: ``if (new := repo.changed_since(seen, *day)) is not None: reload; seen = new``."""
        current = self.change_token(start, end)
        return None if current == token else current

    def correct(
        self,
        screening: Screening,
        *,
        operator: str,
        reason: str,
        session: Session | None = None,
        revision_id: uuid.UUID | None = None,
    ) -> Screening:
        """Replace the stored version of ``screening.id``, keeping the old one as a revision.
        ``revision_id``: the kept revision's id when the caller fixed it (``db.offline.corrections``:
        a replayed correction is recognised by it).

        The first statement bumps the version, which takes the write lock (SQLite) or the row lock
        (PostgreSQL) before anything is read, so two counters correcting the same record both end up
        in the history rather than one overwriting the other unseen.  ``KeyError`` if there is no such
        screening.  The row's ``station_id``, ``operator`` and ``created_at`` describe the original
        screening and are kept; whoever corrected is the revision's ``replaced_by``.
        """
        now = self._now()
        with joined(self._sessions, session) as session:
            new_version = session.execute(
                update(SCREENING)
                .where(SCREENING.c.id == screening.id)
                .values(version=SCREENING.c.version + 1)
                .returning(SCREENING.c.version)
            ).scalar_one_or_none()
            if new_version is None:
                raise KeyError(screening.id)
            old = dict(
                session.execute(select(SCREENING).where(SCREENING.c.id == screening.id)).mappings().one()
            )
            old["version"] = new_version - 1
            session.execute(
                insert(REVISION),
                {
                    "id": revision_id or uuid.uuid4(),
                    "screening_id": screening.id,
                    "version": old["version"],
                    "snapshot": snapshot(old),
                    "replaced_at": now,
                    "replaced_by": operator,
                    "reason": reason,
                },
            )
            values = row_values(screening)
            for key in KEPT_ON_CORRECTION:
                values[key] = old[key]
            values.update(version=new_version, updated_at=now)
            session.execute(update(SCREENING).where(SCREENING.c.id == screening.id).values(values))
        return screening_from_row(values)

    def get(self, screening_id: uuid.UUID, *, session: Session | None = None) -> Screening | None:
        with joined(self._sessions, session) as session:
            row = session.execute(select(SCREENING).where(SCREENING.c.id == screening_id)).mappings().first()
            return None if row is None else screening_from_row(row)

    def revisions(self, screening_id: uuid.UUID) -> Sequence[ScreeningRevision]:
        """Earlier versions, oldest first."""
        with self._sessions() as session, session.begin():
            rows = session.execute(
                select(REVISION).where(REVISION.c.screening_id == screening_id).order_by(REVISION.c.version)
            ).mappings()
            return [
                ScreeningRevision(
                    screening_id=row["screening_id"],
                    version=row["version"],
                    snapshot=screening_from_row(row_from_snapshot(row["snapshot"])),
                    replaced_at=to_utc(row["replaced_at"]),
                    replaced_by=row["replaced_by"],
                    reason=row["reason"],
                )
                for row in rows
            ]

    def between(
        self, start: datetime, end: datetime, *, search: str = "", limit: int = 500
    ) -> Sequence[Screening]:
        """Screenings created in [start, end), newest first, at most ``limit``; ``search`` as typed in a
        search box (``fever_desk.search``).  Rows converted before (same id and version) are taken from
        ``db.record_cache`` instead of being converted again."""
        with self._sessions() as session, session.begin():
            return read_list(
                session,
                self._seen,
                _RAW,
                lambda columns: list_query(SCREENING, start, end, search, limit, columns),
                (SCREENING.c.id, SCREENING.c.version),
                lambda rows: [screening_from_row(row) for row in rows],
                lambda screening: (screening.id, screening.version),
            )

    def day_lines(
        self, start: datetime, end: datetime, *, search: str = "", limit: int = 500
    ) -> list[ScreeningLine]:
        """What the day list shows of :meth:`between`'s records, read light (``db.day_lines``): the list
        loads a record with :meth:`get` only when a row is opened."""
        with self._sessions() as session, session.begin():
            return screening_lines(session, start, end, search, limit)

    @staticmethod
    def list_query(start: datetime, end: datetime, search: str, limit: int) -> Select[Any]:
        """The statement behind :meth:`between` (``db.search.list_query`` on the screening table)."""
        return list_query(SCREENING, start, end, search, limit)

    def counts(self, start: datetime, end: datetime) -> DayCounts:
        """Totals for [start, end); ``fever_clinic`` and ``suspected`` count each disposition exactly
        (a suspected case is not also counted as fever clinic), read from the created_at index alone."""

        def count_if(condition: ColumnElement[bool]) -> Any:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        query = select(
            func.count(),
            count_if(SCREENING.c.fever.is_(True)),
            count_if(SCREENING.c.disposition == Disposition.FEVER_CLINIC.value),
            count_if(SCREENING.c.disposition == Disposition.SUSPECTED.value),
        ).where(SCREENING.c.created_at >= start, SCREENING.c.created_at < end)
        with self._sessions() as session, session.begin():
            screened, fever, clinic, suspected = session.execute(query).one()
        return DayCounts(int(screened), int(fever), int(clinic), int(suspected))
