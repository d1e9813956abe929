"""The typed context every desk operation receives: the open database, its repositories and the actor.

``ui.services.database.Database`` (what the database worker holds, and what the command line opens) is the one
implementation; the operations name this Protocol instead of ``Any`` so a missing repository or a
misspelt method is a type error, not a surprise on the worker thread.

``unit_of_work()`` opens the one transaction an operation's write(s) and its audit entry share
(``db.transactions``; on a shared server ``db.offline.store.ResilientStore.unit_of_work``, which also keeps a
save that loses the server in the outbox).  ``actor`` is who is at the desk, set once at login
(``ui.services.audit_hooks.set_actor``): the operations stamp records with ``actor.operator`` too, so a record
and its audit entry always name the same person.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from db import Database as DatabaseHandle
    from db.account_repository import SqlAccountRepository
    from db.audit_repository import SqlAuditRepository
    from db.offline.purchases import ResilientPurchaseRepository
    from db.offline.screenings import ResilientScreeningRepository
    from db.offline.store import ResilientStore
    from db.pharmacy_repository import SqlPurchaseRepository
    from db.report_cards.repository import SqlReportCardRepository
    from db.report_repository import SqlReportRepository
    from db.repositories import SqlScreeningRepository
    from db.slip_repository import SqlSlipPrintRepository
    from ui.services.audit_hooks import Actor


class AuditContext(Protocol):
    """Enough to append to the trail: the audit repository and who is acting."""

    audit: SqlAuditRepository
    actor: Actor


class DeskContext(AuditContext, Protocol):
    """The database worker's context as the operations see it (``ui.services.database.Database``)."""

    handle: DatabaseHandle
    store: ResilientStore | None
    screenings: SqlScreeningRepository | ResilientScreeningRepository
    purchases: SqlPurchaseRepository | ResilientPurchaseRepository
    reports: SqlReportRepository
    slip_prints: SqlSlipPrintRepository
    accounts: SqlAccountRepository
    report_cards: SqlReportCardRepository

    def unit_of_work(self) -> AbstractContextManager[Session]: ...

    def close(self) -> None: ...
