"""The pharmacy counter: register a purchaser of fever or cough medicine, see repeats and advice, export.

Flow: as soon as the document number or the phone is valid, earlier purchases within the setting's
days are looked up on the worker and shown inline (the queue keeps moving: nothing modal).  The advice
panel follows the temperature and the history answers live.  Saving checks repeats again on the worker
in the same call, so a repeat found only then stops the save and is shown; F7 confirms and the next
Enter saves.  After a save the form clears, the advice stays, and a fever-clinic advice offers the
referral slip (F10 → ``slip_requested``).  A save is an operation run through ``Station.perform``:
the stored purchase is broadcast (``Station.changed``), today's list inserts it and asks for the day's
figures (``ui.desk.widgets.day_list``), and the other screens refresh what they show.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fever_desk.drugs import CatalogueError, Drug, default_catalogue, load_catalogue, user_catalogue_path
from fever_desk.guidelines import get_guideline
from fever_desk.i18n import current_language, tr
from fever_desk.model import MeasureMode, Temperature
from fever_desk.pharmacy import (
    OtherPerson,
    Purchase,
    Purchaser,
    RepeatMatch,
    advice,
    with_advice,
)
from fever_desk.settings import Settings
from fever_desk.validation import check_temperature
from ui.desk.pharmacy.form import PharmacyForm
from ui.desk.pharmacy.panels import AdvicePanel, RepeatPanel
from ui.desk.pharmacy.purchase_list import PurchaseList
from ui.desk.pharmacy.scanner import ScannerFilter
from ui.desk.station import Station
from ui.desk.widgets.day_list import DayListLoader
from ui.desk.widgets.typed_since import TypedSincePress
from ui.services import pharmacy as ops


def repeat_days(settings: Settings) -> int:
    return int(getattr(settings, "repeat_purchase_days", 3))


class PharmacyScreen(QWidget):
    saved = Signal(object)
    slip_requested = Signal(object)  # the saved Purchase with fever-clinic advice
    day_loaded = Signal()
    repeats_shown = Signal(object)  # list[RepeatMatch], after each lookup
    exported = Signal(object)  # (path, rows) once the file is written

    def __init__(self, station: Station, parent: QWidget | None = None):
        super().__init__(parent)
        self.station = station
        self._saving = False
        self._lookup_key = ("", "")
        self.password_dialog: QWidget | None = None  # a zipped export's password, until dismissed
        guideline = get_guideline(station.settings.guideline_id)
        self.form = PharmacyForm(guideline, self._load_catalogue())
        self.typed_since = TypedSincePress(self.form.typed_fields())
        self.advice = AdvicePanel(self)
        self.repeats = RepeatPanel(self)
        self.today = PurchaseList(self)
        self.status = QLabel(self)
        self.status.setObjectName("pharmacy_status")
        self.status.setWordWrap(True)
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("export_register")
        self.export_button.clicked.connect(self.ask_export)
        self.catalogue_button = QPushButton(self)
        self.catalogue_button.setObjectName("edit_catalogue")
        self.catalogue_button.clicked.connect(self.edit_catalogue)
        self._layout()
        self._lookup_timer = QTimer(self)
        self._lookup_timer.setSingleShot(True)
        self._lookup_timer.setInterval(150)
        self._lookup_timer.timeout.connect(self.look_for_repeats)
        self.form.save_requested.connect(self.save)
        self.form.changed.connect(self._form_changed)
        self.form.person_changed.connect(lambda *_k: self._lookup_timer.start())
        self.form.cleared.connect(self._form_cleared)
        self.advice.slip_clicked.connect(self.request_slip)
        # Other counters' purchasers appear within seconds: a cheap change probe, a reload only on change.
        self.day = DayListLoader(
            station,
            self.today,
            ops.load_purchase_day,
            self,
            count=ops.load_purchase_counts,
            kind="purchases",
            record_type=Purchase,
            repository=lambda ctx: ctx.purchases,
            screen=self,
        )
        self.live = self.day.live
        self.day.loaded.connect(self.day_loaded)
        station.settings_changed.connect(self._settings_changed)
        self.scanner = ScannerFilter(self.form, station.settings.scanner_max_gap_ms)
        self.scan_question: QMessageBox | None = None
        self.catalogue_dialog: QWidget | None = None  # the last one opened (tests reach it here)
        self.scanner.scanned.connect(self.scanned)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence(Qt.Key.Key_F7), self, self.repeats.confirm, context=context)
        QShortcut(QKeySequence(Qt.Key.Key_F10), self, self.request_slip, context=context)
        # F2 (next) and Ctrl+F (find) are the window's menu actions, which call next_record() / find().
        self.retranslate()

    def next_record(self) -> None:
        self.form.clear()

    def find(self) -> None:
        self.today.focus_search()

    def _layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        scroll = QScrollArea(splitter)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        right = QWidget(splitter)
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.advice)
        side.addWidget(self.repeats)
        side.addWidget(self.status)
        side.addWidget(self.today, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.catalogue_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        side.addLayout(buttons)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter)

    def _load_catalogue(self) -> list[Drug]:
        """The pharmacy's own catalogue, else the shipped one; a broken file is reported, not fatal."""
        try:
            return load_catalogue(user_catalogue_path(self.station.settings_path))
        except (CatalogueError, OSError) as exc:
            self.station.problem.emit(tr("The medicine catalogue cannot be read: {problem}", problem=exc))
            return default_catalogue()

    def retranslate(self) -> None:
        self.form.retranslate()
        self.advice.retranslate()
        self.repeats.retranslate()
        self.today.retranslate()
        self.export_button.setText(tr("Export register…"))
        self.catalogue_button.setText(tr("Medicine catalogue…"))
        self._form_changed()

    def _settings_changed(self, old: Settings) -> None:
        new = self.station.settings
        if new.guideline_id != old.guideline_id:
            self.form.set_guideline(get_guideline(new.guideline_id))
        self.scanner.set_max_gap_ms(new.scanner_max_gap_ms)
        self._form_changed()

    def _item_texts(self) -> dict[str, str]:
        language = current_language()
        items = (*self.form.guideline.symptoms, *self.form.guideline.epidemiological)
        return {item.id: item.text.get(language) or item.text.get("zh_CN", item.id) for item in items}

    # ---- live advice --------------------------------------------------------------------------------
    def _form_changed(self) -> None:
        """Advice from what is known so far: a fever or one "yes" is enough, before the form is complete."""
        celsius, _ = check_temperature(self.form.temperature.text(), required=True)
        epi = {k: bool(v) for k, v in self.form.epidemiological.values().items() if v is not None}
        if celsius is None and not any(epi.values()):
            if self.advice.saved is None:
                self.advice.show_advice(None)
            return
        draft = self.form.draft()
        other_c, _ = check_temperature(draft.other_temperature, required=False)
        probe = Purchase(
            purchaser=Purchaser("", self.form.document_type.currentData(), "", ""),
            temperature=Temperature(celsius if celsius is not None else 0.0),
            symptoms={},
            epidemiological=epi,
            drugs=[],
            other=None,
        )
        if draft.for_other and other_c is not None:
            probe.other = OtherPerson("", "", temperature_c=other_c)
        self.advice.show_advice(advice(probe, self.station.fever_rule), item_texts=self._item_texts())

    def scanned(self, code: str) -> None:
        """A barcode scanner's code: the catalogue's drug is added, else the status line says why not."""
        drug = self.form.drugs.find_barcode(code)
        if drug is not None:
            self.form.drugs.add_drug(drug)
            self.status.setText(tr("Scanned {code}: {drug} added.", code=code, drug=drug.name))
        else:
            self.status.setText(
                tr(
                    "Scanned {code}: no medicine in the catalogue has this barcode. Add it in "
                    '"Medicine catalogue…", then scan again.',
                    code=code,
                )
            )
            self._offer_to_add(code)

    def _offer_to_add(self, code: str) -> None:
        """An unknown box: offer the catalogue with a new row holding the code (Esc: not now)."""
        if self.scan_question is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, tr("Unknown barcode"), "", parent=self)
        box.setObjectName("unknown_barcode")
        box.setText(tr("No medicine in the catalogue has barcode {code}. Add it now?", code=code))
        add = box.addButton(tr("&Add to the catalogue…"), QMessageBox.ButtonRole.AcceptRole)
        later = box.addButton(tr("&Not now"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(add)
        box.setEscapeButton(later)
        self.scan_question = box

        def answered(_result: int) -> None:
            self.scan_question = None
            if box.clickedButton() is add:
                self.edit_catalogue_adding(code)

        box.finished.connect(answered)
        box.open()

    def set_device_reading(self, celsius: float, mode: MeasureMode, device: str, at: datetime) -> None:
        self.form.set_device_reading(celsius, mode, device, at)

    # ---- repeats ------------------------------------------------------------------------------------
    def look_for_repeats(self) -> None:
        id_number, phone = self.form.person_key()
        if not self.station.db_ready or not (id_number or phone):
            if not (id_number or phone):
                self.repeats.reset()
            return
        self._lookup_key = (id_number, phone)
        days = repeat_days(self.station.settings)
        now = datetime.now().astimezone()
        self.station.worker.submit(
            lambda ctx: ops.recent_purchases(ctx, id_number, phone, now, days),
            lambda matches, key=(id_number, phone): self._repeats_found(key, matches),
            self.station.report,
        )

    def _repeats_found(self, key: tuple[str, str], matches: list[RepeatMatch]) -> None:
        if key != self.form.person_key():
            return  # the pharmacist has typed on: a newer lookup is coming
        self.repeats.show_matches(matches, repeat_days(self.station.settings))
        self.repeats_shown.emit(matches)

    # ---- saving -------------------------------------------------------------------------------------
    def save(self, purchase: Purchase) -> None:
        if self._saving:
            return
        if not self.station.db_ready:
            self.status.setText(tr("The database is not open yet; the form keeps what you typed."))
            return
        if self.repeats.pending():
            self.status.setText(tr("Confirm the earlier purchases with F7, then save again."))
            return
        self._saving = True
        self.typed_since.press()  # what is typed from now on is not this registration's: keep it
        settings = self.station.settings
        with_advice(purchase, self.station.fever_rule)
        purchase.station_id = settings.station_id
        purchase.operator = settings.operator
        days = repeat_days(settings)
        acknowledged = self.repeats.acknowledged
        self.station.perform(
            lambda ctx: ops.save_purchase(ctx, purchase, days, acknowledged),
            self._saved,
            self._save_failed,
            initiator=self,
        )

    def _saved(self, result: ops.SaveResult) -> None:
        self._saving = False
        if result.saved is None:
            self.repeats.show_matches(result.repeats, repeat_days(self.station.settings))
            self.status.setText(tr("Confirm the earlier purchases with F7, then save again."))
            self.repeats_shown.emit(result.repeats)
            return
        self.station.problem.emit("")
        queued = tr("Saved on this counter. It will be sent when the server is back.")
        self.status.setText(queued if result.queued else "")
        typed_after, focus = self.typed_since.changed(), QApplication.focusWidget()
        self.form.clear()
        if typed_after:  # a slow save: what the pharmacist typed since stays, as the next registration
            self.typed_since.restore(typed_after)
            if focus is not None and self.form.isAncestorOf(focus):
                focus.setFocus(Qt.FocusReason.OtherFocusReason)
            note = tr("What you typed after pressing save is still in the form, as a new record.")
            self.status.setText(f"{self.status.text()} {note}".strip())
        else:
            self.typed_since.forget()
        self.advice.show_saved(result.saved, self._item_texts())
        self.saved.emit(result.saved)  # then Station.changed: the list inserts the row (widgets.day_list)

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self.typed_since.forget()  # the form still holds everything, typed before and after
        self.station.report(error, tr("Not saved: {problem} The form still holds everything typed."))

    def _form_cleared(self) -> None:
        self.repeats.reset()
        self._lookup_key = ("", "")

    def request_slip(self) -> None:
        saved = self.advice.saved
        if saved is not None and self.advice.fever_clinic():
            self.slip_requested.emit(saved)

    # ---- the day's list -----------------------------------------------------------------------------
    def refresh_day(self) -> None:
        self.day.refresh()

    # ---- export and catalogue -----------------------------------------------------------------------
    def ask_export(self) -> None:
        from ui.desk.pharmacy.register_export import ask_export

        chosen = ask_export(self, self.station.settings.institution)
        if chosen is not None:
            first, last, path, zipped = chosen
            self.export_to(Path(path), first, last, zipped=zipped)

    def export_to(self, path: Path, first: date, last: date, *, zipped: bool = False) -> None:
        """Write the register on the worker; the screen only reports the outcome (and a ZIP's password,
        in a dialog that stays until dismissed)."""
        institution = self.station.settings.institution or self.station.settings.station_name
        font_path = self.station.settings.slip_font_path
        self.status.setText(tr("Writing {file}…", file=path.name))

        def done(written: ops.RegisterExport) -> None:
            from ui.desk.widgets.export_privacy import show_password

            file = written.file
            self.status.setText(
                tr("{rows} purchases written to {file}", rows=written.rows, file=str(file.path))
            )
            self.password_dialog = show_password(self, file)
            self.exported.emit((file.path, written.rows))

        self.station.perform(  # an operation (the file and its audit entry), like every write
            lambda ctx: ops.export_register(ctx, first, last, path, institution, font_path, zipped=zipped),
            done,
            lambda error: self.station.report(error, tr("Export failed: {problem}")),
        )

    def edit_catalogue(self) -> None:
        self.edit_catalogue_adding("")

    def edit_catalogue_adding(self, barcode: str) -> None:
        """The catalogue dialog (window-modal, no nested event loop); with ``barcode``, a new row holding
        it, the cursor on its name.  A saved catalogue is used by the form at once."""
        from fever_desk.pharmacy import DrugCategory
        from ui.desk.pharmacy.drug_catalogue import DrugCatalogueDialog

        path = user_catalogue_path(self.station.settings_path)
        dialog = DrugCatalogueDialog(self._load_catalogue(), path, self)
        self.catalogue_dialog = dialog
        if barcode:
            dialog.add_row(Drug("", DrugCategory.ANTIPYRETIC, "盒", barcode), edit=True)
        dialog.accepted.connect(lambda: self.form.drugs.set_catalogue(dialog.saved_catalogue()))
        dialog.open()
