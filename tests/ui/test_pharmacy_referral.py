"""A purchaser advised to attend the fever clinic leaves with a signed, recorded slip."""

from __future__ import annotations

import dataclasses

from sqlalchemy import text

from db.engine import make_engine
from fever_desk.settings import Hospital
from tests.fever_desk.test_pharmacy_referral import purchase
from tests.sqlite_files import use_data_folder
from ui.desk.slips.printing import pdf_printer


def test_pharmacy_slip_is_printed_once_referred_and_reprinted_without_a_second_record(
    desk, qtbot, tmp_path, monkeypatch
) -> None:
    use_data_folder(monkeypatch, tmp_path / "data")
    window = desk.window
    station = window.station
    station.settings = dataclasses.replace(  # a set-up station: without a hospital the panel only warns
        station.settings,
        print_without_dialog=True,
        printer_name="Counter",
        designated_hospital=Hospital("长沙市第一医院（北院）", "长沙市开福区营盘路311号", "0731-84411111"),
        hotline="12320",
    )
    referral = window.pharmacy_referral
    outputs = tmp_path / "printed"
    outputs.mkdir()
    referral.panel.printer_factory = lambda name: pdf_printer(
        str(outputs / f"{len(list(outputs.iterdir()))}.pdf")
    )
    window.tabs.setCurrentWidget(window.pharmacy)
    bought = purchase(38.4, True)
    try:
        with qtbot.waitSignal(referral.panel.recorded, timeout=30000) as first:
            referral.refer(bought)
        with qtbot.waitSignal(referral.panel.recorded, timeout=30000) as second:
            referral.refer(bought)
    finally:
        referral.stop()
    assert (first.args[0].kind, second.args[0].kind) == ("print", "reprint")
    assert len(list(outputs.iterdir())) == 2
    engine = make_engine(desk.db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, disposition, note FROM screening")).all()
    engine.dispose()
    assert rows == [("王建国", "fever_clinic", f"pharmacy purchase {bought.id}")]


def test_escape_on_the_pharmacy_form_asks_before_clearing(desk) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    window = desk.window
    window.tabs.setCurrentWidget(window.pharmacy)
    form = window.pharmacy.form
    form.name.setFocus()
    QApplication.processEvents()
    desk.keyboard.type("Qian")
    desk.keyboard.key(Qt.Key.Key_Escape)
    assert form.name.text() == "Qian" and form.confirm_bar.isVisible()
    desk.keyboard.key(Qt.Key.Key_Escape)
    assert form.name.text() == "" and not form.confirm_bar.isVisible()
