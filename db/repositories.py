"""``SqlScreeningRepository``: the core's ``ScreeningRepository`` port over SQLAlchemy.

Every public method is one short transaction on a fresh session, so a failure leaves either the whole
change or none of it, and the database worker never holds a connection between requests.

Search (``between(..., search=...)``) is designed for a million rows.  Each kind of match is an *index
range* rather than a ``LIKE '%…%'`` scan:

* letters or Chinese characters → the name starts with the text (``name_key``, case-folded, so
  "wang" finds "Wang Fang"; "王" finds every 王…);
* digits → the phone starts with them, the phone ends with them ("尾号 5678", via the reversed-digits
  column ``phone_rev``), or the ID number starts with them (a whole number is an exact match).

A prefix becomes ``key >= p AND key < p || U+10FFFF``: valid for byte-ordered (SQLite BINARY, PostgreSQL
"C") collations, it needs no ``LIKE`` escaping and no ``case_sensitive_like`` pragma.  Each key index
carries ``created_at`` too, so the date window is checked inside the index and only matching rows are
read.  SQLite's planner (which has no histograms) would otherwise prefer the created_at index to avoid
a sort, and scan the whole window: a full ID over 60 days took 360 ms on 1M rows that way, 0.7 ms now,
so when searching, ``created_at`` is written ``+created_at`` (SQLite's documented "don't use an index
for this term").  Measured on 1M rows: one common surname in a day ≈ 30 ms (p95), phone tail or ID
< 1 ms.  Digits in the *middle* of a phone number are deliberately not matched: no index can serve that.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, insert, or_, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import Grouping

from db.mapping import (
    KEPT_ON_CORRECTION,
    name_key,
    row_from_snapshot,
    row_values,
    screening_from_row,
    snapshot,
)
from db.models import REVISION, SCREENING, to_utc
from fever_desk.model import DayCounts, Disposition, Screening, ScreeningRevision
from fever_desk.ports import Clock

_DIGITS = re.compile(r"^\d+[Xx]?$")
_TOP = "\U0010ffff"
_MIN_DIGITS = 3  # fewer digits would match a large share of all phones; not a useful search


class _UtcClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class _NotIndexed(Grouping[Any]):
    """A column the SQLite planner must not pick an index for: rendered ``+column`` on SQLite (the
    documented way to disqualify a term), plain elsewhere.  Used on ``created_at`` when searching, so
    the search key's index (which also holds ``created_at``) drives the query, not the date range."""

    inherit_cache = True


@compiles(_NotIndexed)
def _render_plain(element: _NotIndexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.element, **kw)


@compiles(_NotIndexed, "sqlite")
def _render_unary_plus(element: _NotIndexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.element, **kw)


def _prefix(column: Any, prefix: str) -> ColumnElement[bool]:
    return and_(column >= prefix, column < prefix + _TOP)


def search_condition(search: str) -> ColumnElement[bool] | None:
    """The WHERE clause for the search box text, or None for no filter (see the module docstring)."""
    text = search.strip()
    if not text:
        return None
    compact = re.sub(r"[\s-]", "", text)
    if _DIGITS.match(compact):
        terms = [_prefix(SCREENING.c.id_number, compact.upper())]
        if compact.isdigit() and len(compact) >= _MIN_DIGITS:
            terms.append(_prefix(SCREENING.c.phone, compact))
            terms.append(_prefix(SCREENING.c.phone_rev, compact[::-1]))
        return or_(*terms)
    return _prefix(SCREENING.c.name_key, name_key(text))


class SqlScreeningRepository:
    """Screenings in SQL; ``session_factory`` is usually ``open_database(url).session_factory``."""

    def __init__(self, session_factory: Callable[[], Session], *, clock: Clock | None = None) -> None:
        self._sessions = session_factory
        self._clock = clock or _UtcClock()

    def _now(self) -> datetime:
        return to_utc(self._clock.now())

    def add(self, screening: Screening) -> Screening:
        """Insert one screening; ``created_at``/``updated_at`` default to now (UTC) when not given."""
        values = row_values(screening)
        values["created_at"] = to_utc(screening.created_at) if screening.created_at else self._now()
        values["updated_at"] = to_utc(screening.updated_at) if screening.updated_at else values["created_at"]
        with self._sessions() as session, session.begin():
            session.execute(insert(SCREENING), values)
        return screening_from_row(values)

    def correct(self, screening: Screening, *, operator: str, reason: str) -> Screening:
        """Replace the stored version of ``screening.id``, keeping the old one as a revision.

        The first statement bumps the version, which takes the write lock (SQLite) or the row lock
        (PostgreSQL) before anything is read, so two counters correcting the same record both end up
        in the history rather than one overwriting the other unseen.  ``KeyError`` if there is no such
        screening.  The row's ``station_id``, ``operator`` and ``created_at`` describe the original
        screening and are kept; whoever corrected is the revision's ``replaced_by``.
        """
        now = self._now()
        with self._sessions() as session, session.begin():
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
                    "id": uuid.uuid4(),
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

    def get(self, screening_id: uuid.UUID) -> Screening | None:
        with self._sessions() as session, session.begin():
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
        """Screenings created in [start, end), newest first; ``search`` as in the module docstring."""
        with self._sessions() as session, session.begin():
            rows = session.execute(self.list_query(start, end, search, limit)).mappings()
            return [screening_from_row(row) for row in rows]

    @staticmethod
    def list_query(start: datetime, end: datetime, search: str, limit: int) -> Select[Any]:
        """The statement behind :meth:`between`; without a search the created_at index drives it."""
        condition = search_condition(search)
        created: Any = SCREENING.c.created_at
        if condition is not None:
            created = _NotIndexed(created)
        query = select(SCREENING).where(created >= start, created < end)
        if condition is not None:
            query = query.where(condition)
        return query.order_by(SCREENING.c.created_at.desc()).limit(limit)

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
