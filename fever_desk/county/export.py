"""The county's day as a file for the commission: XLSX (four sheets) and PDF (A4 landscape).

Chinese headings, as the station's own report exports (``fever_desk.report_export``): these files are
filed with the health commission.  Only aggregate figures and the points' names and contacts: no patient
appears in a county report.  Written whole or not at all, mode 0600 (``fever_desk.export_files``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fever_desk.county.points import PointKind
from fever_desk.county.status import PointDay, ReportStatus, TownshipTotal, TrendDay
from fever_desk.export_files import write_atomic

FORMATS = (".xlsx", ".pdf")
TITLE = "发热监测日报告汇总（县）"
KIND_ZH = {PointKind.CLINIC: "诊所", PointKind.TOWNSHIP_CENTRE: "乡镇卫生院", PointKind.PHARMACY: "药店"}
STATUS_ZH = {
    ReportStatus.ON_TIME: "按时",
    ReportStatus.LATE: "迟报",
    ReportStatus.MISSING: "缺报",
    ReportStatus.NOT_YET: "未到截止时间",
}
POINT_HEADINGS = ["乡镇代码", "乡镇", "报告点", "类别", "状态", "零报告", "筛查", "发热", "发热门诊", "疑似",
                  "购药登记", "购药需关注", "首次收到", "修订"]  # fmt: skip
TOWNSHIP_HEADINGS = ["乡镇代码", "乡镇", "报告点", "按时", "迟报", "缺报", "零报告", "有发现", "筛查", "发热",
                     "发热门诊", "疑似"]  # fmt: skip


@dataclass(frozen=True)
class CountyDocument:
    day: date
    cutoff: str
    at: datetime
    rows: list[PointDay]
    townships: list[TownshipTotal]
    total: TownshipTotal
    trend: list[TrendDay]


def _zero(row: PointDay) -> str:
    return "—" if row.zero is None else ("零报告" if row.zero else "有发现")


def point_line(row: PointDay) -> list[object]:
    got = row.received
    f = got.figures if got else None
    figures: list[object] = (
        [f.screened, f.fever, f.fever_clinic, f.suspected, f.purchasers, f.purchasers_flagged]
        if f
        else [""] * 6
    )
    return [
        row.point.township_code, row.point.township, row.point.name, KIND_ZH[row.point.kind],
        STATUS_ZH[row.status], _zero(row), *figures,
        f"{got.first_received.astimezone():%m-%d %H:%M}" if got else "", got.revision if got else "",
    ]  # fmt: skip


def township_line(t: TownshipTotal) -> list[object]:
    f = t.figures
    return [t.township_code, t.township or "合计", t.points, t.on_time, t.late, t.missing, t.zero,
            t.with_findings, f.screened, f.fever, f.fever_clinic, f.suspected]  # fmt: skip


def summary(doc: CountyDocument) -> str:
    t = doc.total
    return (
        f"应报 {t.points} 个，按时 {t.on_time}，迟报 {t.late}，缺报 {t.missing}"
        + (f"，未到截止时间 {t.not_yet}" if t.not_yet else "")
        + f"；零报告 {t.zero}，有发现 {t.with_findings}"
    )


def header(doc: CountyDocument) -> list[tuple[str, str]]:
    return [
        ("报告日", f"{doc.day:%Y-%m-%d}"),
        ("截止时间", doc.cutoff),
        ("统计时刻", f"{doc.at:%Y-%m-%d %H:%M}"),
        ("汇总", summary(doc)),
    ]


def write_xlsx(path: Path, doc: CountyDocument) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    def write(target: Path) -> None:
        book = Workbook()
        sheet = book.active
        sheet.title = "各报告点"
        sheet.append([TITLE])
        sheet["A1"].font = Font(bold=True, size=14)
        for key, value in header(doc):
            sheet.append([key, value])
        sheet.append(POINT_HEADINGS)
        for row in doc.rows:
            sheet.append(point_line(row))
        towns = book.create_sheet("乡镇合计")
        towns.append(TOWNSHIP_HEADINGS)
        for total in [*doc.townships, doc.total]:
            towns.append(township_line(total))
        missing = book.create_sheet("缺报名单")
        missing.append(["乡镇", "报告点", "类别", "联系方式"])
        for row in doc.rows:
            if row.status is ReportStatus.MISSING:
                missing.append(
                    [row.point.township, row.point.name, KIND_ZH[row.point.kind], row.point.contact]
                )
        days = book.create_sheet("近14日")
        days.append(["日期", "应报", "已报", "缺报", "零报告", "筛查", "发热", "疑似"])
        for d in doc.trend:
            days.append([f"{d.day:%Y-%m-%d}", d.expected, d.reported, d.missing, d.zero, d.screened, d.fever,
                         d.suspected])  # fmt: skip
        book.save(target)

    write_atomic(path, write)


def _chart(doc: CountyDocument, font: str, width: float, height: float) -> object:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 30
    chart.width, chart.height = width - 60, height - 60
    chart.data = [
        [d.reported for d in doc.trend],
        [d.missing for d in doc.trend],
        [d.fever for d in doc.trend],
    ]
    chart.bars[0].fillColor = colors.HexColor("#7aa6d6")
    chart.bars[1].fillColor = colors.HexColor("#f0ad4e")
    chart.bars[2].fillColor = colors.HexColor("#d9534f")
    chart.categoryAxis.categoryNames = [f"{d.day:%m-%d}" for d in doc.trend]
    for labels in (chart.categoryAxis.labels, chart.valueAxis.labels):
        labels.fontName, labels.fontSize = font, 7
    top = max([max(d.reported, d.missing, d.fever) for d in doc.trend] + [1])
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, top + max(1, top // 10)
    chart.valueAxis.valueStep = max(1, (top + 4) // 5)
    drawing.add(chart)
    legend = Legend()
    legend.fontName, legend.fontSize = font, 8
    legend.x, legend.y, legend.alignment, legend.columnMaximum = 40, height - 8, "right", 1
    legend.colorNamePairs = [(chart.bars[0].fillColor, "已报"), (chart.bars[1].fillColor, "缺报"),
                             (chart.bars[2].fillColor, "发热人数")]  # fmt: skip
    drawing.add(legend)
    drawing.add(String(width - 8, height - 10, "近14个报告日", fontName=font, fontSize=9, textAnchor="end"))
    return drawing


def write_pdf(path: Path, doc: CountyDocument, font_path: str | None = None) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from fever_desk.slips.fonts import printable, resolve_font

    font = resolve_font(font_path).name
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20, alignment=1)
    heading = ParagraphStyle("heading", fontName=font, fontSize=11, leading=15)

    def para(text: object, style: ParagraphStyle = cell) -> Paragraph:
        escaped = printable(str(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(escaped, style)

    def table(rows: list[list[object]]) -> Table:
        made = Table([[para(v) for v in row] for row in rows], repeatRows=1)
        made.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                  ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2"))]))  # fmt: skip
        return made

    page = landscape(A4)
    margin = 12 * mm
    missing = [[r.point.township, r.point.name, KIND_ZH[r.point.kind], r.point.contact]
               for r in doc.rows if r.status is ReportStatus.MISSING]  # fmt: skip
    story = [para(TITLE, title), Spacer(1, 3 * mm)]
    story += [para(f"{k}：{v}", heading) for k, v in header(doc)]
    story += [Spacer(1, 3 * mm), para("缺报名单（请电话联系）", heading)]
    story += [
        table([["乡镇", "报告点", "类别", "联系方式"], *missing]) if missing else para("无缺报。", heading)
    ]
    story += [Spacer(1, 3 * mm), para("乡镇合计", heading)]
    story += [table([TOWNSHIP_HEADINGS, *[township_line(t) for t in [*doc.townships, doc.total]]])]
    story += [
        Spacer(1, 3 * mm),
        para("各报告点", heading),
        table([POINT_HEADINGS, *map(point_line, doc.rows)]),
    ]
    story += [Spacer(1, 4 * mm), _chart(doc, font, page[0] - 2 * margin, 60 * mm)]

    def write(target: Path) -> None:
        pdf = SimpleDocTemplate(
            str(target), pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
            bottomMargin=margin, title=TITLE, initialFontName=font,
        )  # fmt: skip
        pdf.build(story)

    write_atomic(path, write)
