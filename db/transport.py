"""Whether the connection to a PostgreSQL server may carry patients' data in plain text.

A counter that talks to the clinic server over the clinic's network (or worse, a VPN or the internet)
sends names, ID numbers and health answers with every save.  libpq's default, ``sslmode=prefer``,
silently falls back to plain text, and nobody at a counter would notice.  So the station refuses a
server that is not on this PC unless the URL says how to encrypt (``?sslmode=...``), and names the fix;
a URL that says ``sslmode=disable`` is plain text by choice and refused all the same.

"On this PC" means: no host (libpq's default Unix socket), a socket folder (``/var/run/postgresql``),
``localhost``, or a loopback address (127.0.0.0/8, ::1), for every host and ``hostaddr`` the URL names.
Only the URL counts here (not ``PGSSLMODE`` or a service file): the URL is what the clinic's IT writes
in the station's settings and what this check can show them.

With TLS but without checking the server's certificate (``require``), or with a mode that may still
fall back to plain text (``allow``, ``prefer``), the desk runs and its status bar says so.
``verify-ca`` / ``verify-full`` are the modes to aim for (see docs/clinic-server.md).
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import URL, make_url

from db.migrate import DatabaseProblem

VERIFYING = frozenset({"verify-ca", "verify-full"})
MAY_FALL_BACK = frozenset({"allow", "prefer"})


class Transport(StrEnum):
    NOT_A_SERVER = "not_a_server"  # SQLite: no network at all
    LOCAL = "local"  # the server is on this PC (socket or loopback)
    VERIFIED = "verified"  # TLS, and the server's certificate is checked
    UNVERIFIED = "unverified"  # TLS, but anyone in the middle could pose as the server
    MAY_BE_PLAIN = "may_be_plain"  # allow/prefer: plain text if the server offers no TLS
    PLAIN = "plain"  # refused: no sslmode in the URL, or sslmode=disable


class PlainTextTransport(DatabaseProblem):
    """A remote server without ``sslmode`` in the URL: the station does not connect."""

    template = (
        "The database server {host} is not on this computer and the connection would not be encrypted, "
        "so patients' data would cross the network readable. Add ?sslmode=require (better: "
        "?sslmode=verify-full with the server's certificate) to the end of the database URL."
    )


#: The status bar's note for each transport that is allowed but weaker than verify-full/verify-ca.
WARNINGS = {
    Transport.UNVERIFIED: "Server connection encrypted, but the server's identity is not checked "
    "(sslmode=require; use verify-full)",
    Transport.MAY_BE_PLAIN: "Server connection may be unencrypted (sslmode={mode}; use verify-full)",
}


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, tuple | list) else (value,)
    return [part.strip() for item in items for part in str(item).split(",")]


def _is_local(host: str) -> bool:
    if host.lower() in ("", "localhost", "localhost.") or host.startswith(("/", "@")):
        return True  # libpq's default socket, a socket folder, an abstract socket
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0]).is_loopback
    except ValueError:
        return False


def hosts_of(url: URL) -> list[str]:
    """Every host the connection may go to: the URL's host, and ``host``/``hostaddr`` in its query."""
    hosts = _values(url.host) + _values(url.query.get("host")) + _values(url.query.get("hostaddr"))
    return hosts or [""]


def sslmode_of(url: URL) -> str | None:
    modes = _values(url.query.get("sslmode"))
    return modes[-1].lower() if modes else None


def transport_of(url: str | URL) -> Transport:
    """How the connection to ``url`` travels (the decision; :func:`check_transport` enforces it)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return Transport.NOT_A_SERVER
    mode = sslmode_of(parsed)
    if mode in VERIFYING:
        return Transport.VERIFIED
    if all(_is_local(host) for host in hosts_of(parsed)):
        return Transport.LOCAL
    if mode is None or mode == "disable":
        return Transport.PLAIN
    if mode in MAY_FALL_BACK:
        return Transport.MAY_BE_PLAIN
    return Transport.UNVERIFIED  # require (an unknown word is refused by libpq itself)


def check_transport(url: str | URL) -> Transport:
    """Raise :class:`PlainTextTransport` for a plain-text connection to a remote server."""
    transport = transport_of(url)
    if transport is Transport.PLAIN:
        remote = [host for host in hosts_of(make_url(url)) if not _is_local(host)]
        raise PlainTextTransport(host=", ".join(remote))
    return transport


def transport_warning(url: str | URL) -> tuple[str, dict[str, str]] | None:
    """The status bar's note (an English template and its values, for ``tr``), or None when the
    connection is local, verified, or not to a server."""
    transport = transport_of(url)
    template = WARNINGS.get(transport)
    if template is None:
        return None
    return template, {"mode": sslmode_of(make_url(url)) or ""}
