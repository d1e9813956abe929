"""The pharmacy side of the offline outbox: registrations saved while the clinic server is unreachable.

Same rules as the screenings in ``db.resilient``: a registration that cannot reach the server is kept in
the local outbox and replayed in order, insert-if-absent, so nothing is lost or doubled; while offline the
day's list and the repeat-purchase check include what is still waiting to be sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.mapping import row_from_snapshot, snapshot
from db.migrate import DatabaseProblem
from db.models import to_utc
from db.outbox import Outbox
from db.pharmacy_mapping import drug_values, purchase_from_row, purchase_values
from db.pharmacy_repository import PurchaseCounts, SqlPurchaseRepository
from db.repositories import ChangeToken
from db.resilient import (
    ReplayResult,
    ServerLink,
    ServerUnavailable,
    _Remembering,
    is_connection_error,
    person_matches,
)
from fever_desk.pharmacy import Purchase

log = logging.getLogger(__name__)

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
    return person_matches(buyer.name, buyer.id_number, buyer.phone, search, mixed_id=True)


class ResilientPurchaseRepository(_Remembering):
    """The pharmacy register over a server that may be away: the same outbox, link and rules as
    :class:`ResilientScreeningRepository`.  The repeat-purchase check (``recent_for``) includes this
    counter's pending registrations, so a buyer coming back while the server is down is still noticed
    here (other counters' registrations only once it is back)."""

    def __init__(
        self, primary: SqlPurchaseRepository, outbox: Outbox, *, link: ServerLink | None = None
    ) -> None:
        super().__init__(link or ServerLink())
        self.primary = primary
        self.outbox = outbox

    def pending_count(self) -> int:
        return self.outbox.count(PURCHASE_ADD)

    def _pending(self) -> list[Purchase]:
        return [purchase_from_payload(item.payload) for item in self.outbox.pending(PURCHASE_ADD)]

    def add(self, purchase: Purchase, *, session: Session | None = None) -> Purchase:
        with self._lock:
            created = to_utc(purchase.created_at) if purchase.created_at else datetime.now(UTC)
            stamped = replace(purchase, created_at=created)
            payload = purchase_payload(stamped, created)
            saved = self._save_or_queue(
                PURCHASE_ADD,
                str(stamped.id),
                payload,
                lambda: self.primary.add(stamped, session=session),
                session,
            )
            return stamped if saved is None else saved

    def replay(self, batch: int = 500) -> ReplayResult:
        with self._lock:
            return self._push(PURCHASE_ADD, purchase_from_payload, batch, probe_when_idle=False)

    def _merged(
        self,
        key: tuple[Any, ...],
        call: Callable[[], Any],
        keep: Callable[[Purchase], bool],
        newest_first: bool = True,
        limit: int | None = None,
    ) -> list[Purchase]:
        rows = list(self._read(key, call) or [])
        seen = {p.id for p in rows}
        extra = [p for p in self._pending() if p.id not in seen and keep(p)]
        if not extra:
            return rows
        merged = sorted([*rows, *extra], key=lambda p: p.created_at, reverse=newest_first)
        return merged if limit is None else merged[:limit]

    def get(self, purchase_id: Any) -> Purchase | None:
        with self._lock:
            for pending in self._pending():
                if pending.id == purchase_id:
                    return pending
            return self._read(("get", purchase_id), lambda: self.primary.get(purchase_id))

    def recent_for(
        self, id_number: str, phone: str, since: datetime, *, session: Session | None = None
    ) -> list[Purchase]:
        def keep(p: Purchase) -> bool:
            same = (id_number and p.purchaser.id_number == id_number) or (
                phone and p.purchaser.phone == phone
            )
            return bool(same) and p.created_at >= since

        with self._lock:
            key = ("recent", id_number, phone, since)
            return self._merged(
                key, lambda: self.primary.recent_for(id_number, phone, since, session=session), keep, limit=50
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

    def export_rows(
        self, start: datetime, end: datetime, *, session: Session | None = None
    ) -> list[Purchase]:
        """The regulator's list must be complete, so it needs the server (plus any pending rows not yet
        replayed); offline it raises :class:`ServerUnavailable` rather than hand over a partial list."""
        with self._lock:
            try:
                rows = list(self._server(lambda: self.primary.export_rows(start, end, session=session)))
            except (SQLAlchemyError, DatabaseProblem, OSError) as exc:
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
