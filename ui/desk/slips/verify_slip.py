"""The hospital's side of a slip: scan its QR code and see at once whether this station really issued it.

A barcode scanner is a keyboard that types the code and presses Enter, so the code box verifies on Enter
and then selects its text for the next scan.  The verdict is one large coloured word (GENUINE / ALTERED
OR NOT FROM THIS STATION / MALFORMED) with the decoded slip number, station, time and outcome beneath it:
the person checking compares those with what is printed.

Which key verifies: the one typed or chosen in the key box; else the key remembered for the station the
code names (a key that once verified a genuine slip is remembered per station in the settings); else this
station's own key.  Key files are read on a small worker thread, never on the GUI thread.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fever_desk.i18n import current_language, tr
from fever_desk.triage import disposition_label
from ui.desk.runtime.workers import Worker
from ui.desk.station import Station
from ui.desk.widgets.file_dialogs import file_dialog
from ui.services import slips as slip_service

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from fever_desk.slips import VerifyResult

_VERDICTS = {
    "ok": ("GENUINE", "#1b7f3b"),
    "bad_signature": ("ALTERED OR NOT FROM THIS STATION", "#b00020"),
    "malformed": ("MALFORMED", "#8a5a00"),
    "unsupported": ("MALFORMED", "#8a5a00"),
}
_CODE_LETTERS = {"routine": "R", "fever_clinic": "F", "suspected": "S"}


def remembered_keys(settings: Any) -> dict[str, str]:
    """Station id → ``ed25519:…`` text, from the settings field or (older settings) the kept JSON keys."""
    keys = slip_service.slip_setting(settings, "slip_public_keys", {})
    return {str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {}


def with_remembered_key(settings: Any, station_id: str, key_text: str) -> Any:
    """A copy of ``settings`` that remembers ``key_text`` for ``station_id``."""
    keys = {**remembered_keys(settings), station_id: key_text}
    if hasattr(settings, "slip_public_keys"):
        return replace(settings, slip_public_keys=keys)
    return replace(settings, extra={**settings.extra, "slip_public_keys": keys})


def _own_key(data_dir: Path) -> Ed25519PublicKey:
    """Worker: this station's public key (made on first use); also loads the slip code off the GUI thread."""
    from fever_desk.slips import load_or_create_keys

    return load_or_create_keys(data_dir).public_key


