"""What the nurse sees when a result, a slip print or the daily report is kept on this counter.

The real desk (``ui.desk.app.build_window``) on a private PostgreSQL cluster, started while the server is
there (so the desk has seen the day, as at the start of a shift), then the server goes away
(``pg_ctl -m immediate``) and the nurse goes on working through the desk's own widgets:

* the follow-up dialog's save closes the dialog and the window's status bar says the result is saved on
  this counter;
* the slip panel prints (Ctrl+P) and adds, after "Printed at …", that the print record is kept on this
  counter;
* the Reports screen's "Generate" files nothing and marks the day provisional (临时报告).

Each then reaches the server once it is back, with its audit entry, and the note goes away where it is a
state (the report) rather than an event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from fever_desk.reporting import FollowupResult
from fever_desk.settings import Settings
from tests.db.factories import make_screening
from tests.db.test_offline import server, up  # noqa: F401 - the module's own cluster and "running" fixture
from tests.fever_desk import slip_cases
from tests.ui.conftest import Desk, running_desk
from ui.desk.screening.followup_dialog import FollowupDialog
from ui.desk.slips.printing import pdf_printer
from ui.services import screening as operations

CONNECTED = "服务器：已连接"


@pytest.fixture
def desk_on_server(qtbot, tmp_path: Path, desk_settings: Settings, up: Any, monkeypatch) -> Iterator[Desk]:  # noqa: F811
    """The real desk on the shared server, started while the server is there."""
    monkeypatch.setenv("FEVER_DESK_DATA", str(tmp_path / "data"))
    url = up.fresh_database("notes")
    settings_path = tmp_path / "config" / "settings.json"
    with running_desk(qtbot, url, desk_settings, settings_path, tmp_path / "unused.sqlite3", 30000) as desk:
        yield desk


def on_worker(qtbot, desk: Desk, fn) -> Any:
    box: list[Any] = []
    desk.window.worker.submit(fn, box.append, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=20000)
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def back_online(qtbot, desk: Desk, up: Any) -> None:  # noqa: F811
    up.start()
    qtbot.waitUntil(lambda: desk.window.server_status.text() == CONNECTED, timeout=30000)


def test_a_result_kept_on_this_counter_is_said_in_the_status_bar(desk_on_server, qtbot, up) -> None:  # noqa: F811
    desk, window = desk_on_server, desk_on_server.window
    screening = on_worker(qtbot, desk, lambda ctx: operations.save_screening(ctx, make_screening()).screening)
    up.stop("immediate")
    dialog = FollowupDialog(window.station, screening, window)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.result.setCurrentIndex(dialog.result.findData(FollowupResult.CONFIRMED.value))
    with qtbot.waitSignal(dialog.recorded, timeout=30000) as recorded:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert recorded.args[0].result is FollowupResult.CONFIRMED
    assert window.statusBar().currentMessage() == "结果已保存在本机。服务器恢复连接后将自动上传。"
    assert not dialog.isVisible() and dialog.problem.text() == ""  # closed, as for any save; no error
    back_online(qtbot, desk, up)
    ctx = window.worker.context
    assert [f.result for f in ctx.store.followups.primary.followups(screening.id)] == [
        FollowupResult.CONFIRMED
    ]
    assert [e.action for e in ctx.audit.for_record("screening", str(screening.id))] == ["create", "followup"]


def test_a_slip_printed_offline_says_its_record_is_kept_on_this_counter(
    desk_on_server,
    qtbot,
    tmp_path: Path,
    up,  # noqa: F811
) -> None:
    desk, window = desk_on_server, desk_on_server.window
    station = window.station
    configured = slip_cases.settings()  # a set-up station: without a hospital the panel only warns
    station.settings = dataclasses.replace(
        station.settings,
        print_without_dialog=True,
        printer_name="XP-80",
        designated_hospital=configured.designated_hospital,
        hotline=configured.hotline,
    )
    panel = window.slip_panel
    outputs = tmp_path / "printed"
    outputs.mkdir()
    panel.printer_factory = lambda name: pdf_printer(
        str(outputs / f"{name}-{len(list(outputs.iterdir()))}.pdf")
    )
    saved = on_worker(
        qtbot, desk, lambda ctx: operations.save_screening(ctx, slip_cases.screening()).screening
    )
    window.desk.saved.emit(saved)  # the desk announces the saved suspected case: the panel offers the slip
    up.stop("immediate")
    window.form.name.setFocus()  # back in the form (a suspected case's save shows the worklist)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.form.name, timeout=5000)
    with qtbot.waitSignal(panel.recorded, timeout=30000) as first:
        desk.keyboard.key(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    row = first.args[0]
    at = f"{row.printed_at.astimezone():%H:%M}"
    assert panel.status.text() == (
        f"已于 {at} 在 {row.printer} 打印 打印记录暂存在本机，服务器恢复连接后将自动上传。"
    )
    assert Path(row.archive_path).is_file()  # the slip itself never needed the server
    assert len(list(outputs.iterdir())) == 1  # and it was printed
    back_online(qtbot, desk, up)
    ctx = window.worker.context
    assert [(p.id, p.kind) for p in ctx.store.slips.primary.for_screening(saved.id)] == [(row.id, "print")]
    assert [e.action for e in ctx.audit.for_record("screening", str(saved.id))] == ["create", "print"]


def test_the_report_generated_offline_is_marked_provisional_until_the_server_has_it(
    desk_on_server,
    qtbot,
    up,  # noqa: F811
) -> None:
    desk, window = desk_on_server, desk_on_server.window
    reports = window.reports
    on_worker(qtbot, desk, lambda ctx: operations.save_screening(ctx, make_screening(created_at=None)))
    window.tabs.setCurrentWidget(reports)
    with qtbot.waitSignal(reports.loaded, timeout=20000):
        reports.refresh()  # the screen has seen the day's count: offline it shows that one
    assert reports.status.text() == "本报告日尚未生成报告。"
    up.stop("immediate")
    with qtbot.waitSignal(reports.generated, timeout=30000) as generated:
        reports.generate_button.click()
    assert generated.args[0].queued
    qtbot.waitUntil(lambda: reports.status.text().startswith("临时报告："), timeout=20000)
    assert "暂存在本机" in reports.status.text()
    assert reports.figures.item(0, 1) is not None  # the figures the server gave last are shown
    back_online(qtbot, desk, up)
    with qtbot.waitSignal(reports.loaded, timeout=20000):
        reports.refresh()
    assert reports.status.text() == "第 1 版为最新。"  # filed by the server: no longer provisional
