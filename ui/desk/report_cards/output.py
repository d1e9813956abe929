"""The card as an A4 PDF (to enter online or fax) and the day's cards as XLSX, from the desk.

The files are written by the card service on the database worker (its PDF is laid out like the paper card
in the shipped font; its export carries the privacy line and the audit entry); the desk only asks where.
The save dialogs start in the user's Documents every time (``ui.desk.widgets.export_privacy``), and are
opened window-modal (``open()``), so the event loop and the clock keep running behind them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from fever_desk.i18n import tr
from ui.desk.report_cards import cards_api as api
from ui.desk.station import Station
from ui.desk.widgets.export_privacy import start_path
from ui.desk.widgets.file_dialogs import file_dialog

PDF_TITLE = "Save the report card as PDF"
XLSX_TITLE = "Save today's report cards"


def _ask(
    parent: QWidget, title: str, filter_: str, suffix: str, name: str, chosen: Callable[[Path], None]
) -> QFileDialog:
    dialog = file_dialog(parent, title)
    dialog.setObjectName("card_file_dialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilter(filter_)
    dialog.setDefaultSuffix(suffix)
    start = Path(start_path(name))
    dialog.setDirectory(str(start.parent))
    dialog.selectFile(start.name)
    dialog.fileSelected.connect(lambda path: chosen(Path(path)))
    dialog.open()
    return dialog


def save_pdf(
    station: Station, card: Any, parent: QWidget, written: Callable[[Path], None] | None = None
) -> QFileDialog:
    """Ask where, then write the card's PDF on the worker; ``written`` gets the path once it exists."""
    card_id = card.id

    def chosen(path: Path) -> None:
        station.perform(
            lambda ctx: api.export_pdf(ctx, card_id, path),
            lambda _result: written(path) if written else None,
            lambda error: station.report(error, tr("The card's PDF was not saved: {problem}")),
            changes=api.NO_CHANGES,
        )

    return _ask(parent, tr(PDF_TITLE), tr("PDF files (*.pdf)"), "pdf", f"{api.card_number(card)}.pdf", chosen)


def export_day(
    station: Station, parent: QWidget, day: date, written: Callable[[Path], None] | None = None
) -> QFileDialog:
    """Ask where, then write the day's cards as XLSX on the worker."""

    def chosen(path: Path) -> None:
        station.perform(
            lambda ctx: api.export_xlsx(ctx, day, path),
            lambda _result: written(path) if written else None,
            lambda error: station.report(error, tr("The day's cards were not exported: {problem}")),
            changes=api.NO_CHANGES,
        )

    name = f"传染病报告卡_{day:%Y%m%d}.xlsx"
    return _ask(parent, tr(XLSX_TITLE), tr("Excel workbook (*.xlsx)"), "xlsx", name, chosen)
