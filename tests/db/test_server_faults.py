"""Telling "the server cannot be reached" from "the server refuses this station", from real driver errors.

The connection failures are produced by psycopg against the session's private cluster (and a port where
nothing listens); the errors a statement raises carry their SQLSTATE; the Chinese texts are the server's
own translations (``postgres-15.mo``) as a server with ``lc_messages = zh_CN`` sends them.
"""

from __future__ import annotations

import gettext
import glob
import socket
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError as SaOperationalError

from db.migrate import DatabaseUnopenable
from db.server_faults import (
    NO_DATABASE,
    NO_RIGHTS,
    WRONG_STATION_LOGIN,
    ServerFault,
    ServerRefusesStation,
    ServerUnreachable,
    Verdict,
    classify,
    server_problem,
)
from fever_desk.i18n import set_language

pytestmark = pytest.mark.postgresql

ROLE, PASSWORD = "fault_desk", "right-password"
REFUSED_LOGIN = Verdict(ServerFault.REFUSED, WRONG_STATION_LOGIN)
UNREACHABLE = Verdict(ServerFault.UNREACHABLE)


@pytest.fixture(scope="module")
def server(pg_cluster):
    """The session cluster with one password-checked role (its own pg_hba lines come first) and a
    database that role may not use; other tests' trusted ``postgres`` logins are untouched."""
    hba = pg_cluster.data / "pg_hba.conf"
    current = hba.read_text()
    if ROLE not in current:
        lines = f"host all {ROLE} 127.0.0.1/32 scram-sha-256\nhost all {ROLE} ::1/128 scram-sha-256\n"
        hba.write_text(lines + current)
    pg_cluster._admin(
        f"DROP DATABASE IF EXISTS {ROLE}_closed",
        f"DROP ROLE IF EXISTS {ROLE}",
        f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'",
        f"CREATE DATABASE {ROLE}_closed",
        f"REVOKE CONNECT ON DATABASE {ROLE}_closed FROM PUBLIC",
        "SELECT pg_reload_conf()",
    )
    return pg_cluster


def connection_error(**params: object) -> psycopg.Error:
    try:
        psycopg.connect(host="127.0.0.1", connect_timeout=3, **params).close()
    except psycopg.Error as exc:
        return exc
    raise AssertionError(f"connected with {params}")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # free again once closed: nothing listens there


def statement_error(server, sql: str, user: str = "postgres") -> psycopg.Error:
    password = PASSWORD if user == ROLE else None
    with psycopg.connect(
        host="127.0.0.1", port=server.port, user=user, password=password, dbname="postgres"
    ) as conn:
        try:
            conn.execute(sql)  # type: ignore[arg-type]
        except psycopg.Error as exc:
            return exc
    raise AssertionError(f"{sql} succeeded")


# (what happened, how to make its error, the verdict a nurse's message depends on)
REAL_CASES: list[tuple[str, Callable[[object], BaseException], Verdict | None]] = [
    ("wrong database password in the URL",
     lambda s: connection_error(port=s.port, user=ROLE, password="wrong", dbname="postgres"), REFUSED_LOGIN),
    ("no password where one is needed",
     lambda s: connection_error(port=s.port, user=ROLE, password="", dbname="postgres"), REFUSED_LOGIN),
    ("unknown database role", lambda s: connection_error(port=s.port, user="ghost", dbname="postgres"),
     REFUSED_LOGIN),
    ("missing database", lambda s: connection_error(port=s.port, user="postgres", dbname="no_such_db"),
     Verdict(ServerFault.REFUSED, NO_DATABASE)),
    ("no CONNECT right on the database",
     lambda s: connection_error(port=s.port, user=ROLE, password=PASSWORD, dbname=f"{ROLE}_closed"),
     Verdict(ServerFault.REFUSED, NO_RIGHTS)),
    ("nothing listens (a stopped server)",
     lambda s: connection_error(port=closed_port(), user="postgres", dbname="postgres"), UNREACHABLE),
    ("a role without rights on a table (42501)",
     lambda s: statement_error(s, "SELECT * FROM pg_authid", user=ROLE),
     Verdict(ServerFault.REFUSED, NO_RIGHTS)),
    ("statement timeout: a server stuck behind a lock (57014)",
     lambda s: statement_error(s, "SET statement_timeout = 10; SELECT pg_sleep(1)"), UNREACHABLE),
    ("a bad statement is no server fault", lambda s: statement_error(s, "SELECT * FROM no_such_table"), None),
    ("a division by zero is no server fault", lambda s: statement_error(s, "SELECT 1/0"), None),
]  # fmt: skip


@pytest.mark.parametrize(("case", "make", "expected"), REAL_CASES, ids=[c[0] for c in REAL_CASES])
def test_real_driver_errors(server, case: str, make, expected: Verdict | None) -> None:
    error = make(server)
    assert classify(error) == expected, f"{case}: {error}"


