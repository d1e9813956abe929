"""The daily register for the market regulator, as XLSX, CSV (UTF-8 with BOM) or PDF.

"Exports carry only the fields the recipient needs": the regulator's 2020 sheet asked for the full
document number and phone, so those stay; internal ids, station ids and device names do not leave the
station.  Headers and values are in Chinese whatever the UI language, because the recipient reads
Chinese.  Cells that a spreadsheet would run as a formula (a name typed as ``=cmd|…``) are prefixed with
an apostrophe in XLSX and CSV.  Files are written to a temporary name and renamed, so an interrupted
export never leaves half a list that looks complete.  The list is full personal data: each file is 0600
and says so first (``fever_desk.export_files.MARKER``: the CSV's first line, the sheet's first row, the
PDF's page header).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from fever_desk.documents import DOCUMENT_LABELS_ZH
from fever_desk.export_files import MARKER, write_atomic
from fever_desk.pharmacy import CATEGORY_LABELS_ZH, Advice, Purchase

COLUMNS: tuple[tuple[str, str, float], ...] = (
    # key, Chinese header, relative width (PDF column share and XLSX width / 4)
    ("time", "登记时间", 11),
    ("name", "姓名", 6),
    ("sex", "性别", 3),
    ("document_type", "证件类型", 8),
    ("id_number", "证件号码", 14),
    ("phone", "联系电话", 9),
    ("address", "住址（社区）", 16),
    ("temperature", "体温(°C)", 5),
    ("symptoms", "症状", 10),
    ("epidemiological", "14天旅居史/接触史", 12),
    ("drugs", "所购药品及数量", 16),
    ("for_other", "用药人（代购）", 14),
    ("advice", "处理意见", 8),
    ("operator", "登记人", 5),
)
HEADERS = tuple(header for _, header, _ in COLUMNS)
TITLE = "购买退热、止咳等药品人员登记表"
FORMATS = (".xlsx", ".csv", ".pdf")
_SEX = {"male": "男", "female": "女"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class UnknownFormat(ValueError):
    """The output file's extension is not .xlsx, .csv or .pdf."""


@dataclass(frozen=True)
class RegisterMeta:
    """What the title line says: who sends the list and which days it covers."""

    institution: str
    first_day: date
    last_day: date
    font_path: str = ""  # the settings' slip_font_path; empty: the shipped font, as on every slip

    def subtitle(self) -> str:
        days = f"{self.first_day:%Y-%m-%d}" + (
            "" if self.first_day == self.last_day else f" 至 {self.last_day:%Y-%m-%d}"
        )
        return f"填报单位：{self.institution or '—'}　日期：{days}"


@cache
def _item_texts(guideline_id: str) -> dict[str, str]:
    from fever_desk.guidelines import GuidelineError, get_guideline

    try:
        guideline = get_guideline(guideline_id)
    except GuidelineError:
        return {}
    return {
        item.id: item.text.get("zh_CN", item.id) for item in (*guideline.symptoms, *guideline.epidemiological)
    }


def _yes_items(answers: dict[str, bool], texts: dict[str, str]) -> str:
    yes = [texts.get(item, item) for item, value in answers.items() if value]
    return "；".join(yes) if yes else "无"


def purchase_row(purchase: Purchase) -> dict[str, str]:
    """One register line as strings keyed by the column keys above (local time of the station)."""
    p = purchase.purchaser
    texts = _item_texts(purchase.guideline_id) if purchase.guideline_id else {}
    when = purchase.created_at.astimezone() if purchase.created_at else None
    drugs = "；".join(
        f"{d.name}（{CATEGORY_LABELS_ZH[d.category]}）×{d.quantity}{d.unit}" for d in purchase.drugs
    )
    other = "否"
    if purchase.for_other and purchase.other is not None:
        o = purchase.other
        parts = [f"{o.name}（{o.relation}）", o.id_number, o.phone]
        if o.temperature_c is not None:
            parts.append(f"体温{o.temperature_c:.1f}")
        if o.symptoms:
            parts.append(f"症状：{o.symptoms}")
        other = "是：" + "，".join(part for part in parts if part)
    address = p.address + (f"（{p.community}）" if p.community else "")
    return {
        "time": "" if when is None else f"{when:%Y-%m-%d %H:%M}",
        "name": p.name,
        "sex": _SEX.get(str(p.sex), ""),
        "document_type": DOCUMENT_LABELS_ZH[p.document_type],
        "id_number": p.id_number,
        "phone": p.phone,
        "address": address,
        "temperature": f"{purchase.temperature.celsius:.1f}",
        "symptoms": _yes_items(purchase.symptoms, texts),
        "epidemiological": _yes_items(purchase.epidemiological, texts),
        "drugs": drugs,
        "for_other": other,
        "advice": "建议发热门诊就诊" if purchase.advice is Advice.FEVER_CLINIC else "—",
        "operator": purchase.operator,
    }


