"""The date rules of the 14-day observation, on local calendar dates only.

Day 1 is the day after the last exposure (or the return), day 14 the last day observed, and the person is
released on day 15 if nothing was found.  The planned release date is fixed by the exposure date alone, so a
person the grid workers find on day 6 is released on the same day as one registered on day 1.

Each day has two cells, morning (上午, before :data:`NOON`) and afternoon (下午).  Every computation works on
``date`` objects and a half-day number (:func:`half_day`): two per calendar day, counted by
``date.toordinal()``.  A wall-clock time is turned into (local date, slot) once, in :func:`local_slot`;
nothing adds hours to a datetime, so a daylight-saving change (where a station has one) can neither skip
nor double a day.

A cell is *expected* from the half-day the person was registered in (nobody can be blamed for a morning
before anyone knew of them) and from day 1, up to day 14's afternoon.  A half-day that ended with its cell
still empty is *missed*; a person whose newest reading is older than the last half-day that ended is
*overdue*, and after ``lost_after_days`` whole days (two half-days each) without a reading they are
proposed as lost to follow-up — which an authorised person confirms with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from fever_desk.observation.model import Slot

OBSERVATION_DAYS = 14
NOON = time(12, 0)
DEFAULT_LOST_AFTER_DAYS = 2


def day_one(last_exposure: date) -> date:
    """The first day of observation: the day after the last exposure or return."""
    return last_exposure + timedelta(days=1)


def last_day(last_exposure: date) -> date:
    """Day 14, the last day observed."""
    return last_exposure + timedelta(days=OBSERVATION_DAYS)


def planned_release(last_exposure: date) -> date:
    """Day 15 (预计解除日期), whatever day the person was registered."""
    return last_exposure + timedelta(days=OBSERVATION_DAYS + 1)


def day_number(last_exposure: date, day: date) -> int:
    """Which observation day ``day`` is: 1 … 14 inside the period, 0 or less before, 15 on release day."""
    return (day - last_exposure).days


def in_period(last_exposure: date, day: date) -> bool:
    return 1 <= day_number(last_exposure, day) <= OBSERVATION_DAYS


def slot_of(moment: time) -> Slot:
    """Morning before :data:`NOON`, afternoon from it on."""
    return Slot.MORNING if moment < NOON else Slot.AFTERNOON


def local_slot(moment: datetime, zone: tzinfo | None = None) -> tuple[date, Slot]:
    """The local calendar date and half-day of an instant: the one place wall-clock time enters.

    ``zone`` is the station's zone (default: the system's); a naive ``moment`` is taken as already local.
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone) if zone is not None else moment.astimezone()
    return moment.date(), slot_of(moment.time())


def half_day(day: date, slot: Slot) -> int:
    """A number for each half-day: consecutive half-days differ by one, across any month or year."""
    return day.toordinal() * 2 + slot.index


def from_half_day(number: int) -> tuple[date, Slot]:
    return date.fromordinal(number // 2), (Slot.MORNING if number % 2 == 0 else Slot.AFTERNOON)


def first_expected(last_exposure: date, registered: tuple[date, Slot]) -> int:
    """The first half-day with a cell expected: day 1's morning, or the registration's half-day if later."""
    return max(half_day(day_one(last_exposure), Slot.MORNING), half_day(*registered))


def last_expected(last_exposure: date) -> int:
    """Day 14's afternoon."""
    return half_day(last_day(last_exposure), Slot.AFTERNOON)


def missed_in_a_row(covered_through: int, first: int, last: int, now: int) -> int:
    """Half-days that ended, from the newest reading (``covered_through``, or ``first - 1`` when none) to
    the half-day before ``now``, without a reading; never counting beyond day 14."""
    ended = min(now, last + 1) - 1
    return max(0, ended - max(covered_through, first - 1))


def is_overdue(missed: int) -> bool:
    """A missed half-day makes a person overdue: the health centre calls them."""
    return missed >= 1


def is_lost(missed: int, lost_after_days: int) -> bool:
    """No reading for ``lost_after_days`` whole days: proposed as lost to follow-up (a person confirms)."""
    if lost_after_days < 1:
        raise ValueError("lost_after_days must be at least 1")
    return missed >= 2 * lost_after_days


def can_release(last_exposure: date, today: date) -> bool:
    """On or after day 15 (the operation also requires no fever or symptom pending)."""
    return today >= planned_release(last_exposure)


def can_record(last_exposure: date, day: date, slot: Slot, now: tuple[date, Slot]) -> str:
    """Why a cell cannot be written (an English source string), or "" when it can: inside days 1–14 and
    not in a half-day that has not begun yet."""
    if not in_period(last_exposure, day):
        return "That day is outside the 14 days of observation."
    if half_day(day, slot) > half_day(*now):
        return "That half-day has not begun yet."
    return ""


@dataclass(frozen=True)
class Progress:
    """How far one person's follow-up has come, from the numbers the register keeps per person."""

    first: int
    last: int
    covered_through: int  # the newest filled half-day, or first - 1

    def missed(self, now: int) -> int:
        return missed_in_a_row(self.covered_through, self.first, self.last, now)

    def due(self, now: int) -> bool:
        """The current half-day is expected and still empty."""
        return self.first <= now <= self.last and self.covered_through < now