class VerifySlipScreen(QWidget):
    """A tab: the code box, the key box, the verdict and the decoded fields."""

    verified = Signal(object)  # VerifyResult

    def __init__(self, station: Station, worker: Worker | None = None) -> None:
        super().__init__()
        self.station = station
        self._own_worker = worker is None
        self.worker: Worker = worker or Worker(slip_service.data_dir, name="verify-worker")
        self._started = False  # the key is read when the screen is first shown, not at start-up
        self.own_key: Ed25519PublicKey | None = None
        self.result: VerifyResult | None = None
        self.own_key_text = ""  # set when shown, for a test or a support call
        self._waiting = False
        self._dialogs: list[Any] = []
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.code = QLineEdit(self)
        self.code.setObjectName("verify_code")
        self.verify_button = QPushButton(self)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code, 1)
        code_row.addWidget(self.verify_button)
        self.key = QLineEdit(self)
        self.key.setObjectName("verify_key")
        self.key_file_button = QPushButton(self)
        self.own_key_button = QPushButton(self)
        key_row = QHBoxLayout()
        for widget in (self.key, self.key_file_button, self.own_key_button):
            key_row.addWidget(widget, 1 if widget is self.key else 0)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("verify_verdict")
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict.setWordWrap(True)
        font = self.verdict.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.verdict.setFont(font)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        form = QFormLayout()
        self.field_labels = [QLabel(self) for _ in range(5)]
        self.fields = [QLabel(self) for _ in range(5)]
        for label, value in zip(self.field_labels, self.fields, strict=True):
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, value)
        layout.addWidget(self.heading)
        layout.addLayout(code_row)
        layout.addLayout(key_row)
        layout.addWidget(self.verdict)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addStretch(1)
        self.code.returnPressed.connect(self.verify)
        self.verify_button.clicked.connect(self.verify)
        self.key_file_button.clicked.connect(self.choose_key_file)
        self.own_key_button.clicked.connect(self.show_own_key)
        self.retranslate()
        self._clear()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._start()

    def _start(self) -> None:
        if self._started:
            return
        self._started = True
        if self._own_worker:
            self.worker.start()
        self.worker.submit(_own_key, self._own_key_loaded, self._key_failed)

    def stop(self) -> None:
        """Join the key worker (main window close, tests' teardown)."""
        if self._own_worker:
            self.worker.stop()

    def retranslate(self) -> None:
        self.heading.setText(
            tr("Scan the QR code on a referral slip (or paste its text and press Enter) to check it.")
        )
        self.code.setPlaceholderText(tr("FD1.… (scan or paste)"))
        self.verify_button.setText(tr("Verify"))
        self.key.setPlaceholderText(tr("Station public key ed25519:… (empty: remembered or this station's)"))
        self.key_file_button.setText(tr("Key file…"))
        self.own_key_button.setText(tr("Show this station's public key"))
        names = ("Slip number", "Station", "Issued", "Outcome", "Key used")
        for label, name in zip(self.field_labels, names, strict=True):
            label.setText(tr(name))
        if self.result is not None:
            self._show(self.result, self.fields[4].text())

    # ---- verifying ----------------------------------------------------------------------------------
    def verify(self) -> VerifyResult | None:
        """Check the code box against the chosen key; verification itself is microseconds, on this thread."""
        from fever_desk.slips import fingerprint, load_public_key, verify_payload

        self._start()
        text = self.code.text().strip()
        self.code.selectAll()  # the next scan replaces this one
        if not text:
            return None
        typed = self.key.text().strip()
        if typed:
            try:
                key = load_public_key(typed)
            except (ValueError, TypeError, OSError) as exc:
                self._key_failed(exc)
                return None
            return self._verify_with(text, key, tr("entered: {fp}", fp=fingerprint(key)), remember=typed)
        if self.own_key is None:
            self._waiting = True  # the own key is still being read; verify when it arrives
            return None
        station = verify_payload(text, self.own_key).station_id
        remembered = remembered_keys(self.station.settings).get(station)
        if remembered:
            try:
                key = load_public_key(remembered)
            except (ValueError, TypeError) as exc:
                self._key_failed(exc)
                return None
            source = tr("remembered for station {station}: {fp}", station=station, fp=fingerprint(key))
            return self._verify_with(text, key, source)
        source = tr("this station's own key: {fp}", fp=fingerprint(self.own_key))
        return self._verify_with(text, self.own_key, source)

    def _verify_with(self, text: str, key: Ed25519PublicKey, source: str, remember: str = "") -> VerifyResult:
        from fever_desk.slips import public_key_text, verify_payload

        result = verify_payload(text, key)
        self._show(result, source)
        settings = self.station.settings
        if (
            result.ok
            and remember
            and remembered_keys(settings).get(result.station_id) != public_key_text(key)
        ):
            self.station.update_settings(
                with_remembered_key(settings, result.station_id, public_key_text(key))
            )
        self.verified.emit(result)
        return result

    def _show(self, result: VerifyResult, source: str) -> None:
        self.result = result
        word, colour = _VERDICTS.get(result.reason, _VERDICTS["malformed"])
        self.verdict.setText(tr(word))
        self.verdict.setStyleSheet(f"background: {colour}; color: white; padding: 12px; border-radius: 6px;")
        language = current_language()
        self.message.setText(result.message(language))
        outcome = ""
        if result.disposition is not None:
            letter = _CODE_LETTERS.get(result.disposition.value, "?")
            outcome = f"{letter} — {disposition_label(result.disposition, language)}"
        issued = result.issued_at.astimezone().strftime("%Y-%m-%d %H:%M") if result.issued_at else ""
        station = result.station_id
        if station and station == self.station.settings.station_id:
            station = tr("{station} (this station)", station=station)
        for label, value in zip(
            self.fields, (result.slip_number, station, issued, outcome, source), strict=True
        ):
            label.setText(value)

    def _clear(self) -> None:
        self.verdict.setText("")
        self.verdict.setStyleSheet("")
        self.message.setText("")
        for label in self.fields:
            label.setText("")

    def _own_key_loaded(self, key: Ed25519PublicKey) -> None:
        self.own_key = key
        if self._waiting:
            self._waiting = False
            self.verify()

    def _key_failed(self, error: BaseException) -> None:
        self._clear()
        self.verdict.setText(tr("KEY UNREADABLE"))
        self.verdict.setStyleSheet("background: #8a5a00; color: white; padding: 12px; border-radius: 6px;")
        self.message.setText(tr("The public key cannot be read: {problem}", problem=str(error)))

    # ---- keys ---------------------------------------------------------------------------------------
    def choose_key_file(self) -> None:
        dialog = file_dialog(self, tr("Choose the station's public key"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter(tr("Public keys (*.pem *.pub)"))
        dialog.fileSelected.connect(lambda path: self.load_key_file(Path(path)))
        self._keep(dialog)

    def load_key_file(self, path: Path) -> None:
        """Read a ``.pub.pem`` on the worker and put its short ``ed25519:…`` form in the key box."""
        from fever_desk.slips import load_public_key, public_key_text

        self._start()
        self.worker.submit(
            lambda _folder: public_key_text(load_public_key(path)), self._key_file_loaded, self._key_failed
        )

    def _key_file_loaded(self, text: str) -> None:
        self.key.setText(text)
        if self.code.text().strip():
            self.verify()

    def show_own_key(self) -> None:
        """The text to give the hospital: ``ed25519:…``, its fingerprint and the key file's place."""
        from fever_desk.slips import load_or_create_keys

        self._start()
        self.worker.submit(
            lambda folder: (load_or_create_keys(folder), folder), self._own_key_shown, self._key_failed
        )

    def _own_key_shown(self, loaded: tuple[Any, Path]) -> None:
        from fever_desk.slips import public_key_text

        keys, folder = loaded
        text = public_key_text(keys.public_key)
        box = QMessageBox(self)
        box.setWindowTitle(tr("This station's public key"))
        box.setText(
            tr(
                "Give this key to the designated hospital once. Fingerprint printed on slips: {fp}",
                fp=keys.fingerprint(),
            )
        )
        box.setInformativeText(f"{text}\n\n{folder / 'slip-signing-key.pub.pem'}")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        copy = box.addButton(tr("Copy"), QMessageBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(text))
        box.addButton(QMessageBox.StandardButton.Close)
        self.own_key_text = text
        self._keep(box)

    def _keep(self, dialog: Any) -> None:
        self._dialogs.append(dialog)
        dialog.finished.connect(lambda _result: self._dialogs.remove(dialog))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        # Window-modal and non-blocking; QDialog.open because the subclasses overload open(receiver, slot).
        QDialog.open(dialog)
