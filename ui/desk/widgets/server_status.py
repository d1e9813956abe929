"""The status-bar indicator of the clinic server: connected, or unreachable with the saves kept here.

Shown only when the desk works on a shared server (``ctx.store`` is a ``db.offline.store.ResilientStore``).
The store replays its outbox on a thread of its own (``start_replaying``) and reports each result from
there; the ``received`` signal carries it to the GUI thread, where the text is set.  A connection that is
encrypted without checking the server's certificate, or that may fall back to plain text, adds a short
note (``db.transport``); a plain-text connection to a remote server never gets this far.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QWidget

from fever_desk.i18n import tr

REPLAY_SECONDS = 5.0


class ServerStatus(QLabel):
    received = Signal(object)  # a db.offline.link.SyncStatus, emitted from the replay thread

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("server_status")
        self.hide()
        self._status: Any = None
        self._transport: tuple[str, dict[str, str]] | None = None  # db.transport.transport_warning
        self.received.connect(self.show_status)

    def attach(self, store: Any) -> None:
        """Start the store's replaying and show its state; call once the database worker is ready."""
        if store is None:
            return
        from db.transport import transport_warning

        engine = getattr(getattr(store, "handle", None), "engine", None)
        self._transport = transport_warning(engine.url) if engine is not None else None
        self.show_status(store.status())
        store.start_replaying(REPLAY_SECONDS, on_status=self.received.emit)

    def show_status(self, status: Any) -> None:
        self._status = status
        if status.online and not status.pending:
            self.setText(tr("Server: connected"))
            self.setStyleSheet("")
        elif status.online:
            self.setText(tr("Server: connected, sending {pending} record(s) kept on this counter",
                            pending=status.pending))  # fmt: skip
            self.setStyleSheet("color: #8a6d00;")
        else:
            text = tr(
                "Server unreachable: {pending} record(s) kept on this counter, "
                "sent automatically when it is back",
                pending=status.pending,
            )
            self.setText(text)
            self.setStyleSheet("color: #b00020; font-weight: bold;")
        if self._transport is not None:
            template, values = self._transport
            self.setText(self.text() + " · " + tr(template, **values))
            if status.online and not status.pending:
                self.setStyleSheet("color: #8a6d00;")
        self.show()

    def retranslate(self) -> None:
        if self._status is not None:
            self.show_status(self._status)


def install_server_status(shell: Any, worker: Any) -> ServerStatus:
    """In the window's status bar (``ui.desk.shell.Shell``), attached to the shared server's store once the
    database worker has its context (at once if it already has)."""
    status = ServerStatus(shell)
    shell.add_status_widget(status)
    if worker.context is not None:
        status.attach(getattr(worker.context, "store", None))
    else:
        worker.context_ready.connect(lambda: status.attach(getattr(worker.context, "store", None)))
    shell.on_retranslate(status.retranslate)
    return status
