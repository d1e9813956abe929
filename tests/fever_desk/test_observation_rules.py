"""The date rules of the 14-day observation, table by table (fever_desk/observation/rules.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from fever_desk.observation.model import Slot
from fever_desk.observation.rules import (
    Progress,
    can_record,
    can_release,
    day_number,
    day_one,
    first_expected,
    half_day,
    is_lost,
    is_overdue,
    last_day,
    last_expected,
    local_slot,
    missed_in_a_row,
    planned_release,
    slot_of,
)

M, A = Slot.MORNING, Slot.AFTERNOON


@pytest.mark.parametrize(
    ("exposure", "first", "fourteenth", "release"),
    [
        (date(2020, 1, 20), date(2020, 1, 21), date(2020, 2, 3), date(2020, 2, 4)),
        (date(2020, 2, 15), date(2020, 2, 16), date(2020, 2, 29), date(2020, 3, 1)),  # leap year
        (date(2019, 2, 15), date(2019, 2, 16), date(2019, 3, 1), date(2019, 3, 2)),
        (date(2020, 12, 25), date(2020, 12, 26), date(2021, 1, 8), date(2021, 1, 9)),  # new year
    ],
)
def test_day_one_follows_exposure_and_release_is_day_15(exposure, first, fourteenth, release) -> None:
    assert day_one(exposure) == first
    assert day_number(exposure, first) == 1
    assert last_day(exposure) == fourteenth
    assert day_number(exposure, fourteenth) == 14
    assert planned_release(exposure) == release
    assert day_number(exposure, release) == 15
    assert not can_release(exposure, fourteenth)
    assert can_release(exposure, release)


@pytest.mark.parametrize("registered_on_day", [1, 6, 13])
def test_a_late_registration_keeps_the_release_date_of_the_exposure(registered_on_day) -> None:
    exposure = date(2020, 1, 25)
    registered = exposure + timedelta(days=registered_on_day)
    assert planned_release(exposure) == date(2020, 2, 9)  # not registered + 14
    first = first_expected(exposure, (registered, A))
    # nothing expected before the afternoon the person became known …
    assert first == half_day(registered, A)
    # … and the last cell expected is still day 14's afternoon
    assert last_expected(exposure) == half_day(date(2020, 2, 8), A)


def test_a_registration_before_day_one_expects_day_one_morning() -> None:
    exposure = date(2020, 1, 25)
    assert first_expected(exposure, (date(2020, 1, 24), A)) == half_day(date(2020, 1, 26), M)


@pytest.mark.parametrize(
    ("clock", "slot"),
    [(time(0, 0), M), (time(7, 30), M), (time(11, 59, 59), M), (time(12, 0), A), (time(23, 59), A)],
)
def test_half_days_split_at_noon(clock, slot) -> None:
    assert slot_of(clock) is slot


def test_half_days_are_consecutive_across_months() -> None:
    assert half_day(date(2020, 1, 31), A) + 1 == half_day(date(2020, 2, 1), M)
    assert half_day(date(2020, 2, 1), M) + 1 == half_day(date(2020, 2, 1), A)


# exposure 2020-01-25: day 1 = 01-26, day 14 = 02-08.  (covered: the newest filled half-day)
E = date(2020, 1, 25)
FIRST, LAST = half_day(date(2020, 1, 26), M), half_day(date(2020, 2, 8), A)


@pytest.mark.parametrize(
    ("covered", "now", "missed", "overdue", "lost2", "lost3"),
    [
        (FIRST - 1, half_day(date(2020, 1, 26), M), 0, False, False, False),  # day 1 morning, nothing due yet
        (FIRST - 1, half_day(date(2020, 1, 26), A), 1, True, False, False),  # day 1 morning missed
        (FIRST, half_day(date(2020, 1, 26), A), 0, False, False, False),  # morning filled
        (FIRST, half_day(date(2020, 1, 27), M), 1, True, False, False),  # afternoon missed
        (FIRST + 1, half_day(date(2020, 1, 29), M), 4, True, True, False),  # two days without a reading
        (FIRST + 1, half_day(date(2020, 1, 29), A), 5, True, True, False),
        (FIRST + 1, half_day(date(2020, 1, 30), M), 6, True, True, True),  # three days
        (LAST, half_day(date(2020, 2, 9), M), 0, False, False, False),  # complete on release day
        (LAST - 2, half_day(date(2020, 2, 12), M), 2, True, False, False),  # nothing counted after day 14
    ],
)
def test_overdue_and_lost_thresholds(covered, now, missed, overdue, lost2, lost3) -> None:
    assert missed_in_a_row(covered, FIRST, LAST, now) == missed
    assert is_overdue(missed) is overdue
    assert is_lost(missed, 2) is lost2
    assert is_lost(missed, 3) is lost3
    assert Progress(FIRST, LAST, covered).missed(now) == missed


def test_lost_needs_a_threshold_of_at_least_one_day() -> None:
    with pytest.raises(ValueError):
        is_lost(5, 0)


def test_due_is_the_current_half_day_still_empty_inside_the_period() -> None:
    progress = Progress(FIRST, LAST, FIRST - 1)
    assert progress.due(FIRST)
    assert not Progress(FIRST, LAST, FIRST).due(FIRST)
    assert not progress.due(FIRST - 1)  # before day 1
    assert not progress.due(LAST + 1)  # release day


@pytest.mark.parametrize(
    ("day", "slot", "now", "problem"),
    [
        (date(2020, 1, 26), M, (date(2020, 1, 26), M), ""),
        (date(2020, 1, 26), A, (date(2020, 1, 26), M), "That half-day has not begun yet."),
        (date(2020, 1, 25), A, (date(2020, 1, 26), M), "That day is outside the 14 days of observation."),
        (date(2020, 2, 9), M, (date(2020, 2, 9), A), "That day is outside the 14 days of observation."),
        (date(2020, 2, 8), A, (date(2020, 2, 10), M), ""),  # a late entry for day 14
    ],
)
def test_which_cells_can_be_written(day, slot, now, problem) -> None:
    assert can_record(E, day, slot, now) == problem


@pytest.mark.parametrize(
    ("zone", "instant", "local"),
    [
        # Europe/Berlin springs forward at 02:00 on 2020-03-29: the day still has its date and two halves.
        ("Europe/Berlin", datetime(2020, 3, 28, 23, 30, tzinfo=UTC), (date(2020, 3, 29), M)),
        ("Europe/Berlin", datetime(2020, 3, 29, 10, 30, tzinfo=UTC), (date(2020, 3, 29), A)),  # 12:30 CEST
        ("Europe/Berlin", datetime(2020, 3, 29, 9, 59, tzinfo=UTC), (date(2020, 3, 29), M)),  # 11:59 CEST
        # … and falls back on 2020-10-25: 23:30 UTC is already the 26th locally.
        ("Europe/Berlin", datetime(2020, 10, 25, 23, 30, tzinfo=UTC), (date(2020, 10, 26), M)),
        ("Asia/Shanghai", datetime(2020, 1, 31, 16, 0, tzinfo=UTC), (date(2020, 2, 1), M)),  # midnight CST
        ("Asia/Shanghai", datetime(2020, 1, 31, 3, 59, tzinfo=UTC), (date(2020, 1, 31), M)),
        ("Asia/Shanghai", datetime(2020, 1, 31, 4, 0, tzinfo=UTC), (date(2020, 1, 31), A)),
    ],
)
def test_local_dates_come_from_the_zone_not_from_hour_arithmetic(zone, instant, local) -> None:
    assert local_slot(instant, ZoneInfo(zone)) == local


def test_a_period_across_a_daylight_saving_change_still_has_14_days_and_28_cells() -> None:
    exposure = date(2020, 3, 20)  # day 9 = 2020-03-29, the spring-forward day in Europe
    first = first_expected(exposure, (exposure, M))
    assert last_expected(exposure) - first + 1 == 28
    assert planned_release(exposure) == date(2020, 4, 4)
