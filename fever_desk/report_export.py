"""The daily report as PDF (with a 14-day chart), XLSX or CSV (UTF-8 with BOM), for the commission.

As with the regulator's register (its formula guard, PDF paragraphs and page layout are the shared
table writer's, ``fever_desk.table_files``): the text is Chinese whatever the UI language, because the
recipient reads Chinese; the format follows the file's extension; a file is written under a temporary
name and renamed, so an interrupted export never leaves half a report that looks complete.  A day with
nothing found says 零报告 in words on every format — a blank table could be mistaken for a report that
was never filled in.  Like the register, each file is 0600 and starts with the personal-data marker
(``fever_desk.export_files``): the report names the operator who generated it, and the desk treats
every file that leaves the station the same way.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fever_desk.export_files import MARKER, write_atomic
from fever_desk.i18n import tr_in
from fever_desk.reporting import FIGURE_LABELS, DayPoint, ReportingDay, ReportRevision
from fever_desk.table_files import (
    UnknownFormat,
    build_pdf,
    check_format,
    paragraph,
    pdf_font,
    safe_cell,
)

FORMATS = (".pdf", ".xlsx", ".csv")
TITLE = "新型冠状病毒感染的肺炎防控日报告"
ZERO = "零报告"
LANGUAGE = "zh_CN"

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

__all__ = ["FORMATS", "ReportDocument", "UnknownFormat", "write_report"]


@dataclass(frozen=True)
class ReportDocument:
    """Everything one exported report shows: who reports, which day, which revision, and the chart."""

    station_name: str
    institution: str
    period: ReportingDay
    revision: ReportRevision
    history: list[DayPoint] = field(default_factory=list)
    #: ``sequence:hash`` of the audit trail when the report was written: filed with the authorities, it
    #: pins the station's trail outside the station (``fever-desk audit verify --anchor``).
    audit_anchor: str = ""
    #: The numbers of the period's report cards marked reported after their 2 hours (named on the report).
    late_cards: tuple[str, ...] = ()

    @property
    def zero(self) -> bool:
        return self.revision.figures.is_zero_report

    def header_lines(self) -> list[tuple[str, str]]:
        r = self.revision
        generated = r.generated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        lines = [
            ("报告单位", self.institution or "—"),
            ("报告点", self.station_name or "—"),
            ("报告日期", f"{self.period.day:%Y-%m-%d}"),
            (
                "统计时段",
                f"{_when(self.period.start)} 至 {_when(self.period.end)}（截止 {self.period.cutoff_text}）",
            ),
            ("版本", f"第 {r.revision} 版（{generated}，{r.generated_by or '—'}）"),
            ("报告类型", ZERO if self.zero else "日报告"),
        ]
        if r.note:
            lines.append(("更正说明", r.note))
        if self.late_cards:
            lines.append(("逾时（超过2小时）网络直报的报告卡", "、".join(self.late_cards)))
        if self.audit_anchor:
            lines.append(("审计锚点", self.audit_anchor))
        return lines

    def figure_lines(self) -> list[tuple[str, int]]:
        figures = self.revision.figures.to_json()
        return [(tr_in(LANGUAGE, label), figures[key]) for key, label in FIGURE_LABELS.items()]

    def zero_sentence(self) -> str:
        return f"{ZERO}：本报告期内未发现发热、疑似或确诊病例。" if self.zero else ""


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def write_csv(path: Path, doc: ReportDocument) -> None:
    """Key lines, then ``项目,数量``: UTF-8 with BOM so Excel on Chinese Windows does not read GBK."""

    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([MARKER])
            writer.writerow([TITLE])
            for key, value in doc.header_lines():
                writer.writerow([key, safe_cell(value)])
            if doc.zero:
                writer.writerow([ZERO, doc.zero_sentence()])
            writer.writerow(["项目", "数量"])
            for label, count in doc.figure_lines():
                writer.writerow([label, count])

    write_atomic(path, write)


def write_xlsx(path: Path, doc: ReportDocument) -> None:
    """Sheet 日报告 (the marker, the title, header lines, then the figures as numbers) and sheet 近14日
    (the chart's data)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    def write(target: Path) -> None:
        book = Workbook()
        sheet = book.active
        sheet.title = "日报告"
        sheet.append([MARKER])
        sheet["A1"].font = Font(bold=True, color="B00020")
        sheet.append([TITLE])
        sheet["A2"].font = Font(bold=True, size=14)
        for key, value in doc.header_lines():
            sheet.append([key, safe_cell(value)])
        if doc.zero:
            sheet.append([ZERO, doc.zero_sentence()])
        sheet.append(["项目", "数量"])
        for label, count in doc.figure_lines():
            sheet.append([label, count])
        sheet.column_dimensions["A"].width = 44
        sheet.column_dimensions["B"].width = 60
        days = book.create_sheet("近14日")
        days.append(["日期", "筛查人数", "发热人数"])
        for point in doc.history:
            days.append([f"{point.day:%Y-%m-%d}", point.screened, point.fever])
        book.save(target)

    write_atomic(path, write)


def _chart(doc: ReportDocument, font: str, width: float, height: float) -> Drawing:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    drawing = Drawing(width, height)
    points = doc.history or [DayPoint(doc.period.day, 0, 0)]
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 36
    chart.width, chart.height = width - 60, height - 72
    chart.data = [[p.screened for p in points], [p.fever for p in points]]
    chart.bars[0].fillColor = colors.HexColor("#7aa6d6")
    chart.bars[1].fillColor = colors.HexColor("#d9534f")
    chart.categoryAxis.categoryNames = [f"{p.day:%m-%d}" for p in points]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max([p.screened for p in points] + [1])
    chart.valueAxis.valueMax = top + max(1, top // 10)
    chart.valueAxis.valueStep = max(1, (top + 4) // 5)
    drawing.add(chart)
    legend = Legend()
    legend.fontName, legend.fontSize = font, 8
    legend.x, legend.y = 40, height - 10
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [(chart.bars[0].fillColor, "筛查人数"), (chart.bars[1].fillColor, "发热人数")]
    drawing.add(legend)
    drawing.add(String(width - 8, height - 12, "近14个报告日", fontName=font, fontSize=9, textAnchor="end"))
    return drawing


def write_pdf(path: Path, doc: ReportDocument, font_path: str | None = None) -> None:
    """Portrait A4: the marker heading each page, the header lines, a 零报告 line when nothing was found,
    the figures, the chart."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    font = pdf_font(font_path)
    cell = ParagraphStyle("cell", fontName=font, fontSize=10, leading=13, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
    zero = ParagraphStyle(
        "zero", fontName=font, fontSize=14, leading=20, textColor=colors.HexColor("#0a6b2d")
    )

    def para(text: str, style: ParagraphStyle = cell) -> Paragraph:
        return paragraph(text, style)

    margin_mm = 18
    usable = A4[0] - 2 * margin_mm * mm
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
        ]
    )
    header = Table(
        [[para(k), para(v)] for k, v in doc.header_lines()], colWidths=[usable * 0.25, usable * 0.75]
    )
    header.setStyle(grid)
    figures = Table(
        [[para("项目"), para("数量")]] + [[para(label), para(str(n))] for label, n in doc.figure_lines()],
        colWidths=[usable * 0.75, usable * 0.25],
    )
    figures.setStyle(grid)
    story = [para(TITLE, title), Spacer(1, 4 * mm), header, Spacer(1, 4 * mm)]
    if doc.zero:
        story += [para(doc.zero_sentence(), zero), Spacer(1, 3 * mm)]
    story += [figures, Spacer(1, 6 * mm), _chart(doc, font, usable, 62 * mm)]

    build_pdf(
        path, story, title=TITLE, font=font, page=A4, margin_mm=margin_mm, marker_at_mm=10, numbered=False
    )


def write_report(path: Path, doc: ReportDocument, *, font_path: str | None = None) -> None:
    """Write ``doc`` in the format named by ``path``'s extension (``UnknownFormat`` otherwise)."""
    suffix = check_format(path, FORMATS)
    if suffix == ".csv":
        write_csv(path, doc)
    elif suffix == ".xlsx":
        write_xlsx(path, doc)
    else:
        write_pdf(path, doc, font_path)
