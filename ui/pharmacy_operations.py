"""Operations the pharmacy screens hand to the database worker (run off the GUI thread).

Each takes the worker's context (``ctx.purchases`` a ``SqlPurchaseRepository``, ``ctx.handle`` the open
database) and plain values, and returns plain values, so they are testable without Qt and shared with
the command line.  Saving re-checks repeat purchases on the worker, in the same call, so a purchase
cannot slip through between the inline check and the save.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from fever_desk.pharmacy import Purchase, RepeatMatch, find_repeats
from fever_desk.registers import Progress, RegisterMeta, write_register
from ui.audit_hooks import audit
from ui.operations import local_day_bounds


class PharmacyContext(Protocol):
    purchases: Any
    handle: Any


@dataclass(frozen=True)
class SaveResult:
    """``saved`` is the stored purchase, or None when unconfirmed ``repeats`` stopped the save."""

    saved: Purchase | None
    repeats: list[RepeatMatch]


@dataclass(frozen=True)
class PurchaseDay:
    rows: list[Purchase]
    counts: Any


def recent_purchases(
    ctx: PharmacyContext, id_number: str, phone: str, now: datetime, days: int
) -> list[RepeatMatch]:
    """Earlier purchases by this person within ``days`` days of ``now`` (aware), ID matches first."""
    since = now - timedelta(days=days)
    earlier = ctx.purchases.recent_for(id_number, phone, since)
    return find_repeats(id_number, phone, earlier, now=now, days=days)


def save_purchase(
    ctx: PharmacyContext, purchase: Purchase, days: int, acknowledged: frozenset[uuid.UUID]
) -> SaveResult:
    """Save unless an earlier purchase the pharmacist has not confirmed seeing turns up."""
    now = datetime.now().astimezone()
    repeats = recent_purchases(ctx, purchase.purchaser.id_number, purchase.purchaser.phone, now, days)
    if any(match.purchase.id not in acknowledged for match in repeats):
        return SaveResult(None, repeats)
    saved = ctx.purchases.add(purchase)
    audit(ctx, "create", "purchase", str(saved.id))
    return SaveResult(saved, repeats)


def load_purchase_day(ctx: PharmacyContext, day: date, search: str = "", limit: int = 500) -> PurchaseDay:
    start, end = local_day_bounds(day)
    rows = list(ctx.purchases.between(start, end, search=search, limit=limit))
    return PurchaseDay(rows, ctx.purchases.counts(start, end))


def export_register(
    ctx: PharmacyContext,
    first_day: date,
    last_day: date,
    path: Path,
    institution: str,
    progress: Progress | None = None,
) -> int:
    """Write the register for the local days [first_day, last_day] to ``path``; returns the row count."""
    start, _ = local_day_bounds(first_day)
    _, end = local_day_bounds(last_day)
    purchases = ctx.purchases.export_rows(start, end)
    rows = write_register(path, purchases, RegisterMeta(institution, first_day, last_day), progress)
    audit(ctx, "export", "purchase_register", f"{first_day}..{last_day}", f"rows={rows}")
    return rows


def find_person(ctx: PharmacyContext, text: str, limit: int = 200) -> Any:
    from db.person_history import search_people

    return search_people(ctx.handle.session_factory, text, limit=limit)