#: ``progress(rows done, rows)``, told as a register file is written.
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000  # rows between two calls of ``progress`` for CSV and XLSX


def _tell(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
        progress(done, total)


def _safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write beside ``path`` (mode 0600) and swap it in (``fever_desk.export_files.write_atomic``)."""
    write_atomic(path, write, prefix=".register-")


def write_csv(path: Path, rows: Sequence[dict[str, str]], progress: Progress | None = None) -> None:
    """UTF-8 with a byte-order mark: without it Excel on Chinese Windows reads the file as GBK."""

    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([MARKER])
            writer.writerow(HEADERS)
            for done, row in enumerate(rows, 1):
                writer.writerow([_safe(row[key]) for key, _, _ in COLUMNS])
                _tell(progress, done, len(rows))

    _atomic(path, write)


def write_xlsx(
    path: Path, rows: Sequence[dict[str, str]], meta: RegisterMeta, progress: Progress | None = None
) -> None:
    """The personal-data marker in row 1, title in row 2, subtitle in row 3, headers in row 4; every
    value a text cell (IDs keep their
    digits: as numbers Excel would show 4.3E+17 and drop the last three)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    def write(target: Path) -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("登记表")
        for index, (_, _, width) in enumerate(COLUMNS):
            sheet.column_dimensions[_column_letter(index)].width = width * 1.6
        sheet.freeze_panes = "A5"
        marker = WriteOnlyCell(sheet, MARKER)
        marker.font = Font(bold=True, color="B00020")
        sheet.append([marker])
        title = WriteOnlyCell(sheet, TITLE)
        title.font = Font(bold=True, size=14)
        sheet.append([title])
        sheet.append([meta.subtitle()])
        bold = Font(bold=True)
        header_cells = []
        for header in HEADERS:
            cell = WriteOnlyCell(sheet, header)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for done, row in enumerate(rows, 1):
            sheet.append([_safe(row[key]) for key, _, _ in COLUMNS])
            _tell(progress, done, len(rows))
        book.save(target)

    _atomic(path, write)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def write_pdf(
    path: Path, rows: Sequence[dict[str, str]], meta: RegisterMeta, progress: Progress | None = None
) -> None:
    """Landscape A4, the header row repeated on every page, in the slips' Chinese font; the personal-data
    marker heads every page.

    Laying out a long table is slow (20,000 rows take minutes), so ``progress`` hears the rows placed
    as each page's part of the table is drawn."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from fever_desk.slips.fonts import printable, resolve_font

    font = resolve_font(meta.font_path or None).name
    cell = ParagraphStyle("cell", fontName=font, fontSize=7, leading=8.5, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, fontSize=7.5)
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=18, alignment=1)
    sub = ParagraphStyle("sub", fontName=font, fontSize=9, leading=12, alignment=1)

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        escaped = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(escaped, style)

    page = landscape(A4)
    margin = 10 * mm
    total = sum(width for _, _, width in COLUMNS)
    widths = [(page[0] - 2 * margin) * width / total for _, _, width in COLUMNS]
    data = [[para(h, head) for h in HEADERS]]
    data += [[para(row[key], cell) for key, _, _ in COLUMNS] for row in rows]
    if not rows:
        data.append([para("（本期无登记）", cell)] + [""] * (len(COLUMNS) - 1))
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )

    def number_pages(canvas, doc) -> None:  # noqa: ANN001 - reportlab callback
        canvas.setFont(font, 7)
        canvas.drawString(margin, page[1] - 6 * mm, MARKER)
        canvas.drawRightString(page[0] - margin, 6 * mm, f"第 {doc.page} 页")

    def write(target: Path) -> None:
        doc = SimpleDocTemplate(
            str(target),
            pagesize=page,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin,
            bottomMargin=margin,
            title=TITLE,
            initialFontName=font,  # the canvas starts in our font, not Helvetica
        )
        story = [para(TITLE, title), para(meta.subtitle(), sub), Spacer(1, 4 * mm), table]
        placed = 0

        def after(flowable: object) -> None:  # each page's part of the table, header row included
            nonlocal placed
            if progress is not None and isinstance(flowable, Table) and rows:
                placed += flowable._nrows - 1
                progress(placed, len(rows))

        doc.afterFlowable = after  # type: ignore[method-assign]
        doc.build(story, onFirstPage=number_pages, onLaterPages=number_pages)

    _atomic(path, write)


def write_register(
    path: Path, purchases: Sequence[Purchase], meta: RegisterMeta, progress: Progress | None = None
) -> int:
    """Write the register in the format named by ``path``'s extension; returns the number of rows.

    ``progress(rows done, rows)`` is called as the file is written (the command line's progress line).
    """
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UnknownFormat(suffix or str(path))
    rows = [purchase_row(p) for p in purchases]
    if suffix == ".csv":
        write_csv(path, rows, progress)
    elif suffix == ".xlsx":
        write_xlsx(path, rows, meta, progress)
    else:
        write_pdf(path, rows, meta, progress)
    return len(rows)
