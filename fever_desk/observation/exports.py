"""The observation register's files: the register (XLSX, PDF) and one person's 14-day grid (XLSX, and a PDF
on one A4 page), all with Chinese headers as the commissions' forms have them.

The files are written by the one table writer the pharmacy register uses too (``fever_desk.table_files``):
atomically with mode 0600, the personal-information marker first, the slips' embedded TrueType font in
PDFs.  This module says only what the rows, columns and the grid's page are.  Temperatures are printed
"°C".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from fever_desk.observation.model import Cell, Kind, Observation, Setting, Slot, Status
from fever_desk.observation.rules import OBSERVATION_DAYS, day_one, planned_release
from fever_desk.table_files import (
    UnknownFormat,
    build_pdf,
    check_format,
    grid_table,
    paragraph,
    pdf_font,
    pdf_styles,
    write_pdf_table,
    write_xlsx_table,
)

__all__ = ["FORMATS", "KIND_ZH", "STATUS_ZH", "UnknownFormat", "write_grid", "write_register"]

REGISTER_TITLE = "医学观察人员登记表"
GRID_TITLE = "医学观察每日健康监测记录表"
FORMATS = (".xlsx", ".pdf")
KIND_ZH = {Kind.CLOSE_CONTACT: "密切接触者", Kind.RETURNEE: "返乡/返岗人员", Kind.OTHER: "其他"}
SETTING_ZH = {Setting.HOME: "居家", Setting.CENTRAL: "集中"}
STATUS_ZH = {Status.ACTIVE: "在观察", Status.RELEASED: "解除", Status.REFERRED: "转诊", Status.LOST: "失访"}
SLOT_ZH = {Slot.MORNING: "上午", Slot.AFTERNOON: "下午"}
SEX_ZH = {"male": "男", "female": "女"}
SYMPTOM_ZH = {
    "cough": "咳嗽",
    "shortness_of_breath": "气促",
    "chest_tightness": "胸痛/胸闷",
    "diarrhoea": "腹泻",
    "fatigue": "乏力",
    "sore_throat": "咽痛",
}
REGISTER_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("name", "姓名", 6),
    ("sex", "性别", 3),
    ("age", "年龄", 3),
    ("id_number", "身份证号", 13),
    ("phone", "联系电话", 9),
    ("address", "现住址", 14),
    ("kind", "人员类别", 7),
    ("last_date", "最后接触/返回日期", 8),
    ("origin", "返程地点", 8),
    ("transport", "交通工具/车次", 8),
    ("setting", "观察方式", 4),
    ("place", "观察地点", 10),
    ("responsible", "医学观察责任人", 7),
    ("start", "开始日期", 8),
    ("release", "预计解除日期", 8),
    ("status", "状态", 4),
    ("status_on", "状态日期", 8),
)
GRID_HEADERS = (
    "观察日",
    "日期",
    "上午体温(°C)",
    "上午症状",
    "上午测量人",
    "下午体温(°C)",
    "下午症状",
    "下午测量人",
)


def register_row(observation: Observation) -> dict[str, str]:
    person, exposure, placement = observation.person, observation.exposure, observation.registration.placement
    return {
        "name": person.name,
        "sex": SEX_ZH.get(str(person.sex), ""),
        "age": "" if person.age is None else str(person.age),
        "id_number": person.id_number,
        "phone": person.phone,
        "address": person.address,
        "kind": KIND_ZH[exposure.kind],
        "last_date": exposure.last_date.isoformat(),
        "origin": exposure.origin,
        "transport": " ".join(p for p in (exposure.transport, exposure.transport_number) if p),
        "setting": SETTING_ZH[placement.setting],
        "place": placement.place,
        "responsible": " ".join(p for p in (placement.responsible, placement.responsible_phone) if p),
        "start": day_one(exposure.last_date).isoformat(),
        "release": planned_release(exposure.last_date).isoformat(),
        "status": STATUS_ZH[observation.status],
        "status_on": observation.status_on.isoformat() if observation.status_on else "",
    }


def cell_texts(cell: Cell | None) -> tuple[str, str, str]:
    """(temperature, symptoms, who) as a grid cell shows them; a corrected cell says so."""
    if cell is None:
        return "", "", ""
    temperature = cell.entry.temperature
    shown = f"{temperature.celsius:.1f}" if temperature else "—"
    if temperature is not None and str(temperature.source) == "device":
        shown += "*"
    symptoms = [SYMPTOM_ZH.get(k, k) for k, yes in cell.entry.symptoms.items() if yes]
    who = cell.recorded_by + ("（更正）" if cell.version > 1 else "")
    return shown, "、".join(symptoms) or "无", who


def grid_rows(observation: Observation, cells: Sequence[Cell]) -> list[list[str]]:
    """Fourteen rows: day, date, then morning and afternoon (temperature, symptoms, who)."""
    by_key = {(c.entry.day, c.entry.slot): c for c in cells}
    rows = []
    first = day_one(observation.exposure.last_date)
    for offset in range(OBSERVATION_DAYS):
        day = date.fromordinal(first.toordinal() + offset)
        row = [f"第{offset + 1}天", f"{day:%m-%d}"]
        for slot in Slot:
            row.extend(cell_texts(by_key.get((day, slot))))
        rows.append(row)
    return rows


def person_lines(observation: Observation) -> list[tuple[str, str]]:
    row = register_row(observation)
    return [
        ("姓名", row["name"]),
        ("性别", row["sex"]),
        ("年龄", row["age"]),
        ("身份证号", row["id_number"]),
        ("联系电话", row["phone"]),
        ("现住址", row["address"]),
        ("人员类别", row["kind"]),
        (
            "与病例关系/接触方式",
            " ".join(p for p in (observation.exposure.relation, observation.exposure.mode) if p),
        ),
        ("最后接触/返回日期", row["last_date"]),
        ("返程地点/交通", " ".join(p for p in (row["origin"], row["transport"]) if p)),
        ("观察方式", row["setting"]),
        ("观察地点", row["place"]),
        ("医学观察责任人", row["responsible"]),
        ("开始日期", row["start"]),
        ("预计解除日期", row["release"]),
        ("状态", " ".join(p for p in (row["status"], row["status_on"]) if p)),
    ]


def _xlsx(
    path: Path, title: str, subtitle: str, headers: Sequence[str], rows: Sequence[Sequence[str]]
) -> None:
    write_xlsx_table(path, sheet_name=title[:31], title=title, subtitle=subtitle, headers=headers, rows=rows)


def write_register(
    path: Path, observations: Sequence[Observation], subtitle: str, font_path: str = ""
) -> int:
    """The register in the format of ``path``'s extension (.xlsx, .pdf); returns the rows written."""
    suffix = check_format(path, FORMATS)
    rows = [[register_row(o)[key] for key, _, _ in REGISTER_COLUMNS] for o in observations]
    headers = [header for _, header, _ in REGISTER_COLUMNS]
    if suffix == ".xlsx":
        _xlsx(path, REGISTER_TITLE, subtitle, headers, rows)
    else:
        shares = [w for _, _, w in REGISTER_COLUMNS]
        write_pdf_table(
            path,
            title=REGISTER_TITLE,
            subtitle=subtitle,
            headers=headers,
            rows=rows,
            shares=shares,
            empty="（无登记）",
            font_path=font_path,
        )
    return len(rows)


