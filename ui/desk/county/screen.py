"""The county's screen: every enrolled point's report for a day, township totals, the 14-day trend, the
missing list to phone, and the exports — what ``fever-desk county status`` / ``export`` print, on screen.

The county database is named by ``FEVER_DESK_COUNTY_DB`` (as for the command line), shown in the
"County database" field; a URL typed there is used for this session only (not saved), so the desk keeps
no second place for a password-bearing URL.  Every query and export runs on the database worker
(``Station.worker``) — the county server may be slow or away, and the window must not freeze; an answer
for a day or address the user has already left is dropped.  Keys: F5 refreshes, Ctrl+E exports XLSX,
Ctrl+P exports PDF, Alt+D the date.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fever_desk.county.export import CountyDocument
from fever_desk.county.points import KIND_LABELS
from fever_desk.county.status import STATUS_LABELS, ReportStatus
from fever_desk.i18n import tr
from ui.desk.county.trend_chart import TrendChart
from ui.desk.station import Station
from ui.desk.widgets import file_dialogs
from ui.desk.widgets.export_privacy import start_path
from ui.desk.widgets.inputs import read_only_rows

COUNTY_ENV = "FEVER_DESK_COUNTY_DB"
ZONE = "Asia/Shanghai"
CUTOFF = time(16, 0)
STATUS_COLOURS = {
    ReportStatus.ON_TIME: "#0a6b2d",
    ReportStatus.LATE: "#b36b00",
    ReportStatus.MISSING: "#b00020",
}


@dataclass(frozen=True)
class Query:
    """What the user asked for: the answer is shown only if it still matches the screen."""

    url: str
    day: date
    at: datetime | None


def load_day(query: Query) -> CountyDocument:
    """Runs on the worker: open the county database, judge the day, close."""
    from ui.services.county_view import County

    county = County(query.url)
    try:
        return county.day(query.day, CUTOFF, ZoneInfo(ZONE), query.at)
    finally:
        county.close()


def export_day(query: Query, path: Path) -> Path:
    """Runs on the worker: the same document as shown, written by ``county_view.export``."""
    from ui.services.county_view import export

    export(load_day(query), path)
    return path


def _local_today() -> date:
    return datetime.now(ZoneInfo(ZONE)).date()


class CountyScreen(QWidget):
    loaded = Signal(object)  # CountyDocument
    exported = Signal(object)  # Path

    def __init__(
        self,
        station: Station,
        parent: QWidget | None = None,
        today: Callable[[], date] = _local_today,
        at: datetime | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("county_screen")
        self.station = station
        self.at = at  # the injected clock: judge the day at this moment (None: the county server's now)
        self.doc: CountyDocument | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.url_label = QLabel(self)
        self.url = QLineEdit(os.environ.get(COUNTY_ENV, ""), self)
        self.url.setObjectName("county_url")
        self.url.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.day_label = QLabel(self)
        self.day = QDateEdit(self)
        self.day.setObjectName("county_day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        d = today()
        self.day.setDate(QDate(d.year, d.month, d.day))
        self.day_label.setBuddy(self.day)
        self.refresh_button = QPushButton(self)
        self.xlsx_button = QPushButton(self)
        self.pdf_button = QPushButton(self)
        for w in (self.url_label, self.url):
            top.addWidget(w)
        top.setStretchFactor(self.url, 1)
        for w in (self.day_label, self.day, self.refresh_button, self.xlsx_button, self.pdf_button):
            top.addWidget(w)
        layout.addLayout(top)
        self.summary = QLabel(self)
        self.summary.setObjectName("county_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.points = QTableWidget(0, 10, self)
        self.points.setObjectName("county_points")
        self.towns = QTableWidget(0, 9, self)
        self.towns.setObjectName("county_townships")
        self.missing = QTableWidget(0, 3, self)
        self.missing.setObjectName("county_missing")
        for table in (self.points, self.towns, self.missing):
            read_only_rows(table)
        self.chart = TrendChart(self)
        self.missing_label = QLabel(self)
        self.trend_label = QLabel(self)
        lower = QWidget(self)
        grid = QHBoxLayout(lower)
        grid.setContentsMargins(0, 0, 0, 0)
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.towns, 2)
        left.addWidget(self.trend_label)
        left.addWidget(self.chart, 3)
        right.addWidget(self.missing_label)
        right.addWidget(self.missing)
        grid.addLayout(left, 3)
        grid.addLayout(right, 2)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.points)
        split.addWidget(lower)
        layout.addWidget(split, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.day.dateChanged.connect(lambda _d: self.refresh())
        self.url.returnPressed.connect(self.refresh)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh, context=context)
        QShortcut(QKeySequence("Ctrl+E"), self, lambda: self.export("xlsx"), context=context)
        QShortcut(QKeySequence("Ctrl+P"), self, lambda: self.export("pdf"), context=context)
        self.setFocusProxy(self.day)
        self.retranslate()
        # Only when shown: a station whose user is not the county's never asks the county database.
        station.on_db_ready(lambda: self.isVisible() and self.refresh())

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.doc is None:
            self.refresh()
        self.day.setFocus()

    # ---- queries ------------------------------------------------------------------------------------
    def query(self) -> Query:
        return Query(self.url.text().strip(), self.day.date().toPython(), self.at)

    def refresh(self) -> None:
        query = self.query()
        if not query.url:
            self.summary.setText(
                tr("Name the county database: set FEVER_DESK_COUNTY_DB or type its URL and press Enter.")
            )
            return
        if not self.station.db_ready:
            return
        self.summary.setText(tr("Asking the county database…"))
        self.station.worker.submit(
            lambda _ctx: load_day(query),
            lambda doc: self._loaded(query, doc),
            lambda e: self._failed(query, e),
        )

    def _loaded(self, query: Query, doc: CountyDocument) -> None:
        if query != self.query():
            return  # the user moved on to another day or database meanwhile
        self.doc = doc
        self._show()
        self.loaded.emit(doc)

    def _failed(self, query: Query, error: BaseException) -> None:
        if query != self.query():
            return
        self.summary.setText(tr("The county database cannot be reached: {detail}", detail=_first_line(error)))

    def export(self, kind: str) -> None:
        day = self.day.date().toPython()
        filters = tr("Excel workbook (*.xlsx)") if kind == "xlsx" else tr("PDF (*.pdf)")
        path, _ = file_dialogs.ask_save_path(
            self, tr("Save the county's day"), start_path(f"县级汇总_{day:%Y%m%d}.{kind}"), filters
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write ``path`` (format from its suffix) on the worker; the screen says where it went."""
        query = self.query()
        if not query.url or not self.station.db_ready:
            return

        def done(written: Path) -> None:
            self.summary.setText(tr("Written to {file}", file=str(written)))
            self.exported.emit(written)

        def failed(error: BaseException) -> None:
            self.summary.setText(tr("Export failed: {problem}", problem=_first_line(error)))

        self.station.worker.submit(lambda _ctx: export_day(query, path), done, failed)

    # ---- display ------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.url_label.setText(tr("County database"))
        self.day_label.setText(tr("Report &day"))
        self.refresh_button.setText(tr("Refresh (F5)"))
        self.xlsx_button.setText(tr("Export XLSX (Ctrl+E)"))
        self.pdf_button.setText(tr("Export PDF (Ctrl+P)"))
        self.trend_label.setText(
            tr("Last 14 report days: points reported (green: zero reports) and expected")
        )
        self.points.setHorizontalHeaderLabels(
            [tr("Township"), tr("Point"), tr("Kind"), tr("Status"), tr("Zero report"), tr("Screened"),
             tr("With fever"), tr("Fever clinic"), tr("Suspected"), tr("Purchasers")]
        )  # fmt: skip
        self.towns.setHorizontalHeaderLabels(
            [tr("Code"), tr("Township"), tr("Points"), tr("On time"), tr("Late"), tr("Missing"),
             tr("Zero reports"), tr("Screened"), tr("With fever")]
        )  # fmt: skip
        self.missing.setHorizontalHeaderLabels([tr("Township"), tr("Point"), tr("Contact")])
        self._show()

    def _show(self) -> None:
        doc = self.doc
        if doc is None:
            return
        t = doc.total
        self.summary.setText(
            tr("Report day {day}, cutoff {cutoff}, as at {at}", day=doc.day, cutoff=doc.cutoff,
               at=f"{doc.at:%Y-%m-%d %H:%M}") + "  "
            + tr("{points} points: {on_time} on time, {late} late, {missing} missing, {not_yet} not yet due; "
                 "{zero} zero reports, {findings} with findings", points=t.points, on_time=t.on_time,
                 late=t.late, missing=t.missing, not_yet=t.not_yet, zero=t.zero, findings=t.with_findings)
        )  # fmt: skip
        _fill(
            self.points,
            [self._point_cells(row) for row in doc.rows],
            [STATUS_COLOURS.get(r.status) for r in doc.rows],
        )
        _fill(
            self.towns,
            [[x.township_code, x.township, x.points, x.on_time, x.late, x.missing, x.zero,
              x.figures.screened, x.figures.fever] for x in doc.townships],
        )  # fmt: skip
        missing = [r for r in doc.rows if r.status is ReportStatus.MISSING]
        _fill(self.missing, [[r.point.township, r.point.name, r.point.contact or "—"] for r in missing])
        self.missing_label.setText(
            tr("Missing (phone them): {count}", count=len(missing)) if missing else tr("No point is missing.")
        )
        self.chart.set_days(doc.trend)

    @staticmethod
    def _point_cells(row: Any) -> list[object]:
        got = row.received
        zero = "—" if got is None else (tr("zero") if got.zero else tr("findings"))
        f = got.figures if got else None
        figures = [f.screened, f.fever, f.fever_clinic, f.suspected, f.purchasers] if f else ["—"] * 5
        return [row.point.township, row.point.name, tr(KIND_LABELS[row.point.kind]),
                tr(STATUS_LABELS[row.status]), zero, *figures]  # fmt: skip


def _fill(table: QTableWidget, rows: list[list[object]], colours: list[str | None] | None = None) -> None:
    from PySide6.QtGui import QColor

    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            item = QTableWidgetItem(str(value))
            if colours and colours[r] and c == 3:
                item.setForeground(QColor(colours[r]))
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def _first_line(error: BaseException) -> str:
    """A known problem in the user's language; a driver's error by its first line (the rest is noise)."""
    from fever_desk.problems import Problem
    from ui.services.problems import describe_error

    if isinstance(error, Problem):
        return describe_error(error)
    if isinstance(error, ValueError):  # db.county.link: not a PostgreSQL URL; a sentence in the catalogue
        return tr(str(error))
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
