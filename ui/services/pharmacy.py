"""Operations the pharmacy screens hand to the database worker (run off the GUI thread).

Each takes the worker's context (:class:`ui.services.context.DeskContext`) and plain values, and returns
plain values, so they are testable without Qt and shared with the command line.  Saving re-checks repeat
purchases on the worker, in the same transaction as the insert and its audit entry (one unit of work),
so a purchase cannot slip through between the inline check and the save, and never exists without its
entry.  Two *counters* checking the same person at once are serialized too: the transaction first takes
that person's lock (``db.pharmacy_repository.lock_purchaser``), so the second counter's check waits for
the first one's commit and then sees its purchase.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.offline.link import was_queued
from fever_desk.audit import AuditAction
from fever_desk.day_lines import PurchaseLine
from fever_desk.export_files import ExportedFile, write_export, zip_path
from fever_desk.model import Screening
from fever_desk.pharmacy import Purchase, RepeatMatch, find_repeats
from fever_desk.registers import Progress, RegisterMeta, write_register
from ui.services.audit_hooks import audit
from ui.services.changes import NOTHING, Changes
from ui.services.context import DeskContext
from ui.services.screening import (
    ScreeningSaved,
    day_of,
    is_queued,
    local_day_bounds,
    operator_of,
    removed_on_failure,
    stored,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

PharmacyContext = DeskContext  # the name the screens used before the context was typed


@dataclass(frozen=True)
class SaveResult:
    """``saved`` is the stored purchase, or None when unconfirmed ``repeats`` stopped the save.
    ``queued``: kept in this counter's outbox (the server was out of reach), sent when it is back."""

    saved: Purchase | None
    repeats: list[RepeatMatch]
    queued: bool = False

    @property
    def changes(self) -> Changes:
        """What the save wrote, for the screens (``ui.services.changes``): nothing when it stopped."""
        return Changes(purchases=True, records=(self.saved,)) if self.saved is not None else NOTHING


@dataclass(frozen=True)
class RegisterExport:
    """``rows`` written to ``file`` (its path, and the one-time password when zipped)."""

    rows: int
    file: ExportedFile


@dataclass(frozen=True)
class PurchaseDay:
    """The register list's rows, light (``fever_desk.day_lines``), and the day's figures."""

    rows: list[PurchaseLine]
    counts: Any


def recent_purchases(
    ctx: PharmacyContext,
    id_number: str,
    phone: str,
    now: datetime,
    days: int,
    *,
    session: Session | None = None,
) -> list[RepeatMatch]:
    """Earlier purchases by this person within ``days`` days of ``now`` (aware), ID matches first."""
    since = now - timedelta(days=days)
    earlier = ctx.purchases.recent_for(id_number, phone, since, session=session)
    return find_repeats(id_number, phone, earlier, now=now, days=days)


def save_purchase(
    ctx: PharmacyContext, purchase: Purchase, days: int, acknowledged: frozenset[uuid.UUID]
) -> SaveResult:
    """Save unless an earlier purchase the pharmacist has not confirmed seeing turns up.

    The repeat check, the insert and the audit entry are one transaction; the purchase names the
    logged-in operator, as its entry does.  Idempotent on the purchase's id (fixed when the form was
    filled): saving it again returns the stored one.  Offline, the check includes this counter's queued
    registrations and the save is kept in the outbox with its entry (``queued``)."""
    now = datetime.now().astimezone()
    buyer = purchase.purchaser
    stamped = replace(purchase, operator=operator_of(ctx, purchase.operator))
    with ctx.unit_of_work() as session:
        _lock_purchaser(ctx, session, buyer.id_number, buyer.phone)
        existing = ctx.purchases.get(stamped.id, session=session)
        if existing is not None:
            return SaveResult(existing, [], is_queued(ctx, "purchase", existing.id))
        repeats = recent_purchases(ctx, buyer.id_number, buyer.phone, now, days, session=session)
        if any(match.purchase.id not in acknowledged for match in repeats):
            return SaveResult(None, repeats)
        saved = ctx.purchases.add(stamped, session=session)
        audit(ctx, AuditAction.CREATE, "purchase", str(saved.id), session=session)
    return SaveResult(saved, repeats, was_queued(session))


