"""Operations on accounts and on the records' retention, shared by the desk and the command line.

The Operators tab, the login dialog's first run and ``fever-desk user …`` / ``fever-desk purge`` all call
these, on a :class:`ui.services.context.DeskContext`, so a change and its audit entry commit in one unit of
work (a killed process leaves both or neither) and carry the same details whichever door it came in by.
The actor is whoever ``ctx.actor`` names: the logged-in administrator, or ``cli:<system user>``.
No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from fever_desk.accounts import LoginOutcome, LoginStatus, Operator, Role
from fever_desk.audit import AuditAction
from ui.services.audit_hooks import audit, set_actor
from ui.services.context import DeskContext

if TYPE_CHECKING:
    from db.retention import PurgeResult

T = TypeVar("T")


def on_server(ctx: DeskContext, call: Callable[[], T]) -> T:
    """``call()`` under the shared server's call deadline (``db.deadline``), or plainly on SQLite.

    The account calls of the login go straight to the server's tables, not through the resilient
    repositories that bound every save: without this a black-holed server (a pulled cable on Windows,
    a VPN box that still acknowledges packets) held the login job, and every job queued behind it,
    for as long as the operating system cared to wait.  A cut call fails as a connection error, which
    ``db.server_faults`` calls "cannot be reached"."""
    store = getattr(ctx, "store", None)
    return call() if store is None else store.link.call(call)


def has_users(ctx: DeskContext) -> bool:
    """Whether the station has operators yet (the login dialog's first question)."""
    return on_server(ctx, ctx.accounts.has_users)


def log_in(ctx: DeskContext, username: str, password: str, station_id: str) -> LoginOutcome:
    """Check the password; on success the worker acts for the operator and the login is logged.

    There is no login without the accounts table, so none while the shared server is out of reach
    (the desk keeps no copy of the password hashes): the dialog says why and lets the nurse retry."""

    def check() -> LoginOutcome:
        with ctx.unit_of_work() as session:  # the failure count's reset and the login entry, together
            outcome = ctx.accounts.authenticate(username, password, session=session)
            if outcome.status == LoginStatus.OK and outcome.operator is not None:
                set_actor(ctx, outcome.operator.username, station_id)
                audit(ctx, AuditAction.LOGIN, "operator", outcome.operator.username, session=session)
        return outcome

    return on_server(ctx, check)


def add_user(
    ctx: DeskContext,
    username: str,
    password: str,
    role: Role | str,
    display_name: str = "",
    *,
    must_change: bool = True,
) -> Operator:
    """A new operator and its "user_add" entry (with the role), in one transaction."""
    with ctx.unit_of_work() as session:
        operator = ctx.accounts.add(
            username, password, role, display_name, must_change=must_change, session=session
        )
        detail = f"role={operator.role.value}"
        audit(ctx, AuditAction.USER_ADD, "operator", operator.username, detail, session=session)
    return operator


def set_user_disabled(ctx: DeskContext, username: str, disabled: bool) -> None:
    """Stop an operator from logging in (or allow it again), logged in the same transaction."""
    action = AuditAction.USER_DISABLE if disabled else AuditAction.USER_ENABLE
    with ctx.unit_of_work() as session:
        ctx.accounts.set_disabled(username, disabled, session=session)
        audit(ctx, action, "operator", username, session=session)


def reset_user_password(ctx: DeskContext, username: str, temporary: str) -> None:
    """An administrator's reset (changed at the next login), logged in the same transaction."""
    with ctx.unit_of_work() as session:
        ctx.accounts.reset_password(username, temporary, session=session)
        audit(ctx, AuditAction.PASSWORD_RESET, "operator", username, session=session)


def change_own_password(ctx: DeskContext, username: str, current: str, new: str) -> None:
    """The operator's own change (also the forced one after a reset), logged in the same transaction."""

    def change() -> None:
        with ctx.unit_of_work() as session:
            ctx.accounts.change_password(username, current, new, session=session)
            audit(ctx, AuditAction.PASSWORD_CHANGE, "operator", username, session=session)

    on_server(ctx, change)  # also the forced change inside the login dialog: bounded like the login


def create_first_admin(
    ctx: DeskContext, username: str, password: str, display_name: str, station_id: str
) -> Operator:
    """The new station's administrator, logged in at once: the account, its "user_add" entry and its
    "login" entry commit together, and the worker acts for it from then on."""

    def create() -> Operator:
        with ctx.unit_of_work() as session:
            operator = ctx.accounts.create_first_admin(username, password, display_name, session=session)
            set_actor(ctx, operator.username, station_id)
            name = operator.username
            audit(ctx, AuditAction.USER_ADD, "operator", name, "first administrator", session=session)
            audit(ctx, AuditAction.LOGIN, "operator", name, session=session)
        return operator

    return on_server(ctx, create)


def count_older_than(ctx: DeskContext, cutoff: datetime) -> dict[str, int]:
    """What a purge at ``cutoff`` would delete, table → rows (nothing is changed)."""
    from db.retention import count_older_than as count

    return count(ctx.handle.session_factory, cutoff)


def files_older_than(ctx: DeskContext, cutoff: datetime, data_folder: Path | None = None) -> list[str]:
    """The files a purge at ``cutoff`` deletes, for the dry run: the archived slip PDFs of the purged
    screenings and the exports written under the data folder that cover only purged days (those that
    exist now; nothing is changed)."""
    from db import retention
    from fever_desk import export_ledger
    from ui.services.slips import data_dir

    archives = retention.slip_archives_older_than(ctx.handle.session_factory, cutoff)
    exports = export_ledger.due(data_folder or data_dir(), cutoff.date())
    return sorted({path for path in archives if Path(path).exists()} | set(exports))


def purge_older_than(
    ctx: DeskContext,
    cutoff: datetime,
    days: int,
    pending: Path | None = None,
    progress: Callable[[int], None] | None = None,
    data_folder: Path | None = None,
) -> PurgeResult:
    """Delete the records created before ``cutoff`` and log the purge in the same transaction; then
    remove their archived slip PDFs from a to-do list written before the commit (``db.retention``): a
    failed purge loses no PDF, and a PDF a viewer holds is named and deleted at the next purge.

    Exports the station wrote under its data folder that cover only days before ``cutoff``'s date
    (``fever_desk.export_ledger``) join the to-do list *after* the commit, so a purge that rolled back
    deletes none of them; a crash before they join leaves them in the ledger, and the next purge finds
    them again.  A held file (Windows) stays on the list, as a slip PDF does."""
    from db import retention
    from fever_desk import export_ledger
    from ui.services.slips import data_dir, pending_deletions

    folder = data_folder or data_dir()
    pending = pending or pending_deletions(folder)
    factory = ctx.handle.session_factory
    archives = retention.slip_archives_older_than(factory, cutoff)
    if archives:
        retention._write_pending(pending, retention.read_pending(pending) | set(archives))
    with ctx.unit_of_work() as session:
        counts = retention.purge_older_than(factory, cutoff, session=session, progress=progress)
        detail = f"before={cutoff:%Y-%m-%d} " + " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
        audit(ctx, AuditAction.PURGE, "retention", str(days), detail, session=session)
    exports = export_ledger.due(folder, cutoff.date())
    if exports:
        retention._write_pending(pending, retention.read_pending(pending) | set(exports))
    export_ledger.forget_before(folder, cutoff.date())
    listed = [path for path in retention.read_pending(pending) if Path(path).exists()]
    left = retention.delete_pending_archives(factory, pending)
    deleted = tuple(sorted(path for path in listed if not Path(path).exists()))
    return retention.PurgeResult(counts, left, deleted)
