"""One writer for the tables that leave the station as XLSX or PDF: the pharmacy register
(``fever_desk.registers``), the observation register and one person's grid
(``fever_desk.observation.exports``), and the PDF pieces of the daily report (``fever_desk.report_export``)
and of the report card (``fever_desk.report_card.output``).

Every such file holds personal data and goes to someone outside the station, so each follows the same
rules, kept here once rather than in each export:

- written whole or not at all, mode 0600 (``fever_desk.export_files.write_atomic``);
- the personal-information marker first: the sheet's first row, the head of every PDF page
  (``fever_desk.export_files.MARKER``);
- a cell a spreadsheet would run as a formula (a name typed as ``=cmd|…``) gets an apostrophe
  (:func:`safe_cell`);
- PDFs in the slips' embedded TrueType font (``fever_desk.slips.fonts``), text escaped for reportlab's
  mini-markup and made printable (:func:`paragraph`);
- every XLSX value a text cell, so ID numbers keep their digits (as numbers Excel shows 4.3E+17).

What differs between the exports — columns, titles, page orientation, type sizes — is passed in
(:class:`TableLook`), so each export still looks as it did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fever_desk.export_files import MARKER, write_atomic

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: ``progress(rows done, rows)``, told as a file is written.
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000  # rows between two calls of ``progress`` for CSV and XLSX


class UnknownFormat(ValueError):
    """The output file's extension is not one the export writes."""


def check_format(path: Path, formats: Sequence[str]) -> str:
    """``path``'s extension, lower case, if the export writes it; ``UnknownFormat`` otherwise."""
    suffix = path.suffix.lower()
    if suffix not in formats:
        raise UnknownFormat(suffix or str(path))
    return suffix


def safe_cell(value: str) -> str:
    """A value a spreadsheet would run as a formula, made text with a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def tell(progress: Progress | None, done: int, total: int) -> None:
    """Call ``progress`` every :data:`PROGRESS_EVERY` rows and at the last one."""
    if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
        progress(done, total)


# ---- XLSX --------------------------------------------------------------------------------------------
def write_xlsx_table(
    path: Path,
    *,
    sheet_name: str,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float] = (),
    freeze: str | None = None,
    progress: Progress | None = None,
) -> None:
    """The marker in row 1 (bold red), the title in row 2, the subtitle (if any) next, the headers in bold,
    then the rows, each value a text cell made :func:`safe_cell`.  ``widths`` are the columns' widths in
    Excel's units; ``freeze`` the first cell below the frozen rows (``"A5"``)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def write(target: Path) -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(sheet_name)
        for index, width in enumerate(widths):
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        if freeze:
            sheet.freeze_panes = freeze
        for text, font in ((MARKER, Font(bold=True, color="B00020")), (title, Font(bold=True, size=14))):
            cell = WriteOnlyCell(sheet, text)
            cell.font = font
            sheet.append([cell])
        if subtitle:
            sheet.append([subtitle])
        bold = Font(bold=True)
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, header)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for done, row in enumerate(rows, 1):
            sheet.append([safe_cell(value) for value in row])
            tell(progress, done, len(rows))
        book.save(target)

    write_atomic(path, write)


# ---- PDF ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableLook:
    """How a PDF table looks: the type sizes (points), the cells' vertical alignment, whether the header
    row is shaded, and the gap (mm) between the subtitle and the table."""

    cell_size: float = 8
    cell_leading: float = 10
    head_size: float | None = None  # None: as the cells
    valign: str = "MIDDLE"
    shaded_header: bool = False
    gap_mm: float = 3


def pdf_font(font_path: str | None) -> str:
    """The registered name of the slips' font (the settings' ``slip_font_path``; empty: the shipped one)."""
    from fever_desk.slips.fonts import resolve_font

    return resolve_font(font_path or None).name


def pdf_styles(font: str, look: TableLook = TableLook()) -> dict[str, Any]:
    """Paragraph styles ``cell``, ``head``, ``title`` and ``sub`` (centred) in ``font``."""
    from reportlab.lib.styles import ParagraphStyle

    cell = ParagraphStyle(
        "cell", fontName=font, fontSize=look.cell_size, leading=look.cell_leading, wordWrap="CJK"
    )
    return {
        "cell": cell,
        "head": cell
        if look.head_size is None
        else ParagraphStyle("head", parent=cell, fontSize=look.head_size),
        "title": ParagraphStyle("title", fontName=font, fontSize=14, leading=18, alignment=1),
        "sub": ParagraphStyle("sub", fontName=font, fontSize=9, leading=12, alignment=1),
    }


