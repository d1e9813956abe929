"""Issuing, archiving and recording referral slips, shared by the desk and the ``fever-desk slip`` command.

No Qt here, so the command line can issue a slip on a machine without a screen.  The PDF from
:func:`fever_desk.slips.issue_slip` is the single source of truth: it is what is printed (rasterised by
``ui.desk.slips.printing``), what is saved, and what is archived under ``<data dir>/slips/YYYY/MM/``, so the
station can later show exactly what a patient was given.  Every copy gets its own archive file (a reprint is
signed anew, with a new issue time), created exclusively so two desks sharing a folder never overwrite a slip.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fever_desk.model import Disposition, Screening
from fever_desk.settings import Settings

if TYPE_CHECKING:  # reportlab, cryptography and qrcode load on the slip worker, not at start-up
    from fever_desk.slips import IssuedSlip
    from ui.services.context import DeskContext

DATA_ENV = "FEVER_DESK_DATA"
DEFAULT_LAYOUT = "80mm"
# The names of fever_desk.slips.LAYOUTS, known without importing reportlab (a test keeps them equal).
KNOWN_LAYOUTS = ("80mm", "a5")
# Outcomes whose patient must leave with a slip: the panel makes printing the obvious next step.
REFERRED = frozenset({Disposition.FEVER_CLINIC, Disposition.SUSPECTED})


def data_dir() -> Path:
    """``FEVER_DESK_DATA`` (tests, portable installs), else the per-user data folder; created if missing.

    The signing key pair and the slip archive live here, beside the default database."""
    override = os.environ.get(DATA_ENV)
    if override and override.strip():
        folder = Path(override.strip()).expanduser()
    else:
        from platformdirs import user_data_dir

        folder = Path(user_data_dir("fever-desk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pending_deletions(base: Path | None = None) -> Path:
    """The purge's to-do list of archived slip PDFs still to delete (see ``db.retention``)."""
    from db.retention import PENDING_FILE

    return (base or data_dir()) / "slips" / PENDING_FILE


def files_left_message(files: list[str]) -> str:
    """What the user reads when a purge could not delete some files yet (a slip PDF open in a viewer, an
    export open in Excel)."""
    from fever_desk.i18n import tr

    return tr(
        "{count} file(s) are open in another program and were not deleted yet: {files}. Close them; "
        "they are deleted at the next purge.",
        count=len(files),
        files=", ".join(files[:3]) + (" …" if len(files) > 3 else ""),
    )


def slip_setting(settings: Settings, name: str, default: Any) -> Any:
    """A slip setting from its dedicated field, else from the kept JSON keys, else ``default``: older
    settings files (and builds without the field) keep working."""
    value = getattr(settings, name, None)
    if value is None or value == "" or value == {}:
        value = settings.extra.get(name, default)
    return default if value is None else value


def layout_of(settings: Settings, requested: str | None = None) -> str:
    """The layout to print: the requested one, else the setting; an unknown name falls back to 80 mm."""
    layout = requested or str(slip_setting(settings, "slip_layout", DEFAULT_LAYOUT))
    return layout if layout in KNOWN_LAYOUTS else DEFAULT_LAYOUT


def archive_pdf(pdf: bytes, slip_number: str, issued_at: datetime, base: Path | None = None) -> Path:
    """Write ``pdf`` to ``<base>/slips/YYYY/MM/<slip number>.pdf``, then ``-2``, ``-3`` … for later copies."""
    from fever_desk.files import write_atomic

    folder = (base or data_dir()) / "slips" / f"{issued_at:%Y}" / f"{issued_at:%m}"
    for copy in range(1, 10_000):
        path = folder / (f"{slip_number}.pdf" if copy == 1 else f"{slip_number}-{copy}.pdf")
        try:
            return write_atomic(path, pdf, exclusive=True, mode=0o666)  # never over another desk's copy
        except FileExistsError:
            continue
    raise FileExistsError(f"too many archived copies of slip {slip_number} in {folder}")


@dataclass(frozen=True)
class ArchivedSlip:
    """An issued slip and where its PDF was archived."""

    screening: Screening
    slip: IssuedSlip
    archive_path: Path

    @property
    def slip_number(self) -> str:
        return self.slip.content.slip_number


