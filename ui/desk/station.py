"""What every screen of the desk shares: the settings, the database worker and a way to report.

Screens receive this one object instead of the main window, so a screen can be built and tested on
its own, and the main window stays a thin shell that arranges screens in tabs.

Screens also learn here what the others did: an operation run through :meth:`Station.perform` is
followed by ``changed`` with what it wrote (``ui.services.changes.Changes``, as in Anki's
``OpChanges``), and each screen that shows such records refreshes itself.  Nobody wires "after this
save, refresh that screen" by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from fever_desk.i18n import set_language
from fever_desk.settings import Settings, save_settings
from ui.desk.runtime.workers import Worker
from ui.services.changes import Changes, changes_of

if TYPE_CHECKING:
    from fever_desk.accounts import Operator
    from fever_desk.triage import FeverRule

T = TypeVar("T")


class Station(QObject):
    settings_changed = Signal(object)  # (old Settings); the new ones are ``station.settings``
    db_state_changed = Signal(bool)
    problem = Signal(str)  # a sentence for the banner; "" clears it
    changed = Signal(object, object)  # (Changes, the initiator passed to perform, or None)

    def __init__(
        self,
        settings: Settings,
        settings_path: Path,
        worker: Worker,
        describe_error: Callable[[BaseException], str],
    ) -> None:
        super().__init__()
        self.settings = settings
        self.settings_path = settings_path
        self.worker = worker
        self.describe_error = describe_error
        self.db_ready = False
        self.db_problem = ""  # why the database could not be opened, in the user's language
        self.operator: Operator | None = None  # set by the login gate
        worker.context_ready.connect(self._ready)
        worker.context_failed.connect(self._failed)

    @property
    def fever_rule(self) -> FeverRule:
        from fever_desk.triage import FeverRule  # triage loads the guideline machinery: with the desk

        return FeverRule(self.settings.fever_threshold_c, self.settings.fever_threshold_inclusive)

    def on_db_ready(self, load: Callable[[], None]) -> None:
        """Call ``load`` whenever the database becomes ready, and at once if it already is.

        Screens are built while the database opens on the worker; one built after that moment would
        otherwise wait for a signal that has already gone by and show an empty list.
        """
        self.db_state_changed.connect(lambda ready: ready and load())
        if self.db_ready:
            load()

    def perform(
        self,
        operation: Callable[[Any], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        *,
        changes: Changes | Callable[[T], Changes] = changes_of,
        initiator: object = None,
    ) -> bool:
        """Run a writing ``operation`` on the database worker, then tell every screen what it changed.

        ``on_success`` runs first (the initiating screen clears its form), then ``changed`` is emitted
        with ``changes`` (by default what the result says, :func:`ui.services.changes.changes_of`) and
        ``initiator``, so a screen can tell its own operation from another's.  Nothing is emitted for
        a failure or for an operation that changed nothing.  False: the worker has stopped (the window
        is closing) and the operation was not run.
        """

        def done(result: T) -> None:
            if on_success is not None:
                on_success(result)
            what = changes(result) if callable(changes) else changes
            if what:
                self.changed.emit(what, initiator)

        return self.worker.submit(operation, done, on_failure)

    def announce(self, changes: Changes, initiator: object = None) -> None:
        """Broadcast changes made outside :meth:`perform` (another counter's records seen by a poll)."""
        if changes:
            self.changed.emit(changes, initiator)

    def report(self, error: BaseException, template: str = "") -> None:
        """Put a failure from the worker in the banner, in the user's language."""
        text = self.describe_error(error)
        self.problem.emit(template.format(problem=text) if template else text)

    def update_settings(self, new: Settings) -> None:
        old = self.settings
        save_settings(new, self.settings_path)
        self.settings = new
        set_language(new.language)
        self.settings_changed.emit(old)
        self.announce(Changes(settings=True))
        self._audit_settings(old, new)

    def _audit_settings(self, old: Settings, new: Settings) -> None:
        """The threshold or the guideline decides what later screenings say: who changed what is logged."""
        from fever_desk.settings import settings_changes

        changes = settings_changes(old, new)
        if not changes or not self.db_ready:
            return  # without a database there is no trail to write to; the file itself was saved
        detail, station_id = "; ".join(changes), new.station_id

        def job(ctx: Any) -> None:
            from fever_desk.audit import AuditAction
            from ui.services.audit_hooks import record

            record(ctx, AuditAction.SETTINGS_CHANGE, "settings", station_id, detail)

        self.perform(job, None, lambda error: self.report(error))

    def _ready(self) -> None:
        self.db_ready = True
        self.db_state_changed.emit(True)

    def _failed(self, error: BaseException) -> None:
        self.db_ready = False
        self.db_problem = self.describe_error(error)
        self.problem.emit(self.db_problem)
        self.db_state_changed.emit(False)
