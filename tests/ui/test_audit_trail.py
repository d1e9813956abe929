"""What the desk does lands in the tamper-evident trail, attributed to whoever is logged in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import text

from db.engine import make_engine
from tests.ui.conftest import Desk
from tests.ui.rows import open_first_row
from ui.cli.main import main
from ui.services.audit_hooks import set_actor


def test_save_and_correction_are_in_the_trail_and_the_chain_verifies(desk: Desk, qtbot, capsys) -> None:
    window, form, kb = desk.window, desk.window.form, desk.keyboard
    station_id = window.settings.station_id
    done: list[object] = []
    window.worker.submit(lambda ctx: set_actor(ctx, "nurse.li", station_id), done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    kb.type("Zhou Min")
    form.sex.setFocus()
    kb.key(Qt.Key.Key_2)
    form.age.setFocus()
    kb.type("29")
    form.phone.setFocus()
    kb.type("13600000002")
    form.temperature.setFocus()
    kb.type("36.7")
    kb.key(Qt.Key.Key_F8)
    with qtbot.waitSignal(window.day_loaded, timeout=10000):
        kb.key(Qt.Key.Key_Return)
    saved = open_first_row(qtbot, window.today)  # as a nurse does: double-click, the record loads
    assert form.editing is not None and form.editing.id == saved.id
    form.age.setText("30")
    form.correction_reason.setText("typo")
    with qtbot.waitSignal(window.day_loaded, timeout=10000):
        kb.key(Qt.Key.Key_Return)
    engine = make_engine(desk.db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT action, record_kind, record_id, operator, detail FROM audit_log ORDER BY sequence")
        ).all()
    engine.dispose()
    assert [tuple(r[:4]) for r in rows] == [
        ("create", "screening", str(saved.id), "nurse.li"),
        ("correct", "screening", str(saved.id), "nurse.li"),
    ]
    assert all("Zhou" not in (r[4] or "") and "typo" not in (r[4] or "") for r in rows)
    assert main(["--db", desk.db_url, "audit", "verify"]) == 0


def test_full_id_from_the_list_only_for_a_permitted_role_and_always_logged(
    desk: Desk, qtbot, monkeypatch
) -> None:
    import uuid

    import ui.desk.widgets.reveal
    from fever_desk.accounts import Operator, Role

    shown: list[str] = []
    monkeypatch.setattr(
        ui.desk.widgets.reveal.QMessageBox, "information", lambda _parent, _title, text: shown.append(text)
    )
    window, form = desk.window, desk.window.form
    form.name.setText("Wu Lei")
    form.id_number.setText("11010519491231002X")
    form.phone.setText("13600000003")
    form.temperature.setText("36.5")
    form.questionnaire.mark_remaining_no()
    with qtbot.waitSignal(window.day_loaded, timeout=10000):
        form.request_save()
    table = window.today.table
    table.setCurrentIndex(window.today.model.index(0, 7))
    assert window.today.model.data(table.currentIndex(), Qt.ItemDataRole.DisplayRole) == "1101**********002X"
    reveal = window.reveal_actions[0]

    reveal.trigger()  # nobody logged in: refused, nothing logged
    assert len(shown) == 1 and "无权" in shown[0]
    window.station.operator = Operator(uuid.uuid4(), "nurse.wang", "王护士", Role.NURSE)
    shown.clear()
    reveal.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == ["11010519491231002X"]
    engine = make_engine(desk.db_url)
    with engine.connect() as conn:
        views = conn.execute(text("SELECT record_kind FROM audit_log WHERE action = 'view_full_id'")).all()
    engine.dispose()
    assert views == [("screening",)]


def test_each_role_sees_its_own_counter(desk: Desk) -> None:
    import uuid

    from fever_desk.accounts import Operator, Role

    window = desk.window
    tabs = window.tabs

    def visible() -> set[str]:
        return {tabs.widget(i).__class__.__name__ for i in range(tabs.count()) if tabs.isTabVisible(i)}

    window.apply_operator(Operator(uuid.uuid4(), "yao", "药师", Role.PHARMACIST))
    assert tabs.currentWidget() is window.pharmacy
    assert "ScreeningDesk" not in visible() and "AuditBrowser" not in visible()
    window.apply_operator(Operator(uuid.uuid4(), "hu", "护士", Role.NURSE))
    assert tabs.currentWidget() is window.desk
    assert "PharmacyScreen" not in visible() and "UsersAdmin" not in visible()
    window.apply_operator(Operator(uuid.uuid4(), "admin", "管理员", Role.ADMINISTRATOR))
    assert {"ScreeningDesk", "PharmacyScreen", "AuditBrowser", "UsersAdmin"} <= visible()
    assert window.settings.operator == "admin"  # one identity: the user name, as in the trail
