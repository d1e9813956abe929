"""#18: the worklist turns from this morning's to this afternoon's list at noon by itself, with nobody
pressing F5; the clock is the worklist's own (injected), the list is read back from the real database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fever_desk.observation.model import Slot
from tests.ui.conftest import Desk
from tests.ui.test_observation_desk import seed, show_register


def test_at_noon_the_worklist_turns_to_the_afternoon_by_itself(desk: Desk, qtbot) -> None:
    seed(desk, qtbot, exposed=date.today() - timedelta(days=3), name="Gao Yan")
    worklist = show_register(desk, qtbot).worklist
    now = [datetime.combine(date.today(), time(11, 59, 30)).astimezone()]
    worklist.clock = lambda: now[0]
    worklist.refresh()
    qtbot.waitUntil(
        lambda: worklist.worklist is not None and worklist.worklist.slot is Slot.MORNING, timeout=10000
    )
    qtbot.waitUntil(lambda: not worklist.loading, timeout=10000)
    assert worklist.section == 0 and worklist.sections.currentRow() == 0
    assert [i.name for i in worklist.items(0)] == ["Gao Yan"]
    assert worklist.model.rowCount() == 1

    worklist.half_day_timer.setInterval(20)  # the check runs every 30 s at the desk
    qtbot.wait(200)  # still before noon: the checks leave the morning's list in front
    assert worklist.worklist.slot is Slot.MORNING and worklist.section == 0

    now[0] = datetime.combine(date.today(), time(12, 0, 5)).astimezone()
    qtbot.waitUntil(lambda: worklist.worklist.slot is Slot.AFTERNOON, timeout=10000)
    assert worklist.section == 1 and worklist.sections.currentRow() == 1
    assert "Gao Yan" in [i.name for i in worklist.items(1)]
    assert worklist.model.rowCount() >= 1
    worklist.choose(3)  # the nurse looks at another section: later checks leave her there
    qtbot.wait(200)
    assert worklist.section == 3 and worklist.worklist.slot is Slot.AFTERNOON