def number_of(screening: Screening, settings: Settings) -> str:
    """The number a slip for ``screening`` carries: derived from the screening, so known before issuing."""
    from fever_desk.slips.content import slip_number

    station_id = screening.station_id or settings.station_id
    return slip_number(screening, station_id, (screening.created_at or datetime.now()).astimezone())


def warm_up(settings: Settings) -> Path:
    """The slip worker's context: import the slip code and register the font once, off the GUI thread,
    so the first Ctrl+P is quick.  A missing font is not an error here; printing reports it."""
    from fever_desk.slips import FontNotFound, resolve_font, slip_font_path

    with contextlib.suppress(FontNotFound):
        resolve_font(slip_font_path(settings))
    return data_dir()


def issue(screening: Screening, settings: Settings, layout: str | None = None) -> IssuedSlip:
    """Sign and render a slip with this station's key (made on first use in the data folder).

    Raises ``FontNotFound``, and ``ValueError`` for a screening without an outcome."""
    from fever_desk.slips import issue_slip

    return issue_slip(screening, settings, data_dir(), layout=layout_of(settings, layout))


def archive(screening: Screening, slip: IssuedSlip) -> ArchivedSlip:
    """Archive a slip that has left the station (printed from the preview)."""
    return ArchivedSlip(
        screening, slip, archive_pdf(slip.pdf, slip.content.slip_number, slip.content.issued_at)
    )


def issue_and_archive(screening: Screening, settings: Settings, layout: str | None = None) -> ArchivedSlip:
    """For a PDF export: the PDF is archived at once because it leaves the station as it is written."""
    return archive(screening, issue(screening, settings, layout))


def export_pdf(screening: Screening, settings: Settings, layout: str | None, target: Path) -> ArchivedSlip:
    """Issue, archive, and write the exact PDF to ``target`` (Save PDF…), mode 0600 like every export; a
    reader never sees half a file.

    Raises ``fever_desk.files.FileInUse`` when ``target`` is open in a PDF viewer (Windows refuses to
    replace it); then neither ``target`` nor the archive has changed."""
    from fever_desk.export_files import write_private_bytes

    archived = issue_and_archive(screening, settings, layout)
    try:
        # 0600 beside the target, then swapped in; a PDF still open in a viewer: FileInUse, naming it
        write_private_bytes(target, archived.slip.pdf)
    except BaseException:
        # Nothing left the station: the archive copy (ours alone, created exclusively) goes too, so no
        # archived PDF exists without the print record that the caller writes only on success.
        archived.archive_path.unlink(missing_ok=True)
        raise
    return archived


def slip_prints(context: DeskContext) -> Any:
    """The slip-print repository of a database worker context (``ui.services.database.Database``)."""
    return context.slip_prints


@dataclass(frozen=True)
class SlipRecorded:
    """The record of an issued slip (``db.slip_repository.SlipPrint``); ``queued``: kept on this counter
    until the shared server is back."""

    row: Any
    queued: bool = False


def record(
    context: DeskContext,
    archived: ArchivedSlip,
    settings: Settings,
    *,
    printer: str,
    kind: str | None = None,
) -> SlipRecorded:
    """Record a copy on the database worker; ``kind=None`` lets the repository tell print from reprint.

    The row and its audit entry commit together (one unit of work) and name the logged-in operator.
    On a shared server that is out of reach both wait in this counter's outbox (``queued``,
    ``db.offline.slips``): the slip was issued all the same."""
    from db.offline.link import was_queued
    from ui.services.audit_hooks import audit
    from ui.services.screening import operator_of

    with context.unit_of_work() as session:
        row = slip_prints(context).record(
            archived.screening.id,
            archived.slip_number,
            kind=kind,
            operator=operator_of(context, settings.operator),
            station_id=archived.screening.station_id or settings.station_id,
            printer=printer,
            layout=archived.slip.layout,
            archive_path=str(archived.archive_path),
            printed_at=archived.slip.content.issued_at,
            session=session,
        )
        action = row.kind if row.kind in ("print", "reprint") else "export"
        detail = f"slip={archived.slip_number}"
        audit(context, action, "screening", str(archived.screening.id), detail, session=session)
    return SlipRecorded(row, was_queued(session))
