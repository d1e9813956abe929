"""What the desk does lands in the tamper-evident trail, attributed to whoever is logged in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import create_engine, text

from tests.ui.conftest import Desk
from ui.audit_hooks import set_actor
from ui.cli import main


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
    saved = window.today.model.rows[0]
    form.load_for_correction(saved)
    form.age.setText("30")
    form.correction_reason.setText("typo")
    with qtbot.waitSignal(window.day_loaded, timeout=10000):
        kb.key(Qt.Key.Key_Return)
    engine = create_engine(desk.db_url)
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