def _lock_purchaser(ctx: PharmacyContext, session: Session, id_number: str, phone: str) -> None:
    """The buyer's lock in this unit of work, before its repeat check (see the module docstring).

    On a shared server the lock is a server call like the check itself: under the call deadline, and
    skipped while the counter is offline, when the check can only cover this counter's own queue anyway
    (the repeat check reads the remembered list plus the outbox then).  A server lost while taking it
    is treated as a server lost during the check: the counter goes offline, the check reads the
    remembered list, and the purchase goes to the outbox (``db.resilient``)."""
    from db.pharmacy_repository import lock_purchaser

    store = getattr(ctx, "store", None)
    if store is None:
        lock_purchaser(session, id_number, phone)
        return
    if not store.link.online:
        return
    from sqlalchemy.exc import SQLAlchemyError

    from db.migrate import DatabaseProblem
    from db.resilient import is_connection_error

    try:
        store.link.call(lambda: lock_purchaser(session, id_number, phone))
    except (SQLAlchemyError, DatabaseProblem, OSError) as exc:
        if not is_connection_error(exc):
            raise


def load_purchase_day(ctx: PharmacyContext, day: date, search: str = "", limit: int = 500) -> PurchaseDay:
    return PurchaseDay(*day_of(ctx.purchases, day, search, limit))


def get_purchase(ctx: PharmacyContext, purchase_id: uuid.UUID) -> Purchase:
    """The whole purchase behind a list row (the full ID shown on request)."""
    found: Purchase = stored(ctx.purchases, purchase_id)
    return found


def load_purchase_counts(ctx: PharmacyContext, day: date) -> Any:
    """The day's figures alone (one aggregate): after a save the list inserts its row, the figures come
    from the database."""
    return ctx.purchases.counts(*local_day_bounds(day))


def export_register(
    ctx: PharmacyContext,
    first_day: date,
    last_day: date,
    path: Path,
    institution: str,
    font_path: str = "",
    progress: Progress | None = None,
    *,
    zipped: bool = False,
) -> RegisterExport:
    """Write the register for the local days [first_day, last_day] to ``path`` (0600, marked as personal
    information), or with ``zipped`` to an AES-256 ZIP beside it (``fever_desk.export_files``).
    ``font_path`` is the settings' ``slip_font_path`` (empty: the shipped font).  The rows are read, the
    file written and the export logged in one transaction: a failed write logs nothing, a failed entry
    removes the file, and the entry names exactly the rows the file holds and whether it was zipped.  A
    file written under the station's data folder is listed for retention (``fever_desk.export_ledger``).
    """
    start, _ = local_day_bounds(first_day)
    _, end = local_day_bounds(last_day)
    target = zip_path(path) if zipped else path
    note_station_copy(target, last_day)
    with removed_on_failure(target), ctx.unit_of_work() as session:
        purchases = ctx.purchases.export_rows(start, end, session=session)
        meta = RegisterMeta(institution, first_day, last_day, font_path)
        written, rows = write_export(
            path, lambda plain: write_register(plain, purchases, meta, progress), zipped=zipped
        )
        days, detail = f"{first_day}..{last_day}", f"rows={rows} zip={'yes' if zipped else 'no'}"
        audit(ctx, AuditAction.EXPORT, "purchase_register", days, detail, session=session)
    return RegisterExport(rows, written)


def note_station_copy(target: Path, last_day: date) -> None:
    """List ``target`` for retention when it is written under the station's data folder."""
    from fever_desk.export_ledger import record
    from ui.services.slips import data_dir

    record(data_dir(), target, last_day)


def refer_to_clinic(ctx: PharmacyContext, screening: Screening, purchase_id: uuid.UUID) -> ScreeningSaved:
    """The screening a pharmacy referral makes (``fever_desk.pharmacy_referral``), stored once with its
    "create" entry in one transaction; asking again for the same purchase returns the stored one.
    ``queued`` as for the desk's save: the server was out of reach, the referral waits in this counter's
    outbox with its entry, and the pharmacist is told so rather than nothing."""
    with ctx.unit_of_work() as session:
        existing = ctx.screenings.get(screening.id, session=session)
        if existing is None:
            stamped = replace(screening, operator=operator_of(ctx, screening.operator))
            saved = ctx.screenings.add(stamped, session=session)
            detail = f"referral purchase={purchase_id}"
            audit(ctx, AuditAction.CREATE, "screening", str(saved.id), detail, session=session)
    if existing is not None:
        return ScreeningSaved(existing, is_queued(ctx, "screening", existing.id))
    return ScreeningSaved(saved, was_queued(session))


def find_person(ctx: PharmacyContext, text: str, limit: int = 200) -> Any:
    from db.person_history import search_people

    return search_people(ctx.handle.session_factory, text, limit=limit)
