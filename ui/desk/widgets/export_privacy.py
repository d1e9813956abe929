"""What the desk adds to every export that leaves the station: where it starts, the ZIP choice, the password.

- The save dialogs start in the user's own Documents folder every time, never in the last folder used:
  on a shared PC the last folder may be a shared drive or someone else's USB stick, and the next
  pharmacist would write the register there without noticing.  (Qt's own file dialog writes a
  "lastVisited" entry in the user's ``QtProject.conf``; because a full start path is always given here,
  that entry is never where these dialogs open.)
- "Encrypted ZIP" is offered beside each export button.
- The one-time password is shown in a dialog that stays until it is dismissed, large and grouped, so it
  can be read out over the phone; it is kept nowhere else (``fever_desk.export_files``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from fever_desk.export_files import ExportedFile
from fever_desk.i18n import tr


def start_path(file_name: str) -> str:
    """``file_name`` in the user's Documents (the home folder when there is none): the save dialogs'
    starting point, the same every time."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    documents = Path(folder) if folder else None
    return str((documents if documents and documents.is_dir() else Path.home()) / file_name)


def zip_checkbox(parent: QWidget, name: str) -> QCheckBox:
    """The "encrypted ZIP" choice, off by default (the recipient needs 7-Zip or WinRAR to open it)."""
    box = QCheckBox(parent)
    box.setObjectName(name)
    retranslate_zip(box)
    return box


def retranslate_zip(box: QCheckBox) -> None:
    box.setText(tr("Encrypted ZIP with a one-time password"))
    box.setToolTip(
        tr(
            "The file goes out as an AES-256 ZIP. Tell the recipient the password by phone, not in the "
            "same message as the file. Windows Explorer cannot open it: use 7-Zip, WinRAR or Bandizip."
        )
    )


class PasswordDialog(QDialog):
    """The ZIP's one-time password, until the user closes this dialog (it is never shown again)."""

    def __init__(self, exported: ExportedFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zip_password")
        self.setWindowTitle(tr("Password of the encrypted ZIP"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Written to {file}", file=str(exported.path)), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.password = QLabel(exported.password.replace("-", " - "), self)
        self.password.setObjectName("zip_password_text")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(font.pointSize(), 10) * 2)
        font.setWeight(QFont.Weight.Bold)
        self.password.setFont(font)
        self.password.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.password.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.password)
        advice = QLabel(
            tr(
                "Read it out to the recipient by phone, group by group, with the dashes; it contains only "
                "capital letters and digits (no 0, O, 1, I or L). It is shown only now and is not kept "
                "anywhere: write it down before closing if you must."
            ),
            self,
        )
        advice.setWordWrap(True)
        layout.addWidget(advice)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def typed_password(self) -> str:
        """The password as it must be typed (the dialog spaces the groups out for reading)."""
        return self.password.text().replace(" ", "")


def show_password(parent: QWidget, exported: ExportedFile) -> PasswordDialog | None:
    """Open the password dialog for a zipped export (non-blocking; it stays until dismissed)."""
    if not exported.zipped:
        return None
    dialog = PasswordDialog(exported, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
