"""The report cards' 2-hour clock on the desk: due, warning, overdue with an injected clock, the nurse who
sees it but may not open a card, the clock while the shared server is unreachable, and the strip in the
station's own window (F12, Enter)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from fever_desk.accounts import Role
from fever_desk.i18n import tr
from fever_desk.model import Disposition
from tests.db.factories import make_screening
from tests.ui.cards.support import (
    DIAGNOSED,
    DOCTOR,
    NURSE,
    Clock,
    log_in_as,
    make_desk,
    message_box,
    on_worker,
    stored,
    strip_lines,
    suspected_card,
)
from ui.desk.report_cards import cards_api as api
from ui.desk.station import Station
from ui.services import report_cards as service
from ui.services.screening import save_screening


# ---- the clock ------------------------------------------------------------------------------------------
def test_the_clock_goes_from_due_to_warning_to_overdue_and_leaves_when_reported(
    qtbot, station: Station
) -> None:
    clock = Clock(DIAGNOSED + timedelta(minutes=10))
    card = suspected_card(qtbot, station)
    desk = make_desk(qtbot, station, clock)
    desk.start()
    qtbot.waitUntil(lambda: bool(desk.clock.rows), timeout=5000)
    assert desk.strip.isVisible()
    (line,) = strip_lines(desk)
    assert card.number in line[0] and "王小明" in line[0] and "110" in line[0] and line[1] == "due"
    clock.moment = DIAGNOSED + timedelta(minutes=95)
    desk.clock.tick()
    qtbot.waitUntil(lambda: strip_lines(desk)[0][1] == "warning", timeout=5000)
    assert "25" in strip_lines(desk)[0][0]
    assert "#fff4d6" in desk.strip.styleSheet()
    clock.moment = DIAGNOSED + timedelta(minutes=125)
    desk.clock.timer.timeout.emit()  # what the QTimer does every 20 s
    qtbot.waitUntil(lambda: strip_lines(desk)[0][1] == "overdue", timeout=5000)
    text = strip_lines(desk)[0][0]
    assert "5" in text and text == tr(
        "{card}: overdue by {minutes} min", card=f"{card.number}  王小明", minutes=5
    )
    assert "#b00020" in desk.strip.styleSheet()
    item = desk.strip.list.item(0)
    assert item.background().color().name() == "#fde7ea" and item.foreground().color().name() == "#b00020"
    # Completed and marked reported (by the service, as another counter would): gone from the clock.
    values = {**api.doctor_values(card), "occupation": "student", "belongs": "same_county"}
    values.update({level: values[level] or level for level in ("province", "city", "county", "township")})
    station_values = api.station_of(station.settings)
    on_worker(qtbot, station, lambda ctx: api.complete(ctx, card.id, values, clock.moment, station_values))
    on_worker(qtbot, station, lambda ctx: service.mark_reported(ctx, card.id, "4301-0001", now=clock.moment))
    desk.clock.tick()
    qtbot.waitUntil(lambda: not desk.clock.rows, timeout=5000)
    assert desk.strip.isVisible() and not desk.strip.list.isVisible()  # the clock stays, saying so
    assert desk.strip.title.text() == tr("Report cards within 2 hours: none waiting to be reported.")
    assert "#fde7ea" not in desk.strip.styleSheet()
    desk.stop()


def test_with_the_shared_server_unreachable_the_clock_counts_down_what_it_last_read(
    qtbot, station: Station
) -> None:
    """Offline (``ctx.store``'s link down) the clock asks no server, so the nurse's saves are not held
    behind a query every 20 s; the cards it last read go on counting down.  Back online, it also makes the
    card of a suspected save that reached the server from an outbox without one (``catch_up_cards``)."""
    from types import SimpleNamespace

    clock = Clock(DIAGNOSED + timedelta(minutes=10))
    card = suspected_card(qtbot, station)
    desk = make_desk(qtbot, station, clock)
    desk.start()
    qtbot.waitUntil(lambda: bool(desk.clock.rows), timeout=5000)

    def server(online: bool | None) -> None:
        def attach(ctx: Any) -> None:
            from db.transactions import unit_of_work

            store = SimpleNamespace(
                link=SimpleNamespace(online=online),
                unit_of_work=lambda: unit_of_work(ctx.handle.session_factory),
            )
            ctx.store = None if online is None else store

        on_worker(qtbot, station, attach)

    def reading() -> list[tuple[str, str]]:
        desk.clock.tick()
        qtbot.waitUntil(lambda: not desk.clock.asking, timeout=5000)
        return strip_lines(desk)

    try:
        server(False)
        clock.moment = DIAGNOSED + timedelta(minutes=95)
        assert [level for _text, level in reading()] == ["warning"]
        server(None)  # SQLite has no store: the card is marked reported (as at another counter)
        values = {**api.doctor_values(card), "occupation": "student", "belongs": "same_county"}
        values.update({level: values[level] or level for level in ("province", "city", "county", "township")})
        station_values = api.station_of(station.settings)
        on_worker(
            qtbot, station, lambda ctx: api.complete(ctx, card.id, values, clock.moment, station_values)
        )
        on_worker(
            qtbot, station, lambda ctx: service.mark_reported(ctx, card.id, "4301-0001", now=clock.moment)
        )
        server(False)
        clock.moment = DIAGNOSED + timedelta(minutes=125)
        assert [level for _text, level in reading()] == ["overdue"]  # not asked: still the last reading
        server(True)
        assert reading() == []  # back online: read again, nothing waits
        # A suspected save that reached the server from an outbox, without its card: the desk makes it.
        replayed = make_screening(
            "钱七", created_at=clock.moment, disposition=Disposition.SUSPECTED, celsius=38.7
        )
        on_worker(qtbot, station, lambda ctx: ctx.screenings.add(replayed))
        desk.clock.catch_up_every_s = 0
        assert [row.name for row in desk.clock.rows] == []
        desk.clock.tick()
        qtbot.waitUntil(lambda: [row.name for row in desk.clock.rows] == ["钱七"], timeout=5000)
        (made,) = on_worker(qtbot, station, lambda ctx: service.cards_of_day(ctx, clock.moment.date())[1:])
        assert made.screening_id == replayed.id and made.diagnosed_at == clock.moment
    finally:
        server(None)  # the Database closes its store on teardown
        desk.stop()


def test_a_nurse_sees_the_clock_but_is_told_only_a_doctor_opens_a_card(qtbot, station: Station) -> None:
    log_in_as(qtbot, station, NURSE, Role.NURSE)
    card = suspected_card(qtbot, station)
    desk = make_desk(qtbot, station, Clock(DIAGNOSED + timedelta(minutes=1)))
    desk.start()
    qtbot.waitUntil(lambda: bool(desk.clock.rows), timeout=5000)
    assert desk.strip.focus_list()
    QTest.keyClick(desk.strip.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: message_box() is not None, timeout=5000)
    box = message_box()
    assert box is not None and box.text() == tr(
        "Only a doctor or an administrator can open a report card; ask the doctor to log in."
    )
    assert desk.editor is None
    box.accept()
    assert stored(qtbot, station, card.id).completed_at is None
    desk.stop()


# ---- in the station's window ----------------------------------------------------------------------------
def test_the_window_shows_the_clock_above_the_tabs_and_f6_then_enter_opens_the_card(qtbot, desk) -> None:
    """The whole window (``tests/ui/conftest.desk``): a suspected save made through the station appears
    on the strip; F12 takes the keyboard there and Enter opens the card for the doctor."""
    window = desk.window
    station = window.station
    on_worker(
        qtbot, station, lambda ctx: ctx.accounts.add(DOCTOR, "correct horse", Role.DOCTOR, must_change=False)
    )
    log_in_as(qtbot, station, DOCTOR, Role.DOCTOR)
    window.apply_operator(station.operator)
    assert window._outer.indexOf(window.cards.strip) < window._outer.indexOf(window.tabs)
    assert window.cards.menu.menuAction() in window.menuBar().actions()
    qtbot.waitUntil(lambda: window.cards.strip.isVisible(), timeout=10000)  # always there, nothing waiting
    assert not window.cards.strip.list.isVisible()
    now = datetime.now().astimezone()
    screening = make_screening("李四", created_at=now, disposition=Disposition.SUSPECTED, celsius=38.9)
    station.perform(lambda ctx: save_screening(ctx, screening))
    qtbot.waitUntil(lambda: window.cards.strip.list.isVisible(), timeout=10000)
    (line,) = strip_lines(window.cards)
    assert "李四" in line[0] and line[1] == "due"
    window.activateWindow()
    window.form.name.setFocus()
    QTest.keyClick(window.form.name, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.cards.strip.list, timeout=5000)
    QTest.keyClick(window.cards.strip.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.cards.editor is not None and window.cards.editor.isVisible(), timeout=5000)
    assert window.cards.editor.card.name == "李四"
    window.cards.editor.done(0)