def test_the_same_errors_wrapped_by_sqlalchemy_and_by_the_migration_check(server) -> None:
    """The desk meets them as SQLAlchemy's OperationalError, or as the DatabaseUnopenable that opening a
    database raises from it: the verdict must come through both."""
    url = f"postgresql+psycopg://{ROLE}:wrong@127.0.0.1:{server.port}/postgres?connect_timeout=3"
    engine = create_engine(url)
    try:
        with pytest.raises(SaOperationalError) as caught, engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    assert classify(caught.value) == REFUSED_LOGIN
    try:
        raise DatabaseUnopenable(path="server", detail="x") from caught.value
    except DatabaseUnopenable as wrapped:
        assert classify(wrapped) == REFUSED_LOGIN


def _zh_server_text(*messages: str) -> str:
    """What a server with ``lc_messages = zh_CN`` sends, from its own catalogue."""
    found = glob.glob("/usr/share/locale/zh_CN/LC_MESSAGES/postgres-*.mo")
    if not found:
        pytest.skip("PostgreSQL's zh_CN message catalogue is not installed (apt-get install postgresql)")
    with Path(found[0]).open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    fatal = catalogue.gettext("FATAL")
    said = catalogue.gettext(messages[0]) % messages[1:]
    return f'connection failed: connection to server at "10.0.0.5", port 5432 failed: {fatal}:  {said}'


ZH_CASES = [
    (('password authentication failed for user "%s"', "desk"), REFUSED_LOGIN),
    (('role "%s" does not exist', "desk"), REFUSED_LOGIN),
    (('no pg_hba.conf entry for host "%s", user "%s", database "%s", %s', "10.0.0.9", "desk", "fd", "no SSL"),
     REFUSED_LOGIN),
    (('database "%s" does not exist', "fever_desk"), Verdict(ServerFault.REFUSED, NO_DATABASE)),
    (('permission denied for database "%s"', "fever_desk"), Verdict(ServerFault.REFUSED, NO_RIGHTS)),
    (("the database system is starting up",), UNREACHABLE),
    (("the database system is shutting down",), UNREACHABLE),
    (("sorry, too many clients already",), UNREACHABLE),
]  # fmt: skip


@pytest.mark.parametrize(("message", "expected"), ZH_CASES, ids=[c[0][0][:30] for c in ZH_CASES])
def test_a_chinese_server_says_the_same(message: tuple[str, ...], expected: Verdict) -> None:
    error = psycopg.OperationalError(_zh_server_text(*message))
    assert classify(error) == expected


SQLSTATE_CASES = [
    ("28P01", REFUSED_LOGIN),
    ("28000", REFUSED_LOGIN),
    ("3D000", Verdict(ServerFault.REFUSED, NO_DATABASE)),
    ("42501", Verdict(ServerFault.REFUSED, NO_RIGHTS)),
    ("57P01", UNREACHABLE),  # admin shutdown: the server is going away
    ("57P03", UNREACHABLE),  # cannot connect now (starting)
    ("53300", UNREACHABLE),  # too many connections: passes with time
    ("08006", UNREACHABLE),  # connection failure
    ("23505", None),  # unique violation: a statement's problem
    ("42P01", None),  # undefined table: a schema problem, described as before
]


@pytest.mark.parametrize(("sqlstate", "expected"), SQLSTATE_CASES, ids=[c[0] for c in SQLSTATE_CASES])
def test_psycopg_error_classes_by_sqlstate(sqlstate: str, expected: Verdict | None) -> None:
    error = errors.lookup(sqlstate)("from the server")
    assert error.sqlstate == sqlstate
    assert classify(error) == expected


def test_libpq_words_and_the_deadline_are_unreachable() -> None:
    for said in (
        'connection to server at "10.0.0.5", port 5432 failed: timeout expired',
        "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally",
        'could not translate host name "clinic-server" to address: Name or service not known',
        'connection to server at "10.0.0.5", port 5432 failed: No route to host',
    ):
        assert classify(psycopg.OperationalError(said)) == UNREACHABLE, said
    assert classify(ConnectionError("the clinic server did not answer within 6 s")) == UNREACHABLE
    assert classify(ValueError("not a server problem")) is None


def test_the_messages_say_what_to_do_in_the_nurses_language() -> None:
    refused = server_problem(errors.lookup("28P01")("x"))
    unreachable = server_problem(psycopg.OperationalError("timeout expired"))
    assert isinstance(refused, ServerRefusesStation) and isinstance(unreachable, ServerUnreachable)
    set_language("zh_CN")
    assert "信息科" in refused.localized() and "网线" in unreachable.localized()
    set_language("en")
    try:
        assert "clinic IT" in refused.localized() and "not accepted" in refused.localized()
        assert "network cable" in unreachable.localized()
    finally:
        set_language("zh_CN")
