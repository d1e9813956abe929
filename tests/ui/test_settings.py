"""Settings as the clinic's administrator changes them, and a damaged settings file."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import text

from db.engine import make_engine
from fever_desk.accounts import Operator, Role
from fever_desk.settings import Settings, load_settings
from tests.ui.conftest import Desk
from ui.desk.admin.settings_dialog import SettingsDialog
from ui.services.audit_hooks import set_actor
from ui.services.settings import recover_settings


def log_in_as(qtbot, window, username: str, role: Role) -> None:
    """What the login gate does for a successful login."""
    window.apply_operator(Operator(uuid.uuid4(), username, username, role))
    done: list[object] = []
    window.worker.submit(lambda ctx: set_actor(ctx, username, window.settings.station_id), done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)


def test_settings_dialog_changes_threshold_language_and_guideline(desk: Desk, qtbot) -> None:
    window = desk.window
    log_in_as(qtbot, window, "admin", Role.ADMINISTRATOR)
    assert window.settings_action.isVisible()
    window.open_settings()
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible()
    )
    dialog.hospital_name.setText("益阳市第一中医医院")
    dialog.threshold.setValue(37.5)
    dialog.inclusive.setChecked(False)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.guideline.setCurrentIndex(dialog.guideline.findData("national-v4"))
    dialog.mode.setCurrentIndex(dialog.mode.findData("pharmacy"))
    dialog.repeat_days.setValue(5)
    dialog.slip_layout.setCurrentIndex(dialog.slip_layout.findData("a5"))
    dialog.direct_print.setChecked(True)
    dialog.cutoff.setTime(dialog.cutoff.time().fromString("15:30", "HH:mm"))
    dialog.idle_minutes.setValue(5)
    dialog.accept()
    saved = load_settings(desk.settings_path)
    assert saved.designated_hospital.name == "益阳市第一中医医院"
    assert (saved.fever_threshold_c, saved.fever_threshold_inclusive) == (37.5, False)
    assert saved.language == "en" and saved.guideline_id == "national-v4"
    assert (saved.station_mode, saved.repeat_purchase_days) == ("pharmacy", 5)
    assert (saved.slip_layout, saved.print_without_dialog, saved.printer_name) == ("a5", True, "")
    assert (saved.report_cutoff, saved.idle_lock_minutes, saved.retention_days) == ("15:30", 5, 180)
    assert window.form.guideline.id == "national-v4"
    assert "fever > 37.5" in window.status.text()
    # 37.5 is no longer a fever with "above" and a 37.5 threshold.
    form = window.form
    form.temperature.setText("37.5")
    assert form.fever_rule.is_fever(37.5) is False and form.fever_rule.is_fever(37.6) is True
    # Who changed the threshold, and from what to what, is in the audit trail.
    qtbot.waitUntil(lambda: bool(audit_rows(desk)), timeout=5000)
    ((operator, detail),) = audit_rows(desk)
    assert operator == "admin"
    assert "fever_threshold_c: 37.3 → 37.5" in detail and "fever_threshold_inclusive: true → false" in detail
    assert 'guideline_id: "national-v5-outside-hubei" → "national-v4"' in detail


def audit_rows(desk: Desk) -> list[tuple[str, str]]:
    engine = make_engine(desk.db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT operator, detail FROM audit_log WHERE action = 'settings_change'")
            ).all()
    finally:
        engine.dispose()
    return [tuple(row) for row in rows]


def test_a_nurse_cannot_change_the_station_settings(desk: Desk, qtbot, monkeypatch) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, message: told.append(message))
    window = desk.window
    log_in_as(qtbot, window, "nurse.li", Role.NURSE)
    assert not window.settings_action.isVisible()
    window.open_settings()
    window.open_device_settings()
    assert len(told) == 2 and "管理员" in told[0]
    assert not any(isinstance(w, SettingsDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
    assert audit_rows(desk) == []


def test_damaged_settings_file_is_kept_aside_and_defaults_used(tmp_path: Path) -> None:
    damaged = '{ "station_id": "00aa11bb22cc", this is not json'
    path = tmp_path / "settings.json"
    path.write_text(damaged, encoding="utf-8")
    settings, warnings = recover_settings(path)
    assert settings.fever_threshold_c == 37.3
    # The station stays itself (more in tests/ui/test_hand_edited_files.py).
    assert settings.station_id == "00aa11bb22cc"
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("settings.json.unreadable-")]
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == damaged
    assert json.loads(path.read_text(encoding="utf-8"))["station_id"] == settings.station_id
    assert "设置文件无法读取" in warnings[0]


def test_unknown_guideline_falls_back_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"guideline_id": "national-v99"}), encoding="utf-8")
    settings, warnings = recover_settings(path)
    assert settings.guideline_id == "national-v5-outside-hubei"
    assert "national-v99" in warnings[0]


def test_the_dialog_opens_at_once_and_lists_the_printers_when_the_system_answers(qtbot, monkeypatch) -> None:
    """A network printer that does not answer holds up CUPS or the spooler; the dialog must not wait."""
    import threading

    import ui.desk.slips.printing

    answer = threading.Event()

    def slow_printer_names() -> list[str]:
        answer.wait(10)
        return ["Counter-80mm", "Office-A5"]

    monkeypatch.setattr(ui.desk.slips.printing, "printer_names", slow_printer_names)
    dialog = SettingsDialog(Settings(printer_name="Office-A5"))
    qtbot.addWidget(dialog)
    # Open, with the saved printer chosen, while the system is still being asked.
    assert not dialog.printers_listed
    assert [dialog.printer.itemData(i) for i in range(dialog.printer.count())] == ["", "Office-A5"]
    assert dialog.printer.currentData() == "Office-A5"
    dialog.printer.setCurrentIndex(0)  # the user changes her mind meanwhile
    answer.set()
    qtbot.waitUntil(lambda: dialog.printers_listed, timeout=10000)
    dialog.printer_lookup.join()
    assert [dialog.printer.itemText(i) for i in range(1, dialog.printer.count())] == [
        "Counter-80mm",
        "Office-A5",
    ]
    assert dialog.printer.currentData() == ""  # her choice survived the refresh
    assert dialog.result_settings().printer_name == ""


def test_a_saved_printer_that_is_gone_is_named_as_such(qtbot, monkeypatch) -> None:
    import ui.desk.slips.printing

    monkeypatch.setattr(ui.desk.slips.printing, "printer_names", lambda: ["Counter-80mm"])
    dialog = SettingsDialog(Settings(printer_name="Old-Laser"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.printers_listed, timeout=10000)
    dialog.printer_lookup.join()
    assert dialog.printer.currentText() == "Old-Laser（当前未找到）"
    assert dialog.result_settings().printer_name == "Old-Laser"
