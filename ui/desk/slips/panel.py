"""The referral slip panel under the outcome: print, preview or save the slip of the screening just saved.

For a fever-clinic or suspected outcome the patient must leave with the slip, so the panel turns red and
the print button is the obvious next step (Ctrl+P).  Every copy goes the same way: dialogs on the GUI
thread, then signing, rendering, rasterising and painting on the panel's slip worker, then the print
record on the database worker.  A worker never waits on a dialog: a dialog finishes first and hands
the chosen printer over, and the GUI thread does not touch that printer again until the job is done.

The panel sits between the outcome and today's list, so its height is held (:meth:`SlipPanel.event`):
it grows to what its lines need and does not shrink back while its width stays, and its place is kept
while it is hidden before the first save.  Otherwise "Printing…" giving way to "Printed at … on …", or a
routine patient after a referred one, moved today's list and repainted its scroll bars (seen in a
native profile of the GUI thread during ``bench.bench_soak``, issue #15).  The screen's splitter then
keeps such a change from relaying out the window (``ui.desk.screening.steady``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from fever_desk.i18n import current_language, tr
from fever_desk.model import Screening
from ui.desk.runtime.workers import Worker
from ui.desk.slips.printing import (
    PrintProblem,
    make_printer,
    page_layout,
    paint_pages,
    preview_job,
    print_job,
    printer_label,
)
from ui.desk.station import Station
from ui.desk.widgets.export_privacy import start_path
from ui.desk.widgets.file_dialogs import file_dialog, print_dialog, print_preview_dialog
from ui.desk.widgets.inputs import set_style
from ui.services import slips as slip_service
from ui.services.changes import Changes

if TYPE_CHECKING:
    from db.slip_repository import SlipPrint
    from ui.desk.screening.desk import ScreeningDesk

_LAYOUTS = (("80mm", "80 mm roll"), ("a5", "A5 sheet"))
_PROMINENT = "#slip_panel { background: #fde7ea; border: 2px solid #b00020; }"
_QUIET = "#slip_panel { background: #f4f5f7; border: 2px solid #f4f5f7; }"  # a border as wide: the same size


class SlipPanel(QFrame):
    """Shows the slip actions for one saved screening; :meth:`attach` places it on the desk."""

    recorded = Signal(object)  # the SlipPrint row, once the database has it
    failed = Signal(str)

    def __init__(self, station: Station, worker: Worker | None = None) -> None:
        super().__init__()
        self.station = station
        self._own_worker = worker is None
        # Started on first use: the desk's first paint does not wait for the slip code to load.
        self.worker: Worker = worker or Worker(
            lambda: slip_service.warm_up(station.settings), name="slip-worker"
        )
        self._started = not self._own_worker
        # Tests (and a future "print to file" option) replace this to print somewhere else.
        self.printer_factory: Callable[[str], QPrinter] = make_printer
        self.screening: Screening | None = None
        self.last_print: SlipPrint | None = None
        # Opens the station setup (set by ui.desk.admin.station_setup.StationSetup); offered to administrators
        # when a slip is asked for while the setup lacks the hospital, the hotline or the station's name.
        self.open_setup: Callable[[], None] | None = None
        self.setup_warning: Any = None
        self._busy = False
        self._dialogs: list[Any] = []  # keep non-modal dialogs alive until they finish
        self.setObjectName("slip_panel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        set_style(self, _QUIET)  # its border counts in the place kept before the first save
        outer = QVBoxLayout(self)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        set_style(self.hint, "color: #b00020; font-weight: bold;")
        hint_policy = self.hint.sizePolicy()
        hint_policy.setRetainSizeWhenHidden(True)
        self.hint.setSizePolicy(hint_policy)
        row = QHBoxLayout()
        self.print_button = QPushButton(self)
        self.print_button.setObjectName("slip_print")
        self.preview_button = QPushButton(self)
        self.save_button = QPushButton(self)
        self.layout_choice = QComboBox(self)
        for code, _label in _LAYOUTS:
            self.layout_choice.addItem("", code)
        index = self.layout_choice.findData(slip_service.layout_of(station.settings))
        self.layout_choice.setCurrentIndex(max(index, 0))
        for widget in (self.print_button, self.preview_button, self.save_button, self.layout_choice):
            row.addWidget(widget)
        row.addStrut(48)  # the prominent print button's height, kept for every outcome (see _hold)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.title)
        outer.addWidget(self.hint)
        outer.addLayout(row)
        outer.addWidget(self.status)
        for line in (self.title, self.status):  # empty until the first save and the first print
            line.setMinimumHeight(line.fontMetrics().lineSpacing())
        outer.addStretch(1)  # a held height's spare room goes below the lines, not between them
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # before the first save too: the list below does not move
        self.setSizePolicy(policy)
        self.print_button.clicked.connect(self.print_slip)
        self.preview_button.clicked.connect(self.preview)
        self.save_button.clicked.connect(self.save_pdf)
        station.settings_changed.connect(self._settings_changed)
        self.retranslate()
        self.hide()

    # ---- a steady height ------------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        """After the layout took in a change of text: hold the height the lines now need, if more."""
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self._hold()
        return handled

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A new width wraps the lines anew: measure again from nothing, once per change of width."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.setMinimumHeight(0)
            self._hold()

    def _hold(self) -> None:
        layout = self.layout()
        width = self.width()
        needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() and width > 0 else -1
        if needed < 0:
            needed = layout.totalSizeHint().height()
        if needed > self.minimumHeight():
            self.setMinimumHeight(needed)

    # ---- placement ----------------------------------------------------------------------------------
    def attach(self, desk: ScreeningDesk) -> None:
        """Under the outcome in the desk's right column; follows saves and records opened from the list."""
        column = desk.form.outcome.parentWidget().layout()
        column.insertWidget(column.indexOf(desk.form.outcome) + 1, self)
        desk.saved.connect(self.show_screening)
        desk.today.open_requested.connect(self.show_screening)
        shortcut = QShortcut(QKeySequence.StandardKey.Print, desk)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.print_slip)
        self.shortcut = shortcut

    def stop(self) -> None:
        """Finish the job in hand and join the slip worker (the main window's close, tests' teardown)."""
        if self._own_worker:
            self.worker.stop()

    # ---- state --------------------------------------------------------------------------------------
    def _settings_changed(self, old: Any) -> None:
        layout = slip_service.layout_of(self.station.settings)
        if layout != slip_service.layout_of(old):
            self.layout_choice.setCurrentIndex(max(self.layout_choice.findData(layout), 0))

    @property
    def layout_code(self) -> str:
        return str(self.layout_choice.currentData())

    def show_screening(self, screening: Screening) -> None:
        """Offer the slip for ``screening``; earlier prints are looked up on the database worker."""
        if not self._started:
            self._started = True
            self.worker.start()
        self.screening = screening
        self.last_print = None
        self.status.setText("")
        set_style(self.status, "")
        self.show()
        self.retranslate()
        if self.station.db_ready:
            sid = screening.id
            self.station.worker.submit(
                lambda ctx: list(slip_service.slip_prints(ctx).for_screening(sid)),
                lambda rows: self._history_loaded(sid, rows),
                self._fail,
            )

    def _history_loaded(self, screening_id: object, rows: list[SlipPrint]) -> None:
        paper = [row for row in rows if row.kind != "pdf-export"]
        if self.screening is not None and self.screening.id == screening_id and paper:
            self._show_recorded(paper[-1])

    def retranslate(self) -> None:
        self.print_button.setText(tr("Print slip (Ctrl+P)"))
        self.preview_button.setText(tr("Preview"))
        self.save_button.setText(tr("Save as PD&F…"))  # Alt+F: the keyboard reaches it too
        for index, (_code, label) in enumerate(_LAYOUTS):
            self.layout_choice.setItemText(index, tr(label))
        screening = self.screening
        if screening is None:
            return
        number = slip_service.number_of(screening, self.station.settings)
        self.title.setText(tr("Referral slip {number} — {name}", number=number, name=screening.person.name))
        referred = screening.outcome is not None and screening.outcome.disposition in slip_service.REFERRED
        # Hidden for a routine outcome, its place kept: the next referral does not move the list below.
        self.hint.setText(tr("Print the slip: the patient takes it to the hospital."))
        self.hint.setVisible(referred)
        set_style(self, _PROMINENT if referred else _QUIET)
        font = self.print_button.font()
        font.setBold(referred)
        self.print_button.setFont(font)
        self.print_button.setMinimumHeight(48 if referred else 0)
        if self.last_print is not None:
            self._show_recorded(self.last_print)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        for button in (self.print_button, self.preview_button, self.save_button):
            button.setEnabled(not busy)
        if text:
            set_style(self.status, "")
            self.status.setText(text)

    def _fail(self, error: BaseException, template: str = "The slip was not printed: {problem}") -> None:
        from fever_desk.slips import FontNotFound

        self._set_busy(False)
        if isinstance(error, FontNotFound):
            text = error.localized(current_language())
        elif isinstance(error, PrintProblem):
            text = error.localized()
        else:
            text = self.station.describe_error(error)
        set_style(self.status, "color: #b00020; font-weight: bold;")
        self.status.setText(tr(template, problem=text))
        self.failed.emit(text)

    def _ready(self) -> Screening | None:
        return (
            None if self._busy or self.screening is None or self.screening.outcome is None else self.screening
        )

    def _setup_incomplete(self) -> bool:
        """Warn, rather than print a slip with a dash where the hospital should be (True: stop here)."""
        from fever_desk.privacy import Permission, Permissions
        from fever_desk.station_setup import slip_gaps
        from ui.desk.admin.station_setup import warn_slip_gaps

        gaps = slip_gaps(self.station.settings)
        if not gaps:
            return False
        operator = self.station.operator
        may_configure = operator is not None and Permissions.for_role(operator.role).allows(
            Permission.CONFIGURE
        )
        self.setup_warning = warn_slip_gaps(self, gaps, self.open_setup if may_configure else None)
        set_style(self.status, "color: #b00020; font-weight: bold;")
        self.status.setText(self.setup_warning.text())
        return True

    # ---- print --------------------------------------------------------------------------------------
    def print_slip(self) -> None:
        """Ctrl+P: straight to the configured printer when the settings say so, else the print dialog."""
        if self._ready() is None or self._setup_incomplete():
            return
        settings = self.station.settings
        name = str(slip_service.slip_setting(settings, "printer_name", ""))
        if slip_service.slip_setting(settings, "print_without_dialog", False):
            try:
                printer = self.printer_factory(name)
            except PrintProblem as exc:
                self._fail(exc)
                return
            self._start_print(printer)
            return
        try:
            printer = self.printer_factory(name)
        except PrintProblem:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # the dialog lets the nurse pick one
        dialog = print_dialog(printer, self)  # its file field lists the home folder: see file_dialogs
        dialog.accepted.connect(lambda: self._start_print(printer))
        self._keep(dialog)

    def _start_print(self, printer: QPrinter) -> None:
        screening = self._ready()
        if screening is None:
            return
        settings, layout = self.station.settings, self.layout_code
        printer.setDocName(
            tr("Referral slip {number}", number=slip_service.number_of(screening, self.station.settings))
        )
        self._set_busy(True, tr("Printing…"))
        self.worker.submit(
            lambda _ctx: print_job(screening, settings, layout, printer),
            lambda done: self._record(*done, None),
            self._fail,
        )

    def _record(self, archived: Any, printer: str, kind: str | None) -> None:
        settings = self.station.settings
        # The copy exists (printed or saved) but the record may not: say exactly that when it fails.
        not_recorded = "The slip was issued but not recorded: {problem}"
        queued = self.station.perform(
            lambda ctx: slip_service.record(ctx, archived, settings, printer=printer, kind=kind),
            self._recorded,
            lambda error: self._fail(error, not_recorded),
            changes=Changes(slips=True),
            initiator=self,
        )
        if not queued:  # the database worker stopped (window closing); the PDF is archived
            self._fail(RuntimeError("worker stopped"), not_recorded)

    def _recorded(self, result: slip_service.SlipRecorded) -> None:
        row = result.row
        self._set_busy(False)
        if self.screening is not None and self.screening.id == row.screening_id:
            self._show_recorded(row)
            if result.queued:  # issued all the same; its record waits for the server with its entry
                note = tr("The record is kept on this counter and sent when the server is back.")
                self.status.setText(self.status.text() + " " + note)
        self.recorded.emit(row)

    def _show_recorded(self, row: SlipPrint) -> None:
        self.last_print = row
        at = row.printed_at.astimezone().strftime("%H:%M")
        if row.kind == "pdf-export":
            text = tr("Saved as PDF at {time}: {path}", time=at, path=row.printer)
        elif row.kind == "reprint":
            text = tr("Reprinted at {time} on {printer}", time=at, printer=row.printer)
        else:
            text = tr("Printed at {time} on {printer}", time=at, printer=row.printer)
        set_style(self.status, "color: #1b7f3b; font-weight: bold;")
        self.status.setText(text)

    # ---- preview ------------------------------------------------------------------------------------
    def preview(self) -> None:
        """Render on the slip worker, then show Qt's preview; its Print button prints those pages."""
        screening = self._ready()
        if screening is None or self._setup_incomplete():
            return
        settings, layout = self.station.settings, self.layout_code
        self._set_busy(True, tr("Preparing the preview…"))
        self.worker.submit(
            lambda _ctx: preview_job(screening, settings, layout), self._show_preview, self._fail
        )

    def _show_preview(self, result: tuple[Any, list[Any]]) -> None:
        self._set_busy(False, " ")
        slip, pages = result
        screening = self.screening
        if screening is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setFullPage(True)
        printer.setPageLayout(page_layout(pages[0].width_pt, pages[0].height_pt))
        dialog = print_preview_dialog(printer, self)
        # Painting prepared images is quick, so Qt's GUI-thread paint callback stays cheap.
        dialog.paintRequested.connect(lambda target: paint_pages(target, pages, set_page_size=False))
        dialog.accepted.connect(lambda: self._printed_from_preview(screening, slip, printer))
        self._keep(dialog)

    def _printed_from_preview(self, screening: Screening, slip: Any, printer: QPrinter) -> None:
        """The preview's own Print button printed the slip shown: archive it and record the copy."""
        label = printer_label(printer)
        self.worker.submit(
            lambda _ctx: slip_service.archive(screening, slip),
            lambda archived: self._record(archived, label, None),
            self._fail,
        )

    # ---- save as PDF --------------------------------------------------------------------------------
    def save_pdf(self) -> None:
        screening = self._ready()
        if screening is None or self._setup_incomplete():
            return
        dialog = file_dialog(self, tr("Save the slip as PDF"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(tr("PDF files (*.pdf)"))
        dialog.setDefaultSuffix("pdf")
        start = Path(start_path(f"{slip_service.number_of(screening, self.station.settings)}.pdf"))
        dialog.setDirectory(str(start.parent))  # the user's Documents every time, never the last folder
        dialog.selectFile(start.name)
        dialog.fileSelected.connect(lambda path: self.export_pdf(Path(path)))
        self._keep(dialog)

    def export_pdf(self, target: Path) -> None:
        """Write the slip's PDF to ``target`` and record a ``pdf-export`` (the Save PDF… dialog ends here)."""
        screening = self._ready()
        if screening is None or self._setup_incomplete():
            return
        settings, layout = self.station.settings, self.layout_code
        self._set_busy(True, tr("Saving the PDF…"))
        self.worker.submit(
            lambda _ctx: slip_service.export_pdf(screening, settings, layout, target),
            lambda archived: self._record(archived, str(target), "pdf-export"),
            self._fail,
        )

    def _keep(self, dialog: Any) -> None:
        """Open ``dialog`` (its signals already connected) and hold it until it finishes."""
        self._dialogs.append(dialog)
        dialog.finished.connect(lambda _result: self._dialogs.remove(dialog))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        # Window-modal and non-blocking; QDialog.open because the subclasses overload open(receiver, slot).
        QDialog.open(dialog)
