"""The daily register for the market regulator, as XLSX, CSV (UTF-8 with BOM) or PDF.

"Exports carry only the fields the recipient needs": the regulator's 2020 sheet asked for the full
document number and phone, so those stay; internal ids, station ids and device names do not leave the
station.  Headers and values are in Chinese whatever the UI language, because the recipient reads
Chinese.  Cells that a spreadsheet would run as a formula (a name typed as ``=cmd|…``) are prefixed with
an apostrophe in XLSX and CSV.  Files are written to a temporary name and renamed, so an interrupted
export never leaves half a list that looks complete.  The list is full personal data: each file is 0600
and says so first (``fever_desk.export_files.MARKER``: the CSV's first line, the sheet's first row, the
PDF's page header).  The XLSX and PDF are written by the one table writer, ``fever_desk.table_files``;
this module says only what the register's columns and lines are.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from fever_desk.documents import DOCUMENT_LABELS_ZH
from fever_desk.export_files import MARKER, write_atomic
from fever_desk.pharmacy import CATEGORY_LABELS_ZH, Advice, Purchase
from fever_desk.table_files import (
    Progress,
    TableLook,
    UnknownFormat,
    check_format,
    safe_cell,
    tell,
    write_pdf_table,
    write_xlsx_table,
)

__all__ = [
    "FORMATS",
    "HEADERS",
    "Progress",
    "RegisterMeta",
    "UnknownFormat",
    "purchase_row",
    "write_register",
]

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


def write_csv(path: Path, rows: Sequence[dict[str, str]], progress: Progress | None = None) -> None:
    """UTF-8 with a byte-order mark: without it Excel on Chinese Windows reads the file as GBK."""

    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([MARKER])
            writer.writerow(HEADERS)
            for done, row in enumerate(rows, 1):
                writer.writerow([safe_cell(row[key]) for key, _, _ in COLUMNS])
                tell(progress, done, len(rows))

    write_atomic(path, write)


def _cells(rows: Sequence[dict[str, str]]) -> list[list[str]]:
    return [[row[key] for key, _, _ in COLUMNS] for row in rows]


def write_xlsx(
    path: Path, rows: Sequence[dict[str, str]], meta: RegisterMeta, progress: Progress | None = None
) -> None:
    """The personal-data marker in row 1, title in row 2, subtitle in row 3, headers in row 4 (frozen above
    row 5); every value a text cell (``fever_desk.table_files``)."""
    write_xlsx_table(
        path,
        sheet_name="登记表",
        title=TITLE,
        subtitle=meta.subtitle(),
        headers=HEADERS,
        rows=_cells(rows),
        widths=[width * 1.6 for _, _, width in COLUMNS],
        freeze="A5",
        progress=progress,
    )


#: The PDF's table: small type, cells aligned at the top, the header row shaded.
PDF_LOOK = TableLook(cell_size=7, cell_leading=8.5, head_size=7.5, valign="TOP", shaded_header=True, gap_mm=4)


def write_pdf(
    path: Path, rows: Sequence[dict[str, str]], meta: RegisterMeta, progress: Progress | None = None
) -> None:
    """Landscape A4, the header row repeated on every page, in the slips' Chinese font; the personal-data
    marker heads every page; ``progress`` hears the rows placed page by page (``fever_desk.table_files``)."""
    write_pdf_table(
        path,
        title=TITLE,
        subtitle=meta.subtitle(),
        headers=HEADERS,
        rows=_cells(rows),
        shares=[width for _, _, width in COLUMNS],
        empty="（本期无登记）",
        font_path=meta.font_path,
        look=PDF_LOOK,
        progress=progress,
    )


def write_register(
    path: Path, purchases: Sequence[Purchase], meta: RegisterMeta, progress: Progress | None = None
) -> int:
    """Write the register in the format named by ``path``'s extension; returns the number of rows.

    ``progress(rows done, rows)`` is called as the file is written (the command line's progress line).
    """
    suffix = check_format(path, FORMATS)
    rows = [purchase_row(p) for p in purchases]
    if suffix == ".csv":
        write_csv(path, rows, progress)
    elif suffix == ".xlsx":
        write_xlsx(path, rows, meta, progress)
    else:
        write_pdf(path, rows, meta, progress)
    return len(rows)
