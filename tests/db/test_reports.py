"""The daily report over a real migrated SQLite file: crafted days, both edges of the cutoff, revisions,
results received back, and the exports read back."""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from db import Database
from db.migrate import OUR_TABLES
from db.pharmacy_repository import SqlPurchaseRepository
from db.report_repository import SqlReportRepository
from db.repositories import SqlScreeningRepository
from fever_desk.model import Disposition
from fever_desk.pharmacy import with_advice
from fever_desk.report_export import ReportDocument, UnknownFormat, write_report
from fever_desk.reporting import DailyFigures, FollowupResult, reporting_day
from fever_desk.triage import FeverRule
from tests.db.factories import make_screening
from tests.fever_desk.pharmacy_cases import purchase
from tests.pdf import embedded_fonts, pdf_text

CST = timezone(timedelta(hours=8))
FOUR = time(16, 0)
DAY = date(2020, 2, 1)


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2020, 2, 1, 15, 40, tzinfo=CST))


@pytest.fixture
def reports(database: Database, clock: FixedClock) -> SqlReportRepository:
    return SqlReportRepository(database.session_factory, clock=clock)


def at(day: date, hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=CST)


def screen(repo: SqlScreeningRepository, when: datetime, disposition: Disposition, celsius: float = 36.6):
    return repo.add(
        make_screening(
            f"病人{uuid.uuid4().hex[:4]}", celsius=celsius, disposition=disposition, created_at=when
        )
    )


def test_tables_are_migrated_and_known(database: Database) -> None:
    tables = set(inspect(database.engine).get_table_names())
    assert {"screening_followup", "daily_report"} <= tables
    assert {"screening_followup", "daily_report"} <= OUR_TABLES


def test_a_day_with_no_records_is_a_zero_report(reports: SqlReportRepository) -> None:
    period = reporting_day(DAY, FOUR, CST)
    figures = reports.figures(period.start, period.end)
    assert figures == DailyFigures() and figures.is_zero_report


def test_crafted_day_and_both_cutoff_edges(
    repo: SqlScreeningRepository, reports: SqlReportRepository
) -> None:
    previous_cutoff = at(DAY - timedelta(days=1), 16)
    screen(repo, previous_cutoff, Disposition.FEVER_CLINIC, 38.0)  # yesterday's report, not today's
    screen(repo, previous_cutoff + timedelta(microseconds=1), Disposition.ROUTINE)  # first of today
    screen(repo, at(DAY, 9), Disposition.SUSPECTED, 38.6)
    screen(repo, at(DAY, 10), Disposition.FEVER_CLINIC, 37.8)
    screen(repo, at(DAY, 16), Disposition.ROUTINE)  # exactly at the cutoff: today's
    screen(repo, at(DAY, 16, 0, 0, 1), Disposition.FEVER_CLINIC, 38.1)  # tomorrow's
    figures = reports.figures(*_bounds(DAY))
    assert (figures.screened, figures.fever, figures.fever_clinic, figures.suspected) == (4, 2, 1, 1)
    assert not figures.is_zero_report
    assert reports.figures(*_bounds(DAY - timedelta(days=1))).screened == 1
    assert reports.figures(*_bounds(DAY + timedelta(days=1))).fever_clinic == 1


def test_a_cutoff_change_moves_records_between_days(
    repo: SqlScreeningRepository, reports: SqlReportRepository
) -> None:
    screen(repo, at(DAY, 13), Disposition.FEVER_CLINIC, 38.0)
    four = reporting_day(DAY, FOUR, CST)
    noon = reporting_day(DAY, time(12, 0), CST)
    assert reports.figures(four.start, four.end).screened == 1
    assert reports.figures(noon.start, noon.end).screened == 0
    tomorrow_noon = reporting_day(DAY + timedelta(days=1), time(12, 0), CST)
    assert reports.figures(tomorrow_noon.start, tomorrow_noon.end).screened == 1


def test_pharmacy_purchasers_are_counted(database: Database, reports: SqlReportRepository) -> None:
    purchases = SqlPurchaseRepository(database.session_factory)
    rule = FeverRule(37.3, True)
    for celsius, epi in ((36.5, False), (38.2, False), (36.8, True), (38.4, True)):
        purchases.add(with_advice(purchase(at=at(DAY, 11), celsius=celsius, epi=epi), rule))
    purchases.add(with_advice(purchase(at=at(DAY, 17), celsius=39.0), rule))  # tomorrow's
    figures = reports.figures(*_bounds(DAY))
    assert figures.purchasers == 4
    assert (figures.purchasers_fever, figures.purchasers_epidemiological, figures.purchasers_flagged) == (
        2,
        2,
        3,
    )


def test_results_received_latest_in_period_counts(
    repo: SqlScreeningRepository, reports: SqlReportRepository
) -> None:
    a = screen(repo, at(DAY, 9), Disposition.SUSPECTED, 38.6)
    b = screen(repo, at(DAY, 9, 30), Disposition.FEVER_CLINIC, 38.0)
    reports.record_followup(a.id, "suspected", recorded_by="李", recorded_at=at(DAY, 11))
    reports.record_followup(a.id, FollowupResult.CONFIRMED, recorded_by="李", recorded_at=at(DAY, 14))
    reports.record_followup(b.id, "excluded", recorded_by="王", recorded_at=at(DAY, 15), note="核酸阴性")
    reports.record_followup(b.id, "suspected", recorded_by="王", recorded_at=at(DAY + timedelta(days=1), 9))
    figures = reports.figures(*_bounds(DAY))
    assert (figures.outcome_suspected, figures.outcome_confirmed, figures.outcome_excluded) == (0, 1, 1)
    tomorrow = reports.figures(*_bounds(DAY + timedelta(days=1)))
    assert (tomorrow.outcome_suspected, tomorrow.outcome_excluded) == (1, 0)
    history = reports.followups(b.id)
    assert [f.result for f in history] == [FollowupResult.EXCLUDED, FollowupResult.SUSPECTED]
    assert history[0].note == "核酸阴性" and history[0].recorded_by == "王"
    with pytest.raises(ValueError):
        reports.record_followup(a.id, "cured", recorded_by="李")
    with pytest.raises(IntegrityError):
        reports.record_followup(uuid.uuid4(), "excluded", recorded_by="李")


