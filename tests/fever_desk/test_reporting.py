"""The reporting day, the zero-report rule and when a regeneration is a new revision (pure, no database)."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from fever_desk.i18n import catalogue
from fever_desk.reporting import (
    FIGURE_LABELS,
    FOLLOWUP_LABELS,
    DailyFigures,
    ReportRevision,
    cutoff_of,
    needs_new_revision,
    parse_cutoff,
    reminder_due,
    reporting_day,
    reporting_day_of,
    revision_payload,
)
from fever_desk.settings import Settings

CST = timezone(timedelta(hours=8))
FOUR = time(16, 0)


def test_parse_cutoff() -> None:
    assert parse_cutoff("16:00") == time(16, 0)
    assert parse_cutoff("08:30:15") == time(8, 30, 15)
    for bad in ("4pm", "24:00", "", "16", "16:00+08:00"):
        with pytest.raises(ValueError):
            parse_cutoff(bad)


def test_cutoff_from_settings_defaults_to_four_pm() -> None:
    assert cutoff_of(Settings()) == FOUR
    assert cutoff_of(object()) == FOUR
    assert cutoff_of(Settings(report_cutoff="nonsense")) == FOUR
    assert cutoff_of(Settings(report_cutoff="12:00")) == time(12, 0)


def test_day_runs_from_previous_cutoff_exclusive_to_this_cutoff_inclusive() -> None:
    period = reporting_day(date(2020, 2, 1), FOUR, CST)
    assert period.start == datetime(2020, 1, 31, 16, 0, tzinfo=CST)
    assert period.end == datetime(2020, 2, 1, 16, 0, tzinfo=CST)
    # Exactly 16:00:00 is this afternoon's report; a microsecond later is tomorrow's.
    assert period.contains(datetime(2020, 2, 1, 16, 0, tzinfo=CST))
    assert not period.contains(datetime(2020, 1, 31, 16, 0, tzinfo=CST))
    assert period.contains(datetime(2020, 1, 31, 16, 0, 0, 1, tzinfo=CST))
    on_cutoff = datetime(2020, 2, 1, 16, 0, tzinfo=CST)
    assert reporting_day_of(on_cutoff, FOUR, CST).day == date(2020, 2, 1)
    assert reporting_day_of(on_cutoff + timedelta(microseconds=1), FOUR, CST).day == date(2020, 2, 2)
    assert reporting_day_of(datetime(2020, 2, 1, 0, 5, tzinfo=CST), FOUR, CST).day == date(2020, 2, 1)
    # The same instant given in UTC lands on the same day.
    assert reporting_day_of(on_cutoff.astimezone(UTC), FOUR, CST).day == date(2020, 2, 1)


def test_a_changed_cutoff_moves_the_period() -> None:
    noon = reporting_day(date(2020, 2, 1), time(12, 0), CST)
    assert noon.end == datetime(2020, 2, 1, 12, 0, tzinfo=CST)
    moment = datetime(2020, 2, 1, 13, 0, tzinfo=CST)
    assert reporting_day_of(moment, FOUR, CST).day == date(2020, 2, 1)
    assert reporting_day_of(moment, time(12, 0), CST).day == date(2020, 2, 2)
    assert noon.cutoff_text == "12:00"


def test_zero_report_means_nothing_found() -> None:
    assert DailyFigures().is_zero_report
    assert DailyFigures(screened=40, outcome_excluded=2, purchasers=9).is_zero_report
    for finding in ("fever", "fever_clinic", "suspected", "outcome_suspected", "outcome_confirmed"):
        assert not DailyFigures(**{finding: 1}).is_zero_report, finding
    assert not DailyFigures(purchasers=1, purchasers_flagged=1).is_zero_report


def test_figures_json_round_trip_tolerates_old_and_new_keys() -> None:
    figures = DailyFigures(screened=3, fever=1, purchasers_flagged=2)
    assert DailyFigures.from_json(figures.to_json()) == figures
    assert DailyFigures.from_json({"screened": 3, "a_figure_from_the_future": 7}) == DailyFigures(screened=3)
    payload = revision_payload(figures, reporting_day(date(2020, 2, 1), FOUR, CST))
    assert payload["cutoff"] == "16:00" and payload["period_end"].startswith("2020-02-01T16:00")


def _revision(figures: DailyFigures, cutoff: str = "16:00", note: str = "") -> ReportRevision:
    return ReportRevision(
        "s1", date(2020, 2, 1), 1, figures, cutoff, datetime(2020, 2, 1, tzinfo=UTC), "李", note
    )


def test_revision_rule() -> None:
    figures = DailyFigures(screened=3)
    assert needs_new_revision(None, figures, "16:00")
    assert not needs_new_revision(_revision(figures), figures, "16:00")
    assert needs_new_revision(_revision(figures), DailyFigures(screened=4), "16:00")
    assert needs_new_revision(_revision(figures), figures, "12:00")
    assert needs_new_revision(_revision(figures), figures, "16:00", note="补报一例")
    assert not needs_new_revision(_revision(figures, note="补报一例"), figures, "16:00", note="补报一例")
    assert not needs_new_revision(_revision(figures), figures, "16:00", note="   ")


def test_reminder_window() -> None:
    def at(hour: int, minute: int) -> datetime:
        return datetime(2020, 2, 1, hour, minute, tzinfo=CST)

    assert not reminder_due(at(15, 29), FOUR, generated=False, tz=CST)
    assert reminder_due(at(15, 30), FOUR, generated=False, tz=CST)
    assert reminder_due(at(15, 31), FOUR, generated=False, tz=CST)
    assert not reminder_due(at(15, 31), FOUR, generated=True, tz=CST)
    assert reminder_due(at(17, 0), FOUR, generated=False, tz=CST)  # overdue, still said
    assert not reminder_due(at(8, 0), FOUR, generated=False, tz=CST)


def test_labels_are_translated_with_matching_placeholders() -> None:
    zh = catalogue("zh_CN")
    for text in [*FIGURE_LABELS.values(), *FOLLOWUP_LABELS.values()]:
        assert text in zh, text
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        assert {f for _, f, _, _ in string.Formatter().parse(zh[text]) if f} == fields
