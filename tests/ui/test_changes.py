"""Operations say what they changed, the station broadcasts it, and each screen refreshes itself.

The broadcast and today's list are tested here without any window (a Station, its real worker on a file
SQLite, a bare list widget); the last test puts the real desk and the status-bar glance side by side
*without* a main window and saves a patient from the keyboard: both follow by themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from fever_desk.settings import Settings, save_settings
from tests.db.factories import make_screening
from tests.fever_desk import pharmacy_cases
from ui.desk.runtime.workers import Worker
from ui.desk.station import Station
from ui.desk.widgets.day_list import DayListLoader
from ui.services import screening as operations
from ui.services.changes import NOTHING, Changes, changes_of
from ui.services.database import Database
from ui.services.pharmacy import SaveResult
from ui.services.problems import describe_error
from ui.services.reports import Generated

Key = Qt.Key


@pytest.fixture
def station(qtbot, tmp_path: Path) -> Iterator[Station]:
    settings = Settings(station_id="desk-1", station_name="城关镇卫生院预检分诊台", operator="李护士")
    path = tmp_path / "config" / "settings.json"
    save_settings(settings, path)
    worker: Worker[Database] = Worker(lambda: Database(f"sqlite:///{tmp_path / 'desk.sqlite3'}"))
    station = Station(settings, path, worker, describe_error)
    worker.start()
    qtbot.waitUntil(lambda: station.db_ready, timeout=20000)
    try:
        yield station
    finally:
        worker.stop()


def on_worker(qtbot, station: Station, fn: Callable[[Any], Any]) -> Any:
    box: list[Any] = []
    station.worker.submit(fn, box.append, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10000)
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def broadcasts(station: Station) -> list[tuple[Changes, object]]:
    heard: list[tuple[Changes, object]] = []
    station.changed.connect(lambda changes, initiator: heard.append((changes, initiator)))
    return heard


# ---- what a result says ---------------------------------------------------------------------------
def test_each_result_says_what_it_changed() -> None:
    screening = make_screening()
    purchase = pharmacy_cases.purchase()
    assert changes_of(screening) == Changes(screenings=True, records=(screening,))
    assert changes_of(purchase) == Changes(purchases=True, records=(purchase,))
    assert changes_of(SaveResult(purchase, [])) == Changes(purchases=True, records=(purchase,))
    assert changes_of(SaveResult(None, [])) == NOTHING  # stopped at a repeat: nothing written
    assert changes_of(Generated(revision=object(), created=True)).reports  # type: ignore[arg-type]
    assert not changes_of(Generated(revision=object(), created=False))  # type: ignore[arg-type]
    assert changes_of([screening]) == NOTHING and changes_of(None) == NOTHING  # reads change nothing
    both = Changes(screenings=True, records=(screening,)) | Changes(followups=True)
    assert both.screenings and both.followups and both.records == (screening,) and both.figures
    assert not Changes(slips=True).figures and not NOTHING


# ---- the broadcast ---------------------------------------------------------------------------------
def test_a_save_is_broadcast_after_its_own_callback_with_the_stored_record(qtbot, station: Station) -> None:
    heard = broadcasts(station)
    order: list[str] = []
    station.changed.connect(lambda *_a: order.append("broadcast"))
    initiator = QObject()
    station.perform(
        lambda ctx: operations.save_screening(ctx, make_screening()),
        lambda _saved: order.append("callback"),
        initiator=initiator,
    )
    qtbot.waitUntil(lambda: bool(heard), timeout=10000)
    changes, by = heard[0]
    assert order == ["callback", "broadcast"] and by is initiator
    stored = on_worker(qtbot, station, lambda ctx: ctx.screenings.get(changes.records[0].id))
    assert changes.screenings and not changes.purchases and stored is not None


def test_failures_and_reads_are_not_broadcast(qtbot, station: Station) -> None:
    heard = broadcasts(station)
    failed: list[BaseException] = []

    def broken(_ctx: Any) -> None:
        raise RuntimeError("disk full")

    station.perform(broken, None, failed.append)
    station.perform(lambda ctx: ctx.screenings.counts(*operations.local_day_bounds(date.today())))
    done: list[bool] = []
    station.worker.submit(lambda _ctx: None, lambda _n: done.append(True))  # jobs run in order
    qtbot.waitUntil(lambda: bool(done) and bool(failed), timeout=10000)
    assert heard == []


def test_explicit_changes_are_broadcast_for_results_that_do_not_say(qtbot, station: Station) -> None:
    heard = broadcasts(station)
    station.perform(lambda _ctx: None, changes=Changes(users=True))
    qtbot.waitUntil(lambda: bool(heard), timeout=10000)
    assert heard[0][0] == Changes(users=True)


# ---- today's list, kept without reloading ----------------------------------------------------------
class BareList(QWidget):
    """Just what DayListLoader needs of a list widget, recording what it was asked to do."""

    search_changed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[list[Any]] = []
        self.inserted: list[Any] = []
        self.counts: list[Any] = []

    def set_rows(self, rows: Any) -> None:
        self.loads.append(list(rows))

    def set_counts(self, counts: Any) -> None:
        self.counts.append(counts)

    def upsert(self, record: Any, limit: int) -> None:
        self.inserted.append(record)


@pytest.fixture
def day_list(qtbot, station: Station) -> Iterator[tuple[DayListLoader, BareList]]:
    widget = BareList()
    qtbot.addWidget(widget)
    widget.show()
    loader = DayListLoader(
        station,
        widget,
        operations.load_day,
        count=operations.load_day_counts,
        record_type=type(make_screening()),
        screen=widget,
    )
    loader.live.timer.setInterval(20)  # type: ignore[union-attr]
    # Loaded when the database is ready, and again on the poller's first token (always "a change").
    qtbot.waitUntil(lambda: len(widget.loads) == 2, timeout=10000)
    yield loader, widget
    loader.live.timer.stop()  # type: ignore[union-attr]


def save(qtbot, station: Station, loader: DayListLoader, screening: Any) -> None:
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        station.perform(lambda ctx: operations.save_screening(ctx, screening))


def test_a_save_inserts_its_row_and_reads_only_the_figures(qtbot, station: Station, day_list) -> None:
    loader, widget = day_list
    for n in range(3):
        save(qtbot, station, loader, make_screening(f"病人{n}", created_at=None))
    assert widget.loads[-1] == []  # still the (empty) day as first loaded: the rows were inserted
    assert [s.person.name for s in widget.inserted] == ["病人0", "病人1", "病人2"]
    assert widget.counts[-1].screened == 3
    poller = loader.live
    assert poller is not None
    # Until the poller has seen all three rows (it may have before the last save's figures arrived, so
    # waiting for its token to change *after* this point could wait forever), then five more polls.
    qtbot.waitUntil(lambda: poller._token is not None and poller._token.rows == 3, timeout=30000)
    checks: list[object] = []
    answer = poller._checked
    poller._checked = lambda token: (checks.append(token), answer(token))  # type: ignore[method-assign]
    qtbot.waitUntil(lambda: len(checks) >= 5, timeout=30000)
    assert len(widget.loads) == 2  # the poller took this desk's own saves as seen: no reload


def test_another_counters_record_reloads_the_list(qtbot, station: Station, day_list) -> None:
    loader, widget = day_list
    save(qtbot, station, loader, make_screening("本台", created_at=None))
    elsewhere = make_screening("别的窗口", created_at=datetime.now().astimezone())
    on_worker(qtbot, station, lambda ctx: ctx.screenings.add(replace(elsewhere, station_id="desk-2")))
    qtbot.waitUntil(lambda: len(widget.loads) == 3, timeout=10000)
    assert {s.name for s in widget.loads[-1]} == {"本台", "别的窗口"}


def test_a_search_or_a_record_of_another_day_reloads_instead(qtbot, station: Station, day_list) -> None:
    loader, widget = day_list
    loader.search("王")
    qtbot.waitUntil(lambda: len(widget.loads) == 3, timeout=10000)
    save(qtbot, station, loader, make_screening("王五", created_at=None))
    qtbot.waitUntil(lambda: len(widget.loads) == 4, timeout=10000)
    assert widget.inserted == [] and [s.name for s in widget.loads[-1]] == ["王五"]
    loader.search("")
    qtbot.waitUntil(lambda: len(widget.loads) == 5, timeout=10000)
    loader.day = date.today() - timedelta(days=1)  # the list still shows yesterday: midnight has passed
    save(qtbot, station, loader, make_screening("赵六", created_at=None))
    qtbot.waitUntil(lambda: len(widget.loads) == 6, timeout=10000)
    assert widget.inserted == [] and [s.name for s in widget.loads[-1]] == ["赵六", "王五"]


# ---- the real screens, with no main window between them ----------------------------------------------
def test_a_save_on_the_desk_updates_the_glance_and_todays_list_without_a_main_window(
    qtbot, station: Station
) -> None:
    from ui.desk.reports.glance import ReportGlance
    from ui.desk.screening.desk import ScreeningDesk

    desk = ScreeningDesk(station)
    glance = ReportGlance(station)
    for widget in (desk, glance):
        qtbot.addWidget(widget)
        widget.show()
    qtbot.waitUntil(lambda: glance.glance is not None, timeout=10000)
    assert glance.glance.figures.screened == 0  # type: ignore[union-attr]
    reset: list[bool] = []
    desk.today.model.modelReset.connect(lambda: reset.append(True))
    desk.activateWindow()
    desk.form.name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.form.name, timeout=5000)
    for key_or_text in ("Wang Fang", Key.Key_Tab, Key.Key_2, Key.Key_Tab, "34", Key.Key_Tab, "13912345678"):
        focused = QApplication.focusWidget()
        if isinstance(key_or_text, str):
            QTest.keyClicks(focused, key_or_text)
        else:
            QTest.keyClick(focused, key_or_text)
    QTest.keyClick(QApplication.focusWidget(), Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), "38.1")
    QTest.keyClick(QApplication.focusWidget(), Key.Key_F8)
    with qtbot.waitSignal(glance.loaded, timeout=10000):
        QTest.keyClick(QApplication.focusWidget(), Key.Key_Return)
    assert glance.glance.figures.screened == 1 and glance.glance.figures.fever == 1  # type: ignore[union-attr]
    assert "1" in glance.label.text()
    qtbot.waitUntil(lambda: desk.today.model.rowCount() == 1, timeout=10000)
    shown = desk.today.model.data(desk.today.model.index(0, 1), Qt.ItemDataRole.DisplayRole)
    assert shown == "Wang Fang" and reset == []  # the row was inserted, the table not rebuilt
    qtbot.waitUntil(lambda: "1" in desk.today.counts_label.text(), timeout=10000)


def test_a_hidden_screen_refreshes_once_when_it_is_shown(qtbot, station: Station) -> None:
    from ui.desk.widgets.follow_changes import FollowChanges

    screen = QWidget()
    qtbot.addWidget(screen)
    refreshed: list[bool] = []
    FollowChanges(station, screen, lambda changes, _by: changes.purchases, lambda: refreshed.append(True))
    station.announce(Changes(purchases=True))
    station.announce(Changes(purchases=True))
    station.announce(Changes(screenings=True))  # not what this screen shows
    assert refreshed == []  # hidden: nothing asked of the database yet
    screen.show()
    qtbot.waitExposed(screen)
    assert refreshed == [True]  # once, however many changes it missed
    station.announce(Changes(screenings=True))
    station.announce(Changes(purchases=True))
    assert refreshed == [True, True]  # shown: at once


def test_a_purchase_is_inserted_into_the_register_without_rebuilding_it(qtbot, station: Station) -> None:
    from tests.ui.test_pharmacy_screen import fill_routine_purchaser, key
    from ui.desk.pharmacy.screen import PharmacyScreen

    screen = PharmacyScreen(station)
    qtbot.addWidget(screen)
    screen.resize(1200, 900)
    screen.show()
    qtbot.waitUntil(lambda: screen.day.day is not None, timeout=10000)  # the (empty) day is loaded
    model = screen.today.model
    reset: list[bool] = []
    model.modelReset.connect(lambda: reset.append(True))
    screen.activateWindow()
    screen.form.name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.form.name, timeout=5000)
    fill_routine_purchaser()
    with qtbot.waitSignal(screen.day_loaded, timeout=10000):  # the row and the day's figures
        key(Key.Key_Return)
    assert model.rowCount() == 1 and model.data(model.index(0, 1), Qt.ItemDataRole.DisplayRole) == "王建国"
    assert "1" in screen.today.counts.text() and reset == []