def paragraph(text: str, style: Any) -> Any:
    """``text`` as a reportlab Paragraph: made printable in the font, ``& < >`` escaped (names are data)."""
    from reportlab.platypus import Paragraph

    from fever_desk.slips.fonts import printable

    escaped = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped, style)


def grid_table(
    data: list[list[Any]], widths: list[float], font: str, look: TableLook = TableLook(), repeat: int = 1
) -> Any:
    """A ruled table that splits across pages, its first ``repeat`` rows repeated on each."""
    from reportlab.lib import colors
    from reportlab.platypus import LongTable, TableStyle

    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
    ]
    if look.shaded_header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
    commands += [
        ("VALIGN", (0, 0), (-1, -1), look.valign),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    table = LongTable(data, colWidths=widths, repeatRows=repeat)
    table.setStyle(TableStyle(commands))
    return table


def build_pdf(
    path: Path,
    story: list[Any],
    *,
    title: str,
    font: str,
    page: tuple[float, float],
    margin_mm: float = 10,
    marker_at_mm: float = 6,
    numbered: bool = True,
    marker: str = MARKER,
    after_flowable: Callable[[object], None] | None = None,
) -> None:
    """Lay ``story`` out on ``page`` with equal margins into ``path`` atomically (0600).  Every page carries
    ``marker`` ``marker_at_mm`` below its top edge and, if ``numbered``, "第 N 页" at its foot.  The canvas
    starts in ``font``, not Helvetica."""
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    margin = margin_mm * mm
    sides = ("leftMargin", "rightMargin", "topMargin", "bottomMargin")

    def mark(canvas, doc) -> None:  # noqa: ANN001 - reportlab callback
        canvas.setFont(font, 7)
        canvas.drawString(margin, page[1] - marker_at_mm * mm, marker)
        if numbered:
            canvas.drawRightString(page[0] - margin, 6 * mm, f"第 {doc.page} 页")

    def write(target: Path) -> None:
        doc = SimpleDocTemplate(
            str(target), pagesize=page, title=title, initialFontName=font, **dict.fromkeys(sides, margin)
        )
        if after_flowable is not None:
            doc.afterFlowable = after_flowable  # type: ignore[method-assign]
        doc.build(list(story), onFirstPage=mark, onLaterPages=mark)

    write_atomic(path, write)


def write_pdf_table(
    path: Path,
    *,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    shares: Sequence[float],
    empty: str,
    font_path: str,
    look: TableLook = TableLook(),
    progress: Progress | None = None,
) -> None:
    """Landscape A4: the title, the subtitle, then the table (columns sized by ``shares``, the header row
    repeated on every page; ``empty`` in its first cell when there are no rows); the marker and the page
    number on every page.

    Laying out a long table is slow (20,000 rows take minutes), so ``progress`` hears the rows placed as
    each page's part of the table is drawn."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table

    font = pdf_font(font_path)
    style = pdf_styles(font, look)
    page = landscape(A4)
    margin = 10 * mm
    total = sum(shares)
    widths = [(page[0] - 2 * margin) * share / total for share in shares]
    data = [[paragraph(h, style["head"]) for h in headers]]
    data += [[paragraph(value, style["cell"]) for value in row] for row in rows]
    if not rows:
        data.append([paragraph(empty, style["cell"])] + [""] * (len(headers) - 1))
    story = [
        paragraph(title, style["title"]),
        paragraph(subtitle, style["sub"]),
        Spacer(1, look.gap_mm * mm),
        grid_table(data, widths, font, look),
    ]
    placed = 0

    def after(flowable: object) -> None:  # each page's part of the table, header row included
        nonlocal placed
        if progress is not None and isinstance(flowable, Table) and rows:
            placed += flowable._nrows - 1
            progress(placed, len(rows))

    build_pdf(path, story, title=title, font=font, page=page, after_flowable=after)
