"""``SqlPurchaseRepository``: the pharmacy register over SQLAlchemy, one short transaction per call.

Search follows the station's one grammar (``fever_desk.search``) and runs as the same bounded,
index-driven query as the screenings' (``db/search.py``). The repeat-purchase check (``recent_for``) is
two such lookups (ID, then phone), each an exact key and a date bound inside one index.

Two counters must not both let the same person through that check: :func:`lock_purchaser`, called first
in the transaction that checks and inserts, makes the second wait until the first has committed, and
its check then sees the first purchase.  See there for how on each engine.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from db.day_lines import purchase_lines
from db.models import to_utc
from db.models_pharmacy import PURCHASE, PURCHASE_DRUG
from db.pharmacy_mapping import drug_values, purchase_from_row, purchase_values
from db.record_cache import RawRows, RecordCache, read_list
from db.repositories import ChangeToken, insert_if_absent  # the same change token as the screenings
from db.search import NotIndexed, list_query
from db.transactions import joined
from fever_desk.day_lines import PurchaseLine
from fever_desk.pharmacy import Purchase

_IN_CHUNK = 500  # bound parameters per IN (...) when loading drug lines
_RAW = RawRows(PURCHASE)


@dataclass(frozen=True)
class PurchaseCounts:
    purchasers: int
    with_fever: int
    with_epi: int


def purchaser_lock_keys(id_number: str, phone: str) -> list[int]:
    """PostgreSQL advisory-lock keys for a buyer: one per key the repeat check matches on (document
    number, phone), as stable signed 64-bit integers (BLAKE2b, not ``hash()``, which differs between
    processes), ascending so that two counters always take them in the same order and never deadlock."""
    keys = set()
    for kind, value in (("id", id_number.strip().upper()), ("phone", phone.strip())):
        if value:
            digest = hashlib.blake2b(f"fever_desk.purchaser:{kind}:{value}".encode(), digest_size=8).digest()
            keys.add(int.from_bytes(digest, "big", signed=True))
    return sorted(keys)


def lock_purchaser(session: Session, id_number: str, phone: str) -> None:
    """Serialize the repeat check and the insert of this buyer across counters, until ``session``'s
    transaction ends (commit or rollback releases it; nothing to forget).

    PostgreSQL: ``pg_advisory_xact_lock`` on each of :func:`purchaser_lock_keys`.  Under READ COMMITTED
    the check that follows takes a fresh snapshot after the wait, so it sees what the other counter
    committed.  Only the same person waits: other buyers take other keys.  SQLite: the engine begins
    transactions with a plain (deferred) ``BEGIN`` (``db.engine._sqlite_begin``), so two processes could
    both read before either writes; a write first (one that changes no row) takes the database's single
    write lock now, and the other writer waits for it (``busy_timeout``) before its own check.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        for key in purchaser_lock_keys(id_number, phone):
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    elif dialect == "sqlite":
        session.execute(
            update(PURCHASE).where(PURCHASE.c.id.is_(None)).values(station_id=PURCHASE.c.station_id)
        )


