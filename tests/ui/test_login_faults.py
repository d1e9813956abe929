"""The login dialog on a shared server tells three faults apart, typed into as a nurse would.

A private PostgreSQL cluster of this module's own (it is stopped here, and its ``pg_hba.conf`` asks the
counter's database role for a password; the session's shared cluster must not be touched like that):

* the nurse's own password is wrong → "wrong user name or password";
* the database URL's password is wrong, or its role lacks rights → "the server refuses this counter";
* the server is stopped → "the clinic server cannot be reached", and the dialog comes alive by itself
  once it is back.
Never a traceback or a driver's English in the dialog.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtTest import QTest

from db.server_faults import NO_RIGHTS, WRONG_STATION_LOGIN, ServerRefusesStation, ServerUnreachable
from fever_desk.accounts import Role
from fever_desk.i18n import tr
from fever_desk.settings import Settings
from ui.desk.admin.login_dialog import LOGIN, WAITING, LoginDialog
from ui.desk.runtime.workers import Worker
from ui.desk.station import Station
from ui.services.database import Database
from ui.services.problems import describe_error

COUNTER, COUNTER_PASSWORD = "counter", "counter-db-secret"
VISITOR = "visitor"  # may log in to the server, may read nothing
NURSE, NURSE_PASSWORD = "nurse.li", "correct horse"


@pytest.fixture(scope="module")
def server() -> Iterator[object]:
    from tests.pg import TEMPLATE, private_cluster

    with private_cluster() as cluster:
        hba = cluster.data / "pg_hba.conf"
        checked = "".join(
            f"host all {role} {net} scram-sha-256\n"
            for role in (COUNTER, VISITOR)
            for net in ("127.0.0.1/32", "::1/128")
        )
        hba.write_text(checked + hba.read_text())
        cluster._admin(
            f"CREATE ROLE {COUNTER} LOGIN SUPERUSER PASSWORD '{COUNTER_PASSWORD}'",
            f"CREATE ROLE {VISITOR} LOGIN PASSWORD '{COUNTER_PASSWORD}'",
            f"CREATE DATABASE fever_desk TEMPLATE {TEMPLATE}",
            "SELECT pg_reload_conf()",
        )
        from db import open_database
        from db.account_repository import SqlAccountRepository

        handle = open_database(url(cluster))
        try:
            accounts = SqlAccountRepository(handle.session_factory)
            accounts.add(NURSE, NURSE_PASSWORD, Role.NURSE, must_change=False)
        finally:
            handle.close()
        yield cluster


def url(cluster, *, user: str = COUNTER, password: str = COUNTER_PASSWORD) -> str:
    return f"postgresql+psycopg://{user}:{password}@127.0.0.1:{cluster.port}/fever_desk?connect_timeout=2"


@pytest.fixture
def up(server) -> Iterator[object]:
    if not server.running():
        server.start()
    yield server
    if not server.running():
        server.start()


def open_dialog(qtbot, tmp_path: Path, db_url: str) -> tuple[LoginDialog, Worker]:
    worker: Worker = Worker(lambda: Database(db_url))
    station = Station(Settings(station_id="desk-1"), tmp_path / "settings.json", worker, describe_error)
    # A role without rights fails already at opening (the migration check reads a table it may not):
    # the context fails then, and the dialog says why in the station's words.
    worker.start()
    qtbot.waitUntil(lambda: station.db_ready or bool(station.db_problem), timeout=30000)
    dialog = LoginDialog(station)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, worker


def no_traceback(text: str) -> None:
    for leak in ("Traceback", "OperationalError", "psycopg", "FATAL", COUNTER_PASSWORD):
        assert leak not in text, text


def test_a_wrong_password_of_the_nurse_is_wrong_password(qtbot, tmp_path: Path, up) -> None:
    dialog, worker = open_dialog(qtbot, tmp_path, url(up))
    try:
        qtbot.waitUntil(lambda: dialog.mode == LOGIN, timeout=20000)
        QTest.keyClicks(dialog.username, NURSE)
        QTest.keyClicks(dialog.password, "not the password")
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=20000)
        assert dialog.message.text() == tr("Wrong user name or password.")
        QTest.keyClicks(dialog.password, NURSE_PASSWORD)
        with qtbot.waitSignal(dialog.logged_in, timeout=20000):
            dialog.submit()
    finally:
        worker.stop()


@pytest.mark.parametrize(
    ("user", "password", "reason"),
    [(COUNTER, "a-wrong-db-password", WRONG_STATION_LOGIN), (VISITOR, COUNTER_PASSWORD, NO_RIGHTS)],
    ids=["wrong password in the URL", "role without rights"],
)
def test_a_station_the_server_refuses_is_told_so(qtbot, tmp_path: Path, up, user, password, reason) -> None:
    dialog, worker = open_dialog(qtbot, tmp_path, url(up, user=user, password=password))
    try:
        expected = ServerRefusesStation(detail=reason).localized()
        qtbot.waitUntil(lambda: expected in dialog.message.text(), timeout=20000)
        assert dialog.mode == WAITING and not dialog.ok.isEnabled()  # nobody logs in past a refusal
        no_traceback(dialog.message.text())
    finally:
        worker.stop()


def test_a_stopped_server_is_unreachable_and_the_dialog_recovers(qtbot, tmp_path: Path, up) -> None:
    up.stop("immediate")
    dialog, worker = open_dialog(qtbot, tmp_path, url(up))
    try:
        expected = ServerUnreachable().localized()
        qtbot.waitUntil(lambda: dialog.message.text() == expected, timeout=20000)
        no_traceback(dialog.message.text())
        assert dialog.mode == WAITING
        up.start()  # the cable is back: the dialog asks again by itself
        qtbot.waitUntil(lambda: dialog.mode == LOGIN, timeout=20000)
        up.stop("immediate")  # and gone again while the nurse types
        QTest.keyClicks(dialog.username, NURSE)
        QTest.keyClicks(dialog.password, NURSE_PASSWORD)
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.message.text() == expected, timeout=20000)
        assert dialog.ok.isEnabled()  # try again once it is back
        assert dialog.username.text() == NURSE  # what was typed is kept
    finally:
        worker.stop()
