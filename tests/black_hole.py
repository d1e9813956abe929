"""A TCP proxy between a counter and the private PostgreSQL cluster that can become a black hole.

A pulled cable on Windows (which ignores libpq's keepalive settings), or a NAT/VPN box that still
acknowledges packets, leaves a connection that neither fails nor answers.  :class:`BlackHoleProxy`
reproduces that on 127.0.0.1: it forwards until :meth:`~BlackHoleProxy.swallow`, then keeps every
connection open and acknowledged and forwards nothing.  Shared by the database tests
(``tests/db/test_black_hole.py``) and the desk's responsiveness test (``tests/ui/test_never_freezes.py``).
"""

from __future__ import annotations

import contextlib
import socket
import threading


class BlackHoleProxy:
    """Forwards 127.0.0.1:<port> to the server until :meth:`swallow`; then keeps every connection open
    and forwards nothing, in either direction, and accepts new ones that go nowhere."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.swallowing = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True, name="proxy-accept").start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._sockets.append(client)
            if self.swallowing.is_set():
                continue  # accepted (the TCP handshake completes) and never answered
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._sockets.append(upstream)
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        while not self._closed.is_set():
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            if self.swallowing.is_set():
                continue  # read (so the sender's kernel sees its packets acknowledged) and dropped
            try:
                target.sendall(data)
            except OSError:
                return

    def swallow(self) -> None:
        self.swallowing.set()

    def heal(self) -> None:
        """The partition ends: what the stations send reaches the server again, and every connection
        that lived through the black hole is reset (its bytes were lost half-way, as a server that
        kept no state for it would answer), so new connections are forwarded from here on."""
        self.swallowing.clear()
        stale, self._sockets = self._sockets, []
        for sock in stale:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
        for sock in self._sockets:
            sock.close()
