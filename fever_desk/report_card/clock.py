"""The 2-hour clock: a suspected case is reported online within two hours of its diagnosis.

Pure and given ``now`` by the caller, so the tests (and the desk's timer) inject the time.  Reported
exactly at two hours is on time; one second later is late.  Between 30 minutes left and the deadline the
card warns; after it, it is overdue until it is marked reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from fever_desk.report_card.card import ReportCard

REPORT_WITHIN = timedelta(hours=2)
WARN_BEFORE = timedelta(minutes=30)


class ClockState(StrEnum):
    RUNNING = "running"  # more than 30 minutes left
    WARNING = "warning"  # 30 minutes or less left
    OVERDUE = "overdue"  # past the two hours, not reported
    REPORTED = "reported"  # reported within the two hours
    REPORTED_LATE = "reported_late"


@dataclass(frozen=True)
class ClockReading:
    state: ClockState
    due_at: datetime
    minutes_left: int  # whole minutes, rounded up while time is left; negative (minutes late) once overdue


def due_at(card: ReportCard) -> datetime:
    return card.diagnosed_at + REPORT_WITHIN


def reported_late(card: ReportCard) -> bool:
    """Was the card marked reported after its two hours?  (False while it is not reported.)"""
    return card.reported_at is not None and card.reported_at > due_at(card)


def read_clock(card: ReportCard, now: datetime) -> ClockReading:
    """Where ``card`` stands at ``now`` (aware datetimes)."""
    due = due_at(card)
    if card.reported_at is not None:
        state = ClockState.REPORTED_LATE if card.reported_at > due else ClockState.REPORTED
        return ClockReading(state, due, 0)
    left = (due - now).total_seconds()
    if left < 0:
        return ClockReading(ClockState.OVERDUE, due, -math.ceil(-left / 60))
    state = ClockState.WARNING if left <= WARN_BEFORE.total_seconds() else ClockState.RUNNING
    return ClockReading(state, due, math.ceil(left / 60))
