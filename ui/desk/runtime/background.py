"""One-shot background look-ups (serial ports, printers) whose answer lands on the GUI thread.

A dialog asks the system for something that can take seconds (a Windows serial driver, a network printer
that does not answer) and must not freeze meanwhile.  The thread never touches the dialog or any object
the dialog owns: the user may close the dialog while the thread runs, and a signal emitted from the
thread on an object being deleted on the GUI thread corrupts memory (seen as crashes in later, unrelated
tests).  Instead the thread posts its answer to one relay that lives as long as the application, and
the relay, on the GUI thread, hands it to the receiver only if the receiver still exists.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject

from ui.desk.runtime.workers import GuiRelay

log = logging.getLogger(__name__)


_relay: GuiRelay | None = None


def _the_relay() -> GuiRelay:
    """Made on first use, which is on the GUI thread (a dialog starting a look-up)."""
    global _relay
    if _relay is None or not shiboken6.isValid(_relay):
        app = QCoreApplication.instance()
        assert app is not None, "a look-up needs the application"
        _relay = GuiRelay(app)  # parented to the application: never deleted while a look-up runs
    return _relay


class Lookup:
    """Runs ``fetch`` on a thread and calls ``deliver(result)`` on the GUI thread while ``owner`` exists.

    The thread holds neither the owner nor this object (only ``fetch`` and a weak reference), so the
    last reference to a closed dialog is never dropped on the thread, which would delete its widgets
    there.  ``fetch`` must therefore be a plain function that touches no Qt widget.  An exception in
    ``fetch`` is logged and passed to ``failed`` when given.  ``join`` is for tests; nothing else waits.
    """

    def __init__(
        self,
        owner: QObject,
        fetch: Callable[[], Any],
        deliver: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
        name: str = "lookup",
    ) -> None:
        self._owner = owner
        self._deliver, self._failed = deliver, failed
        self._thread = threading.Thread(
            target=_fetch_and_post, args=(fetch, _the_relay(), weakref.ref(self)), name=name, daemon=True
        )
        self._thread.start()

    def join(self, timeout: float = 10.0) -> None:
        self._thread.join(timeout)

    def _hand_over(self, ok: bool, value: Any) -> None:
        receiver = self._deliver if ok else self._failed
        if receiver is None:
            return
        if not shiboken6.isValid(self._owner):
            log.debug("look-up finished after its dialog closed")
            return
        receiver(value)


def _fetch_and_post(fetch: Callable[[], Any], relay: GuiRelay, lookup: weakref.ref[Lookup]) -> None:
    try:
        value, ok = fetch(), True
    except Exception as exc:
        log.exception("background look-up failed")
        value, ok = exc, False
    relay.delivered.emit(lambda: _arrived(lookup, ok, value))


def _arrived(lookup: weakref.ref[Lookup], ok: bool, value: Any) -> None:
    """On the GUI thread."""
    target = lookup()
    if target is not None:
        target._hand_over(ok, value)
