"""A client-side deadline for calls to the clinic server: a black-holed connection is cut, not waited on.

libpq notices a dead server through TCP keepalives and ``tcp_user_timeout`` (``db.engine``), but Windows
ignores ``keepalives_idle``/``interval``/``count`` and has no ``tcp_user_timeout``, so a pulled cable
held a save for about a minute (the retransmission give-up) before the outbox took over.  And when
something in between still acknowledges packets (a NAT or VPN box, a dead server whose host still
answers), no TCP option helps at all.  Two application-level limits therefore work on every OS:

* ``statement_timeout`` (set per connection by :func:`statement_timeout_options`): a server that is
  alive but stuck (a lock held by another counter) answers within that time with an error;
* :class:`CallDeadline`: when a call still has no answer a little later, the server cannot answer, so
  every connection of the engine is *shut down* at the socket (``shutdown(SHUT_RDWR)`` on libpq's
  socket).  The waiting driver wakes up at once with "server closed the connection", a connection
  error, and the save goes to the outbox.  All of the engine's connections go, not just the one in use:
  they lead to the same unreachable server, and the pool's pre-ping (which runs before any checkout
  event) could otherwise hang on an idle one.  The pool replaces them when the server is back.

Calls made *outside* a watch (the reports, the operators list, an audit entry: plain repositories on
the same engine) get the same deadline, statement by statement: every round trip the driver makes
(execute, commit, rollback, the pool's pre-ping) runs under a watch of its own when no watch is active
on its thread.  Before, while the station still believed it was online, such a read on a black-holed
connection waited for as long as TCP let it — forever behind a NAT box that acknowledges packets — with
the nurse's next save queued behind it on the database worker.  A cut made there also tells the link
(``on_cut``), so the station goes offline and the replay thread starts probing at once.

While the station knows it is offline those calls would each wait a whole connect timeout for a server
already known to be gone, one after another on the database worker; :meth:`CallDeadline.
refuse_outside_calls_while` makes such a new connection fail at once instead, and leaves reconnecting
to the watched calls (the replay's probe, a save, a login), which decide when the server is back.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import socket
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

#: The dialect's round trips that a call outside any watch makes; each gets a watch of its own.
_ROUND_TRIPS = ("do_ping", "do_execute", "do_executemany", "do_execute_no_params", "do_commit", "do_rollback")
#: Server side: a statement that has not finished by then is cancelled by the server itself (ms).
STATEMENT_TIMEOUT_MS = 5_000
#: Client side: no answer by then means no server to answer (s); above the statement timeout, so a
#: live server always gets to say "timed out" itself first.
CALL_DEADLINE_S = 6.0


def statement_timeout_options(milliseconds: int = STATEMENT_TIMEOUT_MS) -> str:
    """libpq's ``options`` value that sets ``statement_timeout`` on every new connection."""
    return f"-c statement_timeout={int(milliseconds)}"


_BY_ENGINE: weakref.WeakKeyDictionary[Engine, CallDeadline] = weakref.WeakKeyDictionary()


def deadline_of(engine: Engine) -> CallDeadline | None:
    """The deadline watching ``engine``, if one does (``db.resilient.open_resilient`` makes it)."""
    return _BY_ENGINE.get(engine)


class CallDeadline:
    """Watches one engine's connections; :meth:`watch` cuts them all if a call outlives the deadline."""

    def __init__(self, engine: Engine, seconds: float = CALL_DEADLINE_S) -> None:
        self.seconds = seconds
        self.cuts = 0  # how many times the deadline fired (for the log and the tests)
        #: Called (on the timer's thread) after a cut: the server did not answer, whoever asked.
        self.on_cut: Callable[[], None] | None = None
        self._offline: Callable[[], bool] | None = None
        _BY_ENGINE[engine] = self
        self._lock = threading.Lock()
        self._live: dict[int, Any] = {}  # id(dbapi connection) -> connection, while it is open
        self._current = threading.local()  # the watch of this thread's call, if any
        event.listen(engine, "do_connect", self._connecting)
        event.listen(engine.pool, "connect", self._opened)
        for name in ("close", "close_detached", "invalidate"):
            event.listen(engine.pool, name, self._closed)
        for name in _ROUND_TRIPS:  # this engine's own dialect instance: other engines are untouched
            setattr(engine.dialect, name, self._bounded(getattr(engine.dialect, name)))

    def _bounded(self, round_trip: Callable[..., Any]) -> Callable[..., Any]:
        """``round_trip`` under a watch of its own unless the thread's call is already watched."""

        @functools.wraps(round_trip)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            if getattr(self._current, "watch", None) is not None:
                return round_trip(*args, **kwargs)
            with self.watch():
                return round_trip(*args, **kwargs)

        return bounded

    def _opened(self, dbapi_connection: Any, _record: Any) -> None:
        with self._lock:
            self._live[id(dbapi_connection)] = dbapi_connection

    def _closed(self, dbapi_connection: Any, *_args: Any) -> None:
        with self._lock:
            self._live.pop(id(dbapi_connection), None)

    def _connecting(self, *_args: Any) -> None:
        """After a cut, the pool would reconnect once inside the same call (the pre-ping's retry) and
        wait a whole connect timeout more for the same silent server: refuse that at once instead."""
        watch = getattr(self._current, "watch", None)
        if watch is not None and watch.is_set():
            raise ConnectionError(f"the clinic server did not answer within {self.seconds:.0f} s")
        if watch is None and self._offline is not None and self._offline():
            raise ConnectionError("the clinic server is unreachable (offline); not connecting outside a call")

    def refuse_outside_calls_while(self, offline: Callable[[], bool]) -> None:
        """While ``offline()`` is true, a new connection opened outside :meth:`watch` fails at once
        with a ``ConnectionError`` (see the module docstring)."""
        self._offline = offline

    @contextlib.contextmanager
    def watch(self) -> Iterator[None]:
        """Run the body under the deadline; the body then fails with the driver's connection error."""
        fired = threading.Event()
        timer = threading.Timer(self.seconds, self._cut, args=(fired,))
        timer.daemon = True
        timer.name = "server-call-deadline"
        outer, self._current.watch = getattr(self._current, "watch", None), fired
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            self._current.watch = outer

    def _cut(self, fired: threading.Event) -> None:
        fired.set()
        with self._lock:
            connections = list(self._live.values())
        self.cuts += 1
        log.warning(
            "clinic server silent for %.0f s: cutting %d connection(s)", self.seconds, len(connections)
        )
        if self.on_cut is not None:  # first: the woken caller's reconnect must already see "offline"
            self.on_cut()
        for connection in connections:
            _shut_down(connection)


def _shut_down(connection: Any) -> None:
    """``shutdown`` the connection's socket without closing the descriptor libpq still owns."""
    try:
        descriptor = connection.fileno()
    except Exception:  # noqa: BLE001 - already closed by the driver: nothing to cut
        return
    try:
        sock = socket.socket(fileno=descriptor)
    except OSError:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # not connected any more
    finally:
        sock.detach()  # the descriptor stays libpq's: it closes it when it notices
