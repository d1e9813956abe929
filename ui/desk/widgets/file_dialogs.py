"""File dialogs that never open the files they list: the station's SQLite files may be among them.

Qt's file dialog names and draws each file by its type, and for a name it does not know (``…-shm``,
``…-wal``) it reads the first bytes to guess one: it opens the file and closes it again.  On POSIX,
closing *any* descriptor of a file drops every lock this process holds on it — including SQLite's lock
on the database's shared-memory file (``-shm``), which tells other programs that the station is using
it.  The next program to open the database (a nurse's second tool, ``fever-desk report``, a test
reading the file) then believes it is the first, resets the ``-shm`` file to a few bytes, and the
station's next save touches memory mapped beyond the file's new end: the station dies with SIGBUS
(``tests/ui/test_file_dialogs.py`` reproduces it).  A dialog that starts in Documents can still be
taken to the data folder by hand, so the remedy is in every dialog rather than in where it starts.

Qt's print dialog has such a list too, out of sight: its "print to file" field completes file names
from a list of the home folder, made when the dialog is, and as soon as the dialog showed that list
opened every file there whose name tells no type, ``-shm`` included (``tests/ui/test_print_dialogs.py``:
the print dialog of Ctrl+P, and the one behind the preview's Print button, over a home folder holding the
database).  :func:`print_dialog` and :func:`print_preview_dialog` give those lists the same name-only
icons and types.

:func:`file_dialog` gives a dialog whose icons and type names come from the name alone
(:class:`NameOnlyIconProvider`), set before the dialog looks at any folder.  On Linux it is Qt's own
dialog, because a desktop's native dialog (GTK, in this process) sniffs file contents too and takes no
icon provider.  Every file dialog and print dialog of the desk is made here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QFileInfo, QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QFileSystemModel, QWidget

from fever_desk.i18n import tr

if TYPE_CHECKING:  # QtPrintSupport loads with the first print dialog, not with every file dialog
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog

#: Where a dialog looks before it is given its own folder: the file system's root holds no database.
_NEUTRAL_START = str(Path(Path.cwd().anchor or "/"))


class NameOnlyIconProvider(QFileIconProvider):
    """A folder or a file icon and a type taken from the name's suffix: nothing is opened to find out."""

    def icon(self, what: QFileInfo | QFileIconProvider.IconType) -> QIcon:  # type: ignore[override]
        if isinstance(what, QFileIconProvider.IconType):
            return super().icon(what)
        kind = QFileIconProvider.IconType.Folder if what.isDir() else QFileIconProvider.IconType.File
        return super().icon(kind)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return tr("Folder")
        suffix = info.suffix()
        return tr("{suffix} file", suffix=suffix.upper()) if suffix else tr("File")


_PROVIDER: NameOnlyIconProvider | None = None


def _provider() -> NameOnlyIconProvider:
    """One provider for the process: Qt does not own it, so it must outlive every dialog."""
    global _PROVIDER
    if _PROVIDER is None:
        _PROVIDER = NameOnlyIconProvider()
    return _PROVIDER


def file_dialog(parent: QWidget | None, title: str, directory: str | Path | None = None) -> QFileDialog:
    """A file dialog titled ``title`` that lists ``directory`` (when given) without opening any file."""
    dialog = QFileDialog(parent, title, _NEUTRAL_START)
    if sys.platform.startswith("linux"):
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setIconProvider(_provider())
    if directory is not None:
        dialog.setDirectory(str(directory))
    return dialog


def ask_save_path(parent: QWidget | None, title: str, start: str, filters: str) -> tuple[str, str]:
    """``QFileDialog.getSaveFileName`` made with :func:`file_dialog`: the path chosen ("" on cancel) and
    the filter chosen, as Qt's returns them."""
    target = Path(start)
    dialog = file_dialog(parent, title, target.parent)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilters(filters.split(";;"))
    dialog.selectFile(target.name)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return "", ""
    return dialog.selectedFiles()[0], dialog.selectedNameFilter()


def ask_open_path(parent: QWidget | None, title: str, start: str, filters: str) -> tuple[str, str]:
    """``QFileDialog.getOpenFileName`` made with :func:`file_dialog`: an existing file ("" on cancel)
    and the filter chosen; ``start`` is a file or a folder."""
    where = Path(start) if start else None
    dialog = file_dialog(parent, title, where if where is None or where.is_dir() else where.parent)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilters(filters.split(";;"))
    if where is not None and not where.is_dir():
        dialog.selectFile(where.name)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return "", ""
    return dialog.selectedFiles()[0], dialog.selectedNameFilter()


def name_only_file_lists(widget: QObject) -> None:
    """Every list of files inside ``widget`` (Qt's own completers) names and draws them from names alone."""
    for model in widget.findChildren(QFileSystemModel):
        if model.iconProvider() is not _provider():
            model.setIconProvider(_provider())


def print_dialog(printer: QPrinter, parent: QWidget | None) -> QPrintDialog:
    """Qt's print dialog, its "print to file" field's list of the home folder opening no file.

    The list is made (and starts reading the folder) with the dialog; the icons and types are asked for
    only once the event loop runs, so giving it the provider right here is in time."""
    from PySide6.QtPrintSupport import QPrintDialog

    dialog = QPrintDialog(printer, parent)
    name_only_file_lists(dialog)
    return dialog


class _NameOnlyChildDialogs(QObject):
    """On a print preview: the print dialog its Print button makes (Qt makes it then, not earlier) gets
    name-only file lists while it is being shown, before its list of the home folder has been drawn."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ChildPolished:
            name_only_file_lists(event.child())  # type: ignore[attr-defined]
        return False


def print_preview_dialog(printer: QPrinter, parent: QWidget | None) -> QPrintPreviewDialog:
    """Qt's print preview; the print dialog Qt makes when its Print button is pressed gets name-only file
    lists as :func:`print_dialog`'s has."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    dialog = QPrintPreviewDialog(printer, parent)
    dialog.installEventFilter(_NameOnlyChildDialogs(dialog))
    return dialog
