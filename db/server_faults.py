"""Why the clinic server said no: "cannot be reached" and "refuses this station" told apart.

A counter on a shared PostgreSQL server can fail to log anybody in for three very different reasons,
and each needs a different person to act:

* the nurse's own user name or password is wrong (the account check said no: ``fever_desk.accounts``,
  not handled here) — the nurse types again;
* the server cannot be reached (connection refused, no route, a timeout, a black hole cut by
  ``db.deadline``, a server starting up or shutting down) — check the cable, wait, then call IT;
* the server answers but refuses this station (the database URL's own user or password is wrong,
  ``pg_hba.conf`` has no line for this PC, the database does not exist, the role lacks rights) — only
  clinic IT can fix that, and waiting changes nothing.

:func:`classify` tells them apart from the driver's error.  Errors raised by a statement carry their
SQLSTATE (``28P01``, ``28000``, ``3D000``, ``42501`` …).  A failed *connection attempt* does not:
libpq keeps the server's error fields to itself and psycopg reports ``sqlstate = None`` with libpq's
text.  There the text decides, in the narrowest way that works: whether the server itself answered
(its severity word, ``FATAL`` or a translation of it, after libpq's "failed:"), then which refusal
(the server's standard English phrases, and the zh_CN ones of a server whose ``lc_messages`` is
Chinese).  A server that answered with something unknown still counts as "refuses": it is there, so
the cable is not the problem.  The function is pure (duck-typed on ``sqlstate``, ``orig`` and the
cause chain), so it is tested table-driven with real psycopg errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from db.migrate import DatabaseProblem


class ServerFault(StrEnum):
    UNREACHABLE = "unreachable"
    REFUSED = "refused"


#: Why a server refuses, as English source phrases for ``tr`` (the ``detail`` of the message).
WRONG_STATION_LOGIN = "the database user name or password this counter uses is not accepted"
NO_DATABASE = "the database named in this counter's connection does not exist"
NO_RIGHTS = "the database user of this counter lacks the rights it needs"
OTHER_REFUSAL = "the server refused the connection"


@dataclass(frozen=True)
class Verdict:
    fault: ServerFault
    reason: str = ""  # one of the phrases above, for REFUSED


UNREACHABLE = Verdict(ServerFault.UNREACHABLE)

#: SQLSTATE → verdict.  Classes 08 (connection exception) and 57P (operator intervention: the server
#: shutting down or starting) are "unreachable"; 53300 (too many connections) and 57014 (the statement
#: timeout of ``db.deadline``: a server stuck behind a lock) pass with time, so they are too.
_BY_SQLSTATE: dict[str, Verdict] = {
    "28000": Verdict(ServerFault.REFUSED, WRONG_STATION_LOGIN),  # invalid authorization (no hba line)
    "28P01": Verdict(ServerFault.REFUSED, WRONG_STATION_LOGIN),  # invalid password
    "3D000": Verdict(ServerFault.REFUSED, NO_DATABASE),
    "42501": Verdict(ServerFault.REFUSED, NO_RIGHTS),
    "53300": UNREACHABLE,
    "57014": UNREACHABLE,
}
_UNREACHABLE_CLASSES = ("08", "57P")

#: A connection attempt's text: libpq says "... failed: " then either its own words (no server
#: answered) or the server's message, which starts with its severity.
_SERVER_ANSWERED = re.compile(
    r"(?:^|failed:\s*)(FATAL|PANIC|ERROR|致命错误|错误|严重错误)[:：]", re.MULTILINE
)
#: The server's own refusals, English and zh_CN (``lc_messages``), → verdict; first match wins.
_PHRASES: tuple[tuple[re.Pattern[str], Verdict], ...] = (
    (re.compile(r"starting up|shutting down|in recovery mode|not yet accepting connections|too many clients"
                r"|启动中|停止中|恢复模式|太多的客户"),
     UNREACHABLE),
    (re.compile(r"password authentication failed|no pg_hba\.conf entry|role \S+ does not exist"
                r"|authentication failed|认证失败|没有用于主机|角色 \S+ 不存在"),
     Verdict(ServerFault.REFUSED, WRONG_STATION_LOGIN)),
    (re.compile(r"database \S+ does not exist|数据库 \S+ 不存在"), Verdict(ServerFault.REFUSED, NO_DATABASE)),
    (re.compile(r"permission denied|权限不够|没有.*权限"), Verdict(ServerFault.REFUSED, NO_RIGHTS)),
)  # fmt: skip


def _chain(error: BaseException) -> list[BaseException]:
    """The error, the driver error SQLAlchemy wraps (``orig``), and their causes, without loops."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop(0)
        if current is None or any(current is known for known in seen):
            continue
        seen.append(current)
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]
    return seen


#: libpq's own words when the server did answer and asked for what this station cannot give.
_CLIENT_AUTH = re.compile(
    r"fe_sendauth|no password supplied|server requested \S+ authentication|channel binding"
)


def _from_text(message: str) -> Verdict:
    if _CLIENT_AUTH.search(message):
        return Verdict(ServerFault.REFUSED, WRONG_STATION_LOGIN)
    answered = _SERVER_ANSWERED.search(message)
    if answered is None:
        return UNREACHABLE  # libpq's own words: refused, timeout, no route, closed unexpectedly
    said = message[answered.start() :]
    for pattern, verdict in _PHRASES:
        if pattern.search(said):
            return verdict
    return Verdict(ServerFault.REFUSED, OTHER_REFUSAL)


def classify(error: BaseException) -> Verdict | None:
    """The server fault behind ``error``, or None when it is not about reaching the server at all (a
    bad statement, a damaged file, a bug): the caller then describes it as it always did."""
    chain = _chain(error)
    for link in chain:
        state = getattr(link, "sqlstate", None)
        if isinstance(state, str) and state:
            if state in _BY_SQLSTATE:
                return _BY_SQLSTATE[state]
            if state.startswith(_UNREACHABLE_CLASSES):
                return UNREACHABLE
            if state.startswith("28"):
                return Verdict(ServerFault.REFUSED, WRONG_STATION_LOGIN)
    for link in chain:
        if _is_driver_connection_error(link):
            return _from_text(str(link))
        if isinstance(link, (ConnectionError, TimeoutError)):
            return UNREACHABLE  # the deadline's refusal to reconnect, a socket timeout
    return None


def _is_driver_connection_error(error: BaseException) -> bool:
    """psycopg's (or psycopg2's) OperationalError / InterfaceError without a SQLSTATE: a connection
    that failed or broke.  Matched by module and name, so this module needs no driver installed."""
    kind = type(error)
    driver = kind.__module__.split(".", 1)[0]
    names = {base.__name__ for base in kind.__mro__}
    return driver in ("psycopg", "psycopg2") and bool(names & {"OperationalError", "InterfaceError"})


class ServerUnreachable(DatabaseProblem):
    template = (
        "The clinic server cannot be reached. Check that this computer's network cable is plugged in "
        "and that the server is switched on; if it stays like this, call clinic IT. The desk keeps "
        "trying by itself."
    )


class ServerRefusesStation(DatabaseProblem):
    template = (
        "The clinic server refuses this counter: {detail}. Your own password is not the problem; "
        "call clinic IT to correct the counter's database connection."
    )


def server_problem(error: BaseException) -> DatabaseProblem | None:
    """The message for a nurse when ``error`` is a server fault (see :func:`classify`), else None."""
    verdict = classify(error)
    if verdict is None:
        return None
    if verdict.fault is ServerFault.UNREACHABLE:
        return ServerUnreachable()
    return ServerRefusesStation(detail=verdict.reason)
