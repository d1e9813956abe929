"""The card on paper (A4 PDF laid out like the printed 传染病报告卡) and the day's cards as XLSX.

In Chinese whatever the UI language: the card is a national form, read by whoever enters it online or
receives the fax.  The PDF uses the station's font (``fever_desk.slips.fonts``: the shipped TrueType font
unless the settings name another) and marks the chosen box ■ among □, as a pen would.  Both files are
written whole or not at all, mode 0600 (``fever_desk.export_files.write_atomic``): they carry personal
data, unmasked, because the national system needs the full ID number and phone.
"""

from __future__ import annotations

from pathlib import Path

from fever_desk.export_files import write_atomic
from fever_desk.report_card.card import ReportCard
from fever_desk.report_card.fields import (
    CHINESE,
    OCCUPATIONS,
    Belongs,
    CardKind,
    CaseClass,
)
from fever_desk.table_files import build_pdf, paragraph, pdf_font, safe_cell

TITLE = "中华人民共和国传染病报告卡"
MARKER = "含个人信息 · 仅限传染病报告使用"
SEX = {"male": "男", "female": "女", "unknown": "不详"}
CASE_CLASSES = (CaseClass.SUSPECTED, CaseClass.CLINICAL, CaseClass.CONFIRMED, CaseClass.ASYMPTOMATIC)


def _boxes(options: tuple[str, ...], chosen: str | None) -> str:
    return "  ".join(("■" if option == chosen else "□") + CHINESE[option] for option in options)


def _day(value: object) -> str:
    return f"{value:%Y-%m-%d}" if value is not None else ""


def card_lines(card: ReportCard) -> list[tuple[str, str]]:
    """(label, value) in the paper card's order; the PDF and the command line's ``card show`` print these."""
    age = card.age_shown()
    a = card.address
    lines = [
        ("卡片编号", card.number),
        ("报卡类别", _boxes(tuple(CardKind), card.kind)),
    ]
    if card.kind is CardKind.CORRECTION:
        lines.append(("订正的报告卡", str(card.corrects or "")))
    lines += [
        ("患者姓名", card.name),
        ("患儿家长姓名", card.guardian_name),
        ("有效证件号", card.id_number),
        ("性别", _sex_boxes(card)),
        ("出生日期", _day(card.birth_date)),
        ("实足年龄", f"{age.value}{CHINESE[age.unit]}" if age else ""),
        ("工作单位(学校)", card.work_unit),
        ("联系电话", card.phone),
        ("病人属于", _boxes(tuple(Belongs), card.belongs)),
        (
            "现住址",
            " ".join(
                filter(
                    None,
                    (
                        a.province,
                        a.city if a.city != a.province else "",
                        a.county,
                        a.township,
                        a.village,
                        a.house,
                    ),
                )
            ),
        ),
        ("人群分类", _boxes(OCCUPATIONS, card.occupation)),
        ("病例分类", _boxes((*CASE_CLASSES, CaseClass.EXCLUDED), card.case_class)),
        ("发病日期", _day(card.onset_date)),
        ("诊断日期", f"{card.diagnosed_at.astimezone():%Y-%m-%d %H时}"),
        ("死亡日期", _day(card.death_date)),
        ("病名", card.disease),
        ("报告单位", card.reporting_unit),
        ("联系电话(单位)", card.unit_phone),
        ("填卡医生", card.doctor),
        ("填卡日期", _day(card.filled_on)),
        ("备注", card.remarks),
    ]
    if card.reported:
        reported_at = card.reported_at.astimezone() if card.reported_at else None
        lines.append(
            ("网络直报", f"{reported_at:%Y-%m-%d %H:%M} {card.reported_by} 编号 {card.national_number}")
        )
    return lines


def _sex_boxes(card: ReportCard) -> str:
    return "  ".join(("■" if card.sex.value == key else "□") + SEX[key] for key in ("male", "female"))


def write_card_pdf(path: Path, card: ReportCard, *, font_path: str | None = None) -> None:
    """The card on one A4 page: the title, then the card's fields in a ruled grid, labels on the left."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    font = pdf_font(font_path)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)

    def para(text: str, style: ParagraphStyle = cell) -> Paragraph:
        return paragraph(text, style)

    margin_mm = 15
    usable = A4[0] - 2 * margin_mm * mm
    rows = [
        [para(label), para(_sex_boxes(card) if label == "性别" else value)]
        for label, value in card_lines(card)
    ]
    grid = Table(rows, colWidths=[usable * 0.2, usable * 0.8])
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
            ]
        )
    )
    story = [para(TITLE, title), Spacer(1, 5 * mm), grid]

    build_pdf(
        path,
        story,
        title=f"{TITLE} {card.number}",
        font=font,
        page=A4,
        margin_mm=margin_mm,
        marker_at_mm=9,
        numbered=False,
        marker=MARKER,
    )


XLSX_COLUMNS = (
    "卡片编号", "报卡类别", "订正的报告卡", "患者姓名", "患儿家长姓名", "有效证件号", "性别", "出生日期",
    "实足年龄", "工作单位", "联系电话", "病人属于", "现住址", "人群分类", "病例分类", "发病日期", "诊断时间",
    "报告单位", "填卡医生", "网络直报时间", "直报人", "网络直报编号", "备注",
)  # fmt: skip


def card_row(card: ReportCard, numbers: dict[object, str] | None = None) -> list[str]:
    """One card as an XLSX row (``XLSX_COLUMNS``); ``numbers`` maps a first card's id to its number."""
    age = card.age_shown()
    corrects = (numbers or {}).get(card.corrects, str(card.corrects)) if card.corrects else ""
    return [
        card.number,
        CHINESE[card.kind],
        corrects,
        card.name,
        card.guardian_name,
        card.id_number,
        SEX[card.sex.value],
        _day(card.birth_date),
        f"{age.value}{CHINESE[age.unit]}" if age else "",
        card.work_unit,
        card.phone,
        CHINESE[card.belongs] if card.belongs else "",
        card.address.text(),
        CHINESE.get(card.occupation, ""),
        CHINESE[card.case_class],
        _day(card.onset_date),
        f"{card.diagnosed_at.astimezone():%Y-%m-%d %H:%M}",
        card.reporting_unit,
        card.doctor,
        f"{card.reported_at.astimezone():%Y-%m-%d %H:%M}" if card.reported_at else "",
        card.reported_by,
        card.national_number,
        card.remarks,
    ]


def write_cards_xlsx(path: Path, cards: list[ReportCard], *, title: str = "传染病报告卡") -> None:
    """One sheet: the personal-information marker, a title, the header row, one row per card."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    numbers: dict[object, str] = {card.id: card.number for card in cards}

    def write(target: Path) -> None:
        book = Workbook()
        sheet = book.active
        sheet.title = "报告卡"
        sheet.append([MARKER])
        sheet["A1"].font = Font(bold=True, color="B00020")
        sheet.append([title])
        sheet.append(list(XLSX_COLUMNS))
        for card in cards:
            sheet.append([safe_cell(value) for value in card_row(card, numbers)])
        book.save(target)

    write_atomic(path, write)
