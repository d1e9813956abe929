"""Small operations the screens hand to the database worker (one function each, run off the GUI thread).

They take the worker's context (an open database) and plain values, and return plain values, so they
can be tested without Qt and reused by the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from fever_desk.model import DayCounts, Screening
from ui.audit_hooks import audit


class DbContext(Protocol):
    screenings: Any

    def close(self) -> None: ...


@dataclass(frozen=True)
class DayView:
    rows: list[Screening]
    counts: DayCounts


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """Midnight to midnight in the station's local time, as aware datetimes."""
    start = datetime.combine(day, time.min).astimezone()
    end = datetime.combine(day + timedelta(days=1), time.min).astimezone()
    return start, end


def save_screening(ctx: DbContext, screening: Screening) -> Screening:
    saved = ctx.screenings.add(screening)
    audit(ctx, "create", "screening", str(saved.id))
    return saved


def correct_screening(ctx: DbContext, screening: Screening, operator: str, reason: str) -> Screening:
    corrected = ctx.screenings.correct(screening, operator=operator, reason=reason)
    # The free-text reason stays with the revision; the trail must never carry personal details.
    audit(ctx, "correct", "screening", str(corrected.id), f"v{corrected.version}")
    return corrected


def load_day(ctx: DbContext, day: date, search: str = "", limit: int = 500) -> DayView:
    start, end = local_day_bounds(day)
    rows = list(ctx.screenings.between(start, end, search=search, limit=limit))
    return DayView(rows, ctx.screenings.counts(start, end))
