"""The station's database context: what the desk's database worker holds and what a command opens.

It is the one implementation of :class:`ui.services.context.DeskContext`: the repositories of a SQLite
file, or of a shared PostgreSQL server behind the offline outbox.  Nothing is imported at module level,
so the window can name this class before SQLAlchemy loads (on the worker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sqlalchemy.orm import Session


class Database:
    """What the database worker holds: the open database and its repositories (``ui.services.context``)."""

    def __init__(self, url: str) -> None:
        from db.report_repository import SqlReportRepository
        from db.slip_repository import SqlSlipPrintRepository
        from ui.services.audit_hooks import install_repositories

        self.store = None  # db.offline.store.ResilientStore when the counters share a server
        if url.startswith("postgresql"):
            # A shared server can drop off the network: saves then go to a local outbox and replay later.
            from db.offline.store import open_resilient

            self.store = open_resilient(url)
            self.handle = self.store.handle
            from db.deadline import deadline_of

            # Reports, operators, audit entries: while offline they fail at once instead of each waiting
            # a connect timeout on this worker, ahead of the nurse's next save (see db.deadline).
            deadline, link = deadline_of(self.handle.engine), self.store.link
            if deadline is not None:
                deadline.refuse_outside_calls_while(lambda: not link.online)
            self.screenings, self.purchases = self.store.screenings, self.store.purchases
        else:
            from db import open_database
            from db.pharmacy_repository import SqlPurchaseRepository
            from db.repositories import SqlScreeningRepository

            self.handle = open_database(url)
            self.screenings = SqlScreeningRepository(self.handle.session_factory)
            self.purchases = SqlPurchaseRepository(self.handle.session_factory)
        # On a shared server, follow-up results are kept in the outbox while it is away (db.offline).
        store_reports = self.store.followups if self.store is not None else None
        self.reports = store_reports or SqlReportRepository(self.handle.session_factory)
        store_slips = self.store.slips if self.store is not None else None
        self.slip_prints = store_slips or SqlSlipPrintRepository(self.handle.session_factory)
        from db.report_cards.repository import SqlReportCardRepository

        self.report_cards = SqlReportCardRepository(self.handle.session_factory)
        from db.observation.repository import SqlObservationRepository

        # On a shared server, the register's changes are kept in the outbox while it is away (db.offline).
        store_observations = self.store.observations if self.store is not None else None
        self.observations = store_observations or SqlObservationRepository(self.handle.session_factory)
        install_repositories(self)
        if self.store is not None:  # an entry made in a unit travels with its record through the outbox
            self.audit = self.store.audit

    def unit_of_work(self) -> AbstractContextManager[Session]:
        """One transaction for an operation's write(s) and its audit entry (see ``ui.services.context``)."""
        if self.store is not None:
            return self.store.unit_of_work()
        from db.transactions import unit_of_work

        return unit_of_work(self.handle.session_factory)

    def close(self) -> None:
        (self.store or self.handle).close()
