"""The observation register's reads (Qt-free): today's worklist, one person's file, the register.

Named by ``ui.services.observation`` (the desk imports them from there); kept apart so each module stays
short.  The worklist is range conditions on the per-person numbers the register keeps
(``db.observation.models``), so it costs a few index reads whatever the register's size.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from fever_desk.observation import rules
from fever_desk.observation.model import Cell, Observation, Slot, Status
from fever_desk.observation.rules import DEFAULT_LOST_AFTER_DAYS
from ui.services.observation_results import ObservationFile, WorkItem, Worklist

if TYPE_CHECKING:
    from ui.services.context import DeskContext


# ---- reading ---------------------------------------------------------------------------------------------
def _item(row: Any, day: date, now_slot: int) -> WorkItem:
    (
        key,
        name,
        phone,
        id_number,
        kind,
        exposed,
        release_on,
        first,
        last,
        covered,
        temperature,
        alert,
        place,
        who,
    ) = row
    return WorkItem(
        key,
        name,
        phone,
        id_number,
        kind,
        (day - exposed).days,  # rules.day_number
        release_on,
        rules.missed_in_a_row(covered, first, last, now_slot),
        temperature,
        bool(alert),
        place,
        who,
    )


def worklist(
    ctx: DeskContext,
    day: date,
    now: datetime,
    *,
    lost_after_days: int = DEFAULT_LOST_AFTER_DAYS,
    limit: int = 50,
) -> Worklist:
    """Today's worklist: due this morning / afternoon, overdue (a missed half-day), fever or symptom not
    yet referred, releasable today, proposed as lost (``lost_after_days`` days without a reading).

    ``day`` is the local date shown; ``now`` decides which half-days have ended (a ``day`` other than
    today's shows that day as it stands at ``now``)."""
    from db.observation.models import OBSERVATION as OB

    today, slot = rules.local_slot(now)
    current = rules.half_day(today, slot) if day == today else rules.half_day(day, Slot.AFTERNOON) + 1
    morning = rules.half_day(day, Slot.MORNING)
    k = 2 * lost_after_days
    rules.is_lost(k, lost_after_days)  # refuses a threshold below one day
    c = OB.c
    # covered_through >= first_slot - 1 always, so "covered < m" already implies "first <= m"; and
    # "last < m" is "release_on <= day" (day 14's afternoon is the last slot).
    where = {
        "due_morning": [c.covered_through < morning, c.last_slot >= morning],
        "due_afternoon": [c.covered_through < morning + 1, c.last_slot >= morning + 1],
        "overdue": [c.covered_through <= current - 2, c.covered_through <= c.last_slot - 1],
        "fever": [c.alert.is_(True)],
        "releasable": [c.release_on <= day, c.alert.is_(False)],
        "lost": [c.covered_through <= current - 1 - k, c.covered_through <= c.last_slot - k],
    }
    from db.observation.repository import COUNT_CAP
    from ui.services.observation import observations

    repo = observations(ctx)
    orders = {"releasable": c.release_on}
    sections: dict[str, list[WorkItem]] = {}
    counts: dict[str, int] = {}
    with ctx.unit_of_work() as session:
        for name, terms in where.items():
            rows, counts[name] = repo.section(terms, limit, orders.get(name), session=session)
            sections[name] = [_item(row, day, current) for row in rows]
    capped = frozenset(name for name, size in counts.items() if size > COUNT_CAP)
    return Worklist(day, slot, **sections, counts=counts, lost_after_days=lost_after_days, capped=capped)


def load_file(ctx: DeskContext, observation_id: uuid.UUID) -> ObservationFile:
    """One person's entry, current grid and correction history."""
    from ui.services.observation import observations

    repo = observations(ctx)
    with ctx.unit_of_work() as session:
        observation = repo.get(observation_id, session=session)
        if observation is None:
            from ui.services.observation import ObservationProblem

            raise ObservationProblem("No such person on the observation register.")
        every = repo.all_cells(observation_id, session=session)
    newest: dict[tuple[date, str], Cell] = {}
    for cell in every:
        newest[(cell.entry.day, str(cell.entry.slot))] = cell
    current = list(newest.values())
    history = [cell for cell in every if cell not in current]
    return ObservationFile(observation, current, history)


def list_register(
    ctx: DeskContext, *, status: Status | None = None, search: str = "", limit: int = 500
) -> list[Observation]:
    """The register, newest registration first; ``search`` reads like every search box
    (``fever_desk.search``: ID prefix, phone start/end, name start)."""
    from ui.services.observation import observations

    return observations(ctx).register(status=status, search=search, limit=limit)
