"""A record about a screening that still waits in this counter's outbox waits behind it.

Found by the eight-counter fault test once it saved follow-up results and slip prints too
(``tests/ui/test_outage_faults.py``): a screening saved during the outage is in the outbox; the server is
back and the counter knows it, but the replay has not sent that screening yet; the nurse records a result
for it (or prints its slip).  That save went straight to the server, which refused it (the screening is
not there: a foreign key violation), and the desk said "not saved".  Now it is kept behind its screening
("saved on this counter") and the replay sends both, in order, each with its entry; the counter stays
online meanwhile.
"""

from __future__ import annotations

from typing import Any

from db.offline.screenings import SCREENING_ADD
from fever_desk.reporting import FollowupResult
from fever_desk.settings import Settings
from tests.db.factories import make_screening
from tests.db.test_offline import server, up  # noqa: F401 - the module's own cluster and "running" fixture
from tests.ui.test_offline_operations import ctx  # noqa: F401 - the station's worker context
from ui.services import reports as report_operations
from ui.services import screening as operations
from ui.services import slips as slip_service


def test_a_result_and_a_slip_of_a_screening_still_waiting_here_are_kept_behind_it(ctx, up: Any) -> None:  # noqa: F811
    settings = Settings(station_id="desk-1")
    up.stop("immediate")
    waiting = operations.save_screening(ctx, make_screening()).screening
    up.start()
    ctx.store.link.call(ctx.store.screenings.primary.probe)  # the server answers again; no replay yet
    assert ctx.store.link.online and ctx.store.outbox.count(SCREENING_ADD) == 1

    result = report_operations.record_followup(ctx, waiting.id, "suspected")
    printed = slip_service.record(
        ctx, slip_service.issue_and_archive(waiting, settings), settings, printer="XP-80"
    )
    assert result.queued and printed.queued  # before: ForeignKeyViolation, shown as "not saved"
    assert ctx.store.link.online  # the status bar does not say "server unreachable"
    assert [f.result for f in report_operations.load_followups(ctx, waiting.id)] == [FollowupResult.SUSPECTED]

    assert ctx.store.replay().pending == 0
    assert [f.result for f in ctx.store.followups.primary.followups(waiting.id)] == [FollowupResult.SUSPECTED]
    assert ctx.store.slips.primary.count(waiting.id) == 1
    actions = [e.action for e in ctx.audit.for_record("screening", str(waiting.id))]
    assert actions == ["create", "followup", "print"]
    assert ctx.audit.verify() is None
    # With its screening on the server, the next result goes there at once.
    assert not report_operations.record_followup(ctx, waiting.id, "confirmed").queued
