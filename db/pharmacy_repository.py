"""``SqlPurchaseRepository``: the pharmacy register over SQLAlchemy, one short transaction per call.

Search works as for screenings (see ``db/repositories.py``): letters or Chinese characters → the name
starts with the text; digits → the ID number starts with them, the phone starts with them or the phone
ends with them.  Each is an index range on a key column that also carries ``created_at``, and
``created_at`` is marked "not for an index" on SQLite so the planner lets the key drive the query.
The repeat-purchase check (``recent_for``) is two such lookups (ID, then phone), each an exact key and a
date bound inside one index.

Two counters must not both let the same person through that check: :func:`lock_purchaser`, called first
in the transaction that checks and inserts, makes the second wait until the first has committed, and
its check then sees the first purchase.  See there for how on each engine.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, case, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from db.mapping import name_key
from db.models import to_utc
from db.models_pharmacy import PURCHASE, PURCHASE_DRUG
from db.pharmacy_mapping import drug_values, purchase_from_row, purchase_values
from db.repositories import (  # the same planner hint and change token as the screenings
    ChangeToken,
    _NotIndexed,
    insert_if_absent,
)
from db.transactions import joined
from fever_desk.pharmacy import Purchase

_DIGITS = re.compile(r"^\d+[Xx]?$")
_TOP = "\U0010ffff"
_MIN_DIGITS = 3
_IN_CHUNK = 500  # bound parameters per IN (...) when loading drug lines


@dataclass(frozen=True)
class PurchaseCounts:
    purchasers: int
    with_fever: int
    with_epi: int


def _prefix(column: Any, prefix: str) -> ColumnElement[bool]:
    return and_(column >= prefix, column < prefix + _TOP)


def search_condition(table: Table, search: str) -> ColumnElement[bool] | None:
    """The WHERE clause for the search box on ``table`` (any table with the search-key columns)."""
    text = search.strip()
    if not text:
        return None
    compact = re.sub(r"[\s-]", "", text)
    if _DIGITS.match(compact):
        terms = [_prefix(table.c.id_number, compact.upper())]
        if compact.isdigit() and len(compact) >= _MIN_DIGITS:
            terms.append(_prefix(table.c.phone, compact))
            terms.append(_prefix(table.c.phone_rev, compact[::-1]))
        return or_(*terms)
    if compact.upper() != compact.lower() and compact[0].isascii() and any(ch.isdigit() for ch in compact):
        return _prefix(table.c.id_number, compact.upper())  # a permit or passport number
    return _prefix(table.c.name_key, name_key(text))


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

    def get(self, purchase_id: Any) -> Purchase | None:
        with self._sessions() as session, session.begin():
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
        created: Any = _NotIndexed(PURCHASE.c.created_at)
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
        """Purchases created in [start, end), newest first, optionally matching the search text."""
        with self._sessions() as session, session.begin():
            return self._load(session, self.list_query(start, end, search, limit))

    @staticmethod
    def list_query(start: datetime, end: datetime, search: str, limit: int | None) -> Select[Any]:
        condition = search_condition(PURCHASE, search)
        created: Any = PURCHASE.c.created_at
        if condition is not None:
            created = _NotIndexed(created)
        query = select(PURCHASE).where(created >= start, created < end)
        if condition is not None:
            query = query.where(condition)
        query = query.order_by(PURCHASE.c.created_at.desc())
        return query if limit is None else query.limit(limit)

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
        """Rows for ``query`` with their drug lines, read in chunks of ids (one extra query per chunk)."""
        rows = [dict(row) for row in session.execute(query).mappings()]
        lines: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        ids = [row["id"] for row in rows]
        for offset in range(0, len(ids), _IN_CHUNK):
            chunk = ids[offset : offset + _IN_CHUNK]
            for line in session.execute(
                select(PURCHASE_DRUG).where(PURCHASE_DRUG.c.purchase_id.in_(chunk))
            ).mappings():
                lines[line["purchase_id"]].append(dict(line))
        return [purchase_from_row(row, lines[row["id"]]) for row in rows]
