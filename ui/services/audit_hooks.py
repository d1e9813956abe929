"""Audit calls for the rest of the desk, run on the database worker (never on the GUI thread).

The worker context (``ui.services.database.Database``) gets the account and audit repositories from
:func:`install_repositories`, and learns who is at the desk from :func:`set_actor`, submitted as a job
after every login: jobs run in order, so every job submitted after the login is attributed to that
operator.  An operation then writes, inside the unit of work that holds its change::

    with ctx.unit_of_work() as session:
        saved = ctx.screenings.add(screening, session=session)
        audit(ctx, AuditAction.CREATE, "screening", str(saved.id), session=session)

Without ``session`` the entry commits on its own: only for events that change nothing else (a login, a
full-ID view, a settings change, whose file is not in the database).

``detail`` is short and must never carry a name, ID number or phone: the log is kept after a purge, and
the record id is enough to find the record while it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fever_desk.audit import AuditAction, AuditDraft, AuditEntry

if TYPE_CHECKING:
    from ui.services.context import AuditContext


@dataclass(frozen=True)
class Actor:
    operator: str
    station_id: str


NOBODY = Actor("", "")


def install_repositories(ctx: Any) -> None:
    """Give the worker context ``.accounts`` and ``.audit`` (call at the end of ``Database.__init__``)."""
    from db.account_repository import SqlAccountRepository
    from db.audit_repository import SqlAuditRepository

    ctx.accounts = SqlAccountRepository(ctx.handle.session_factory)
    ctx.audit = SqlAuditRepository(ctx.handle.session_factory)
    if not hasattr(ctx, "actor"):
        ctx.actor = NOBODY


def set_actor(ctx: Any, operator: str, station_id: str) -> None:
    """Who the following jobs act for; submit as a worker job after login and after unlocking."""
    ctx.actor = Actor(operator, station_id)


def audit(
    ctx: AuditContext,
    action: AuditAction | str,
    record_kind: str = "",
    record_id: str = "",
    detail: str = "",
    *,
    session: Any = None,
) -> AuditEntry:
    """Append one entry for the current actor; pass ``session`` to commit it with the caller's change."""
    actor: Actor = getattr(ctx, "actor", NOBODY)
    draft = AuditDraft(
        operator=actor.operator,
        station_id=actor.station_id,
        action=str(AuditAction(action)),
        record_kind=record_kind,
        record_id=record_id,
        detail=detail[:500],
    )
    return ctx.audit.append(draft, session=session)


def record(
    ctx: Any, action: AuditAction | str, record_kind: str = "", record_id: str = "", detail: str = ""
) -> AuditEntry:
    """An action whose only write is its audit entry (a full ID shown, the settings file changed), as an
    operation of its own: one unit of work, like every other write, so the desk never appends outside
    one."""
    with ctx.unit_of_work() as session:
        return audit(ctx, action, record_kind, record_id, detail, session=session)