def test_revisions_kept_and_unchanged_regeneration_adds_none(
    repo: SqlScreeningRepository, reports: SqlReportRepository, clock: FixedClock
) -> None:
    period = reporting_day(DAY, FOUR, CST)
    first, created = reports.save_revision("desk-1", period, reports.figures(period.start, period.end), "李")
    assert created and first.revision == 1 and first.figures.is_zero_report
    again, created = reports.save_revision("desk-1", period, reports.figures(period.start, period.end), "王")
    assert not created and again == first
    screen(repo, at(DAY, 10), Disposition.FEVER_CLINIC, 38.0)
    clock.moment = at(DAY, 15, 50)
    second, created = reports.save_revision("desk-1", period, reports.figures(period.start, period.end), "王")
    assert created and second.revision == 2 and second.generated_by == "王"
    assert second.generated_at == at(DAY, 15, 50).astimezone(UTC)
    third, created = reports.save_revision("desk-1", period, second.figures, "王", note="补报：更正体温")
    assert created and third.revision == 3 and third.note == "补报：更正体温"
    later = reporting_day(DAY, time(12, 0), CST)
    fourth, created = reports.save_revision("desk-1", later, reports.figures(later.start, later.end), "李")
    assert created and fourth.cutoff == "12:00"
    kept = reports.revisions("desk-1", DAY)
    assert [r.revision for r in kept] == [1, 2, 3, 4]
    assert [r.generated_by for r in kept] == ["李", "王", "王", "李"]
    assert reports.revisions("desk-2", DAY) == [] and reports.latest("desk-1", DAY) == fourth
    other, created = reports.save_revision("desk-2", period, second.figures, "赵")
    assert created and other.revision == 1


def test_history_per_reporting_day(repo: SqlScreeningRepository, reports: SqlReportRepository) -> None:
    screen(repo, at(DAY, 9), Disposition.FEVER_CLINIC, 38.0)
    screen(repo, at(DAY - timedelta(days=2), 9), Disposition.ROUTINE)
    periods = [reporting_day(DAY - timedelta(days=n), FOUR, CST) for n in range(13, -1, -1)]
    points = reports.history(periods)
    assert len(points) == 14 and points[-1].day == DAY
    assert (points[-1].screened, points[-1].fever) == (1, 1)
    assert (points[-3].screened, points[-3].fever) == (1, 0)
    assert sum(p.screened for p in points) == 2


def _bounds(day: date) -> tuple[datetime, datetime]:
    period = reporting_day(day, FOUR, CST)
    return period.start, period.end


def _document(reports: SqlReportRepository, day: date = DAY) -> ReportDocument:
    period = reporting_day(day, FOUR, CST)
    revision, _ = reports.save_revision("desk-1", period, reports.figures(period.start, period.end), "李护士")
    periods = [reporting_day(day - timedelta(days=n), FOUR, CST) for n in range(13, -1, -1)]
    return ReportDocument(
        "城关镇卫生院预检分诊台", "城关镇卫生院", period, revision, reports.history(periods)
    )


def test_csv_export_has_bom_and_says_zero_report(tmp_path: Path, reports: SqlReportRepository) -> None:
    out = tmp_path / "report.csv"
    write_report(out, _document(reports))
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    flat = {row[0]: row[1] for row in rows if len(row) == 2}
    assert flat["报告类型"] == "零报告" and flat["报告点"] == "城关镇卫生院预检分诊台"
    assert flat["预检筛查人数"] == "0"


def test_xlsx_export_reads_back(
    tmp_path: Path, repo: SqlScreeningRepository, reports: SqlReportRepository
) -> None:
    from openpyxl import load_workbook

    screen(repo, at(DAY, 9), Disposition.SUSPECTED, 38.6)
    out = tmp_path / "report.xlsx"
    write_report(out, _document(reports))
    book = load_workbook(out)
    values = {row[0]: row[1] for row in book["日报告"].iter_rows(values_only=True)}
    assert values["报告类型"] == "日报告" and values["疑似病例（转定点医院）人数"] == 1
    assert values["预检筛查人数"] == 1 and "零报告" not in values
    days = list(book["近14日"].iter_rows(values_only=True))
    assert days[0] == ("日期", "筛查人数", "发热人数") and days[-1] == ("2020-02-01", 1, 1)
    assert len(days) == 15


def test_pdf_export_names_the_station_and_says_zero_report(
    tmp_path: Path, reports: SqlReportRepository
) -> None:
    out = tmp_path / "report.pdf"
    write_report(out, _document(reports))
    text = pdf_text(out)
    assert "零报告" in text and "城关镇卫生院预检分诊台" in text
    assert "近14个报告日" in text
    assert embedded_fonts(out) == {"WenQuanYiMicroHei"}  # the shipped font, as on the slips


def test_unknown_format_is_refused(tmp_path: Path, reports: SqlReportRepository) -> None:
    with pytest.raises(UnknownFormat):
        write_report(tmp_path / "report.docx", _document(reports))
    assert not (tmp_path / "report.docx").exists()