def write_grid(path: Path, observation: Observation, cells: Sequence[Cell], font_path: str = "") -> int:
    """One person's 14 days × morning/afternoon in the format of ``path``'s extension; the PDF fits one A4
    page (the person's details above, the grid below, a key to the marks at the foot).  Returns 14."""
    suffix = check_format(path, FORMATS)
    rows = grid_rows(observation, cells)
    details = person_lines(observation)
    note = "注：* 体温计测量，其余为手工录入；（更正）为更正后的记录，原记录保存在系统中。"
    if suffix == ".xlsx":
        subtitle = "　".join(f"{k}：{v}" for k, v in details)
        _xlsx(path, GRID_TITLE, subtitle, GRID_HEADERS, [*rows, [note]])
        return len(rows)
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    font = pdf_font(font_path)
    style = pdf_styles(font)
    usable = A4[0] - 20 * mm  # the shared 10 mm margins
    pairs = [details[i : i + 2] for i in range(0, len(details), 2)]
    info = [
        [paragraph(k, style["cell"]), paragraph(v, style["cell"])]
        + (
            [paragraph(pair[1][0], style["cell"]), paragraph(pair[1][1], style["cell"])]
            if len(pair) > 1
            else ["", ""]
        )
        for pair in pairs
        for k, v in [pair[0]]
    ]
    info_widths = [usable * share for share in (0.16, 0.34, 0.16, 0.34)]
    grid = [[paragraph(h, style["cell"]) for h in GRID_HEADERS]]
    grid += [[paragraph(v, style["cell"]) for v in row] for row in rows]
    grid_widths = [usable * share for share in (0.08, 0.08, 0.11, 0.16, 0.11, 0.11, 0.16, 0.19)]
    blocks = [
        paragraph(GRID_TITLE, style["title"]),
        Spacer(1, 3 * mm),
        grid_table(info, info_widths, font, repeat=0),
        Spacer(1, 4 * mm),
        grid_table(grid, grid_widths, font),
        Spacer(1, 2 * mm),
        paragraph(note, style["cell"]),
    ]
    build_pdf(path, blocks, title=GRID_TITLE, font=font, page=A4)
    return len(rows)