class SqlPurchaseRepository:
    """Purchases in SQL; ``session_factory`` is usually ``open_database(url).session_factory``."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory
        self._seen: RecordCache[Purchase] = RecordCache()

    def add(self, purchase: Purchase, *, session: Session | None = None) -> Purchase:
        """Insert the purchase and its drug lines in one transaction (the caller's ``session`` when
        given, see ``db.transactions``); ``created_at`` defaults to now."""
        values = purchase_values(purchase)
        values["created_at"] = to_utc(purchase.created_at) if purchase.created_at else datetime.now(UTC)
        lines = drug_values(purchase)
        with joined(self._sessions, session) as session:
            session.execute(insert(PURCHASE), values)
            if lines:
                session.execute(insert(PURCHASE_DRUG), lines)
        return purchase_from_row(values, lines)

    def add_if_absent(self, purchase: Purchase) -> bool:
        """Insert the purchase and its lines unless one with this id exists; True if this call wrote it.

        The outbox replay (``db.resilient``) uses it: the lines are written only together with a new
        purchase, so a replay of a registration the server already has changes nothing."""
        if purchase.created_at is None:
            raise ValueError("add_if_absent needs the original created_at")
        values = purchase_values(purchase)
        values["created_at"] = to_utc(purchase.created_at)
        lines = drug_values(purchase)
        with self._sessions() as session, session.begin():
            dialect = session.get_bind().dialect.name
            statement = insert_if_absent(PURCHASE, dialect).returning(PURCHASE.c.id)
            if session.execute(statement, values).first() is None:
                return False
            if lines:
                session.execute(insert(PURCHASE_DRUG), lines)
        return True

    def change_token(self, start: datetime, end: datetime) -> ChangeToken:
        """Rows and newest registration in [start, end): purchases are never corrected or deleted, so
        these two tell whether the list changed (see ``db.repositories.ChangeToken``)."""
        query = select(func.count(), func.max(PURCHASE.c.created_at)).where(
            PURCHASE.c.created_at >= start, PURCHASE.c.created_at < end
        )
        with self._sessions() as session, session.begin():
            rows, newest = session.execute(query).one()
        return ChangeToken(int(rows), 0, newest)

    def changed_since(self, token: ChangeToken | None, start: datetime, end: datetime) -> ChangeToken | None:
        """The new token if the day's purchases changed since ``token``, else None (see the screenings')."""
        current = self.change_token(start, end)
        return None if current == token else current

    def get(self, purchase_id: Any, *, session: Session | None = None) -> Purchase | None:
        with joined(self._sessions, session) as session:
            found = self._load(session, select(PURCHASE).where(PURCHASE.c.id == purchase_id))
        return found[0] if found else None

    def recent_for(
        self, id_number: str, phone: str, since: datetime, *, session: Session | None = None
    ) -> list[Purchase]:
        """Purchases since ``since`` with this document number or this phone, newest first."""
        terms = []
        if id_number:
            terms.append(PURCHASE.c.id_number == id_number)
        if phone:
            terms.append(PURCHASE.c.phone == phone)
        if not terms:
            return []
        created: Any = NotIndexed(PURCHASE.c.created_at)
        query = (
            select(PURCHASE)
            .where(created >= since, or_(*terms))
            .order_by(PURCHASE.c.created_at.desc())
            .limit(50)
        )
        with joined(self._sessions, session) as session:
            return self._load(session, query)

    def between(
        self, start: datetime, end: datetime, *, search: str = "", limit: int = 500
    ) -> list[Purchase]:
        """Purchases created in [start, end), newest first, at most ``limit``, optionally matching the
        search text (``fever_desk.search``).  A registration is never changed once saved, so one
        converted before is taken from ``db.record_cache`` (with its drug lines, not read again)."""
        with self._sessions() as session, session.begin():
            return read_list(
                session,
                self._seen,
                _RAW,
                lambda columns: list_query(PURCHASE, start, end, search, limit, columns),
                (PURCHASE.c.id,),
                lambda rows: self._with_lines(session, rows),
                lambda purchase: (purchase.id,),
            )

    def day_lines(
        self, start: datetime, end: datetime, *, search: str = "", limit: int = 500
    ) -> list[PurchaseLine]:
        """What the register list shows of :meth:`between`'s purchases, read light (``db.day_lines``)."""
        with self._sessions() as session, session.begin():
            return purchase_lines(session, start, end, search, limit)

    @staticmethod
    def list_query(start: datetime, end: datetime, search: str, limit: int) -> Select[Any]:
        """The statement behind :meth:`between` (``db.search.list_query`` on the purchase table)."""
        return list_query(PURCHASE, start, end, search, limit)

    def export_rows(
        self, start: datetime, end: datetime, *, session: Session | None = None
    ) -> list[Purchase]:
        """Every purchase in [start, end), oldest first: the regulator's list is in the order of the day."""
        query = (
            select(PURCHASE)
            .where(PURCHASE.c.created_at >= start, PURCHASE.c.created_at < end)
            .order_by(PURCHASE.c.created_at)
        )
        with joined(self._sessions, session) as session:
            return self._load(session, query)

    def counts(self, start: datetime, end: datetime) -> PurchaseCounts:
        """Registrations, those with fever and those with any epidemiological "yes" (created_at index)."""

        def count_if(condition: ColumnElement[bool]) -> Any:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        query = select(
            func.count(),
            count_if(PURCHASE.c.fever.is_(True)),
            count_if(PURCHASE.c.epidemiological.is_(True)),
        ).where(PURCHASE.c.created_at >= start, PURCHASE.c.created_at < end)
        with self._sessions() as session, session.begin():
            total, fever, epi = session.execute(query).one()
        return PurchaseCounts(int(total), int(fever), int(epi))

    @staticmethod
    def _load(session: Session, query: Select[Any]) -> list[Purchase]:
        """Rows for ``query`` with their drug lines."""
        return SqlPurchaseRepository._with_lines(
            session, [dict(row) for row in session.execute(query).mappings()]
        )

    @staticmethod
    def _with_lines(session: Session, rows: list[dict[str, Any]]) -> list[Purchase]:
        """The purchases of ``rows``, their drug lines read in chunks of ids (one query per chunk)."""
        lines: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        ids = [row["id"] for row in rows]
        for offset in range(0, len(ids), _IN_CHUNK):
            chunk = ids[offset : offset + _IN_CHUNK]
            for line in session.execute(
                select(PURCHASE_DRUG).where(PURCHASE_DRUG.c.purchase_id.in_(chunk))
            ).mappings():
                lines[line["purchase_id"]].append(dict(line))
        return [purchase_from_row(row, lines[row["id"]]) for row in rows]
