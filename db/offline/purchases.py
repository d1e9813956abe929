"""The pharmacy side of the offline store: registrations saved while the clinic server is unreachable.

Same rules as the screenings (``db.offline.screenings``): a registration that cannot reach the server is
kept in the local outbox with its audit entry and replayed in order, insert-if-absent, so nothing is lost
or doubled.  While offline the day's list and the repeat-purchase check (``recent_for``) include this
counter's registrations still waiting to be sent, so a buyer coming back while the server is down is
noticed here (other counters' registrations only once it is back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.mapping import row_from_snapshot, snapshot
from db.models import to_utc
from db.models_pharmacy import PURCHASE, PURCHASE_DRUG
from db.offline.link import SERVER_ERRORS, ServerUnavailable, is_connection_error, reachable
from db.offline.repository import ResilientRepository, person_matches
from db.pharmacy_mapping import drug_values, purchase_from_row, purchase_values
from db.pharmacy_repository import PurchaseCounts
from db.repositories import ChangeToken, insert_if_absent
from fever_desk.day_lines import PurchaseLine
from fever_desk.pharmacy import Purchase

PURCHASE_ADD = "purchase.add"


def purchase_payload(purchase: Purchase, created_at: datetime) -> dict[str, Any]:
    """A registration as the outbox stores it: the ``purchase`` row (snapshot format) and its drugs."""
    values = purchase_values(purchase)
    values["created_at"] = created_at
    drugs = [{k: v for k, v in line.items() if k != "purchase_id"} for line in drug_values(purchase)]
    return {"purchase": snapshot(values), "drugs": drugs}


def purchase_from_payload(payload: dict[str, Any]) -> Purchase:
    return purchase_from_row(row_from_snapshot(payload["purchase"]), payload["drugs"])


def purchase_matches(purchase: Purchase, search: str) -> bool:
    """``db.pharmacy_repository.search_condition`` in Python, for the pending local registrations."""
    buyer = purchase.purchaser
    return person_matches(buyer.name, buyer.id_number, buyer.phone, search)


class ResilientPurchaseRepository(ResilientRepository):
    """The pharmacy register over a server that may be away; see the module docstring."""

    kind = PURCHASE_ADD

    def decode(self, payload: dict[str, Any]) -> Purchase:
        return purchase_from_payload(payload)

    def insert_many_if_absent(self, records: list[Purchase], session: Session) -> set[Any]:
        """The registrations not there yet, and the drug lines of exactly those."""
        rows = []
        for purchase in records:
            if purchase.created_at is None:
                raise ValueError("a replayed registration keeps the time it was saved")
            rows.append({**purchase_values(purchase), "created_at": to_utc(purchase.created_at)})
        statement = insert_if_absent(PURCHASE, session.get_bind().dialect.name).returning(PURCHASE.c.id)
        written = {row[0] for row in session.execute(statement, rows)}
        lines = [line for purchase in records if purchase.id in written for line in drug_values(purchase)]
        if lines:
            session.execute(insert(PURCHASE_DRUG), lines)
        return written

    def _pending(self) -> list[Purchase]:
        return self._pending_records()

    def add(self, purchase: Purchase, *, session: Session | None = None) -> Purchase:
        with self._lock:
            created = to_utc(purchase.created_at) if purchase.created_at else datetime.now(UTC)
            stamped = replace(purchase, created_at=created)
            saved = self._save_or_queue(
                str(stamped.id),
                purchase_payload(stamped, created),
                lambda: self.primary.add(stamped, session=session),
                session,
            )
            return stamped if saved is None else saved

    def _merged(
        self,
        key: tuple[Any, ...],
        call: Callable[[], Any],
        keep: Callable[[Purchase], bool],
        limit: int | None = None,
        session: Session | None = None,
    ) -> list[Purchase]:
        rows = list(self._read(key, call, session) or [])
        seen = {p.id for p in rows}
        extra = [p for p in self._pending() if p.id not in seen and keep(p)]
        if not extra:
            return rows
        merged = sorted([*rows, *extra], key=lambda p: p.created_at, reverse=True)
        return merged if limit is None else merged[:limit]

    def get(self, purchase_id: Any, *, session: Session | None = None) -> Purchase | None:
        with self._lock:
            queued = self._queued(purchase_id)
            if queued is not None:
                return queued
            return self._read(
                ("get", purchase_id), lambda: self.primary.get(purchase_id, session=session), session
            )

    def recent_for(
        self, id_number: str, phone: str, since: datetime, *, session: Session | None = None
    ) -> list[Purchase]:
        """The server's earlier purchases by this person, plus this counter's queued ones (offline the
        server's part is the last answer for the very same question, usually none)."""

        def keep(p: Purchase) -> bool:
            same = (id_number and p.purchaser.id_number == id_number) or (
                phone and p.purchaser.phone == phone
            )
            return bool(same) and p.created_at >= since

        with self._lock:
            return self._merged(
                ("recent", id_number, phone, since),
                lambda: self.primary.recent_for(id_number, phone, since, session=session),
                keep,
                limit=50,
                session=session,
            )

    def between(
        self, start: datetime, end: datetime, *, search: str = "", limit: int = 500
    ) -> list[Purchase]:
        with self._lock:
            return self._merged(
                ("between", start, end, search, limit),
                lambda: self.primary.between(start, end, search=search, limit=limit),
                lambda p: start <= p.created_at < end and purchase_matches(p, search),
                limit=limit,
            )

    def day_lines(
        self, start: datetime, end: datetime, *, search: str = "", limit: int = 500
    ) -> list[PurchaseLine]:
        """:meth:`between` read light (``fever_desk.day_lines``), the pending saves merged in."""
        with self._lock:
            key = ("lines", start, end, search, limit)
            call = lambda: self.primary.day_lines(start, end, search=search, limit=limit)  # noqa: E731
            rows = list(self._read(key, call) or [])
            seen = {line.id for line in rows}
            extra = [
                PurchaseLine.of(p)
                for p in self._pending()
                if p.id not in seen and start <= p.created_at < end and purchase_matches(p, search)
            ]
            if not extra:
                return rows
            return sorted([*rows, *extra], key=lambda p: p.created_at or start, reverse=True)[:limit]

    def export_rows(
        self, start: datetime, end: datetime, *, session: Session | None = None
    ) -> list[Purchase]:
        """The regulator's list must be complete, so it needs the server (plus any pending rows not yet
        replayed); offline it raises :class:`ServerUnavailable` rather than hand over a partial list."""
        with self._lock:
            if not reachable(self.link, session):
                raise ServerUnavailable()
            try:
                rows = list(self._server(lambda: self.primary.export_rows(start, end, session=session)))
            except SERVER_ERRORS as exc:
                if is_connection_error(exc):
                    raise ServerUnavailable() from exc
                raise
            seen = {p.id for p in rows}
            extra = [p for p in self._pending() if p.id not in seen and start <= p.created_at < end]
            return sorted([*rows, *extra], key=lambda p: p.created_at)

    def counts(self, start: datetime, end: datetime) -> PurchaseCounts:
        with self._lock:
            base = self._read(("counts", start, end), lambda: self.primary.counts(start, end))
            base = base or PurchaseCounts(0, 0, 0)
            extra = [p for p in self._pending() if start <= p.created_at < end]
            if not extra:
                return base
            fever = sum(1 for p in extra if "fever" in p.advice_reasons)
            epi = sum(1 for p in extra if any(p.epidemiological.values()))
            return PurchaseCounts(base.purchasers + len(extra), base.with_fever + fever, base.with_epi + epi)

    def change_token(self, start: datetime, end: datetime) -> ChangeToken:
        with self._lock:
            token = self._read(("token", start, end), lambda: self.primary.change_token(start, end))
            return replace(token or ChangeToken(0, 0, None), pending=self.pending_count())
