"""The desk's operations on a shared server that is down: a save kept in the outbox is a save.

The operations run on the station's own worker context (``ui.services.database.Database`` on a PostgreSQL
URL: the resilient store) against a private cluster of this module's own, stopped and started again.  A save
made while it is down returns (``queued``), never raises; its audit entry travels with it and is appended on
the server with the record, once; saving the same form again never makes a second record or entry; the
pharmacy's repeat check sees this counter's queued registrations.  The last test drives the real desk: the
nurse reads "saved on this counter" and the status bar counts what waits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from db import open_database
from db.offline.link import AUDIT_KEY
from db.offline.screenings import SCREENING_ADD
from db.pharmacy_repository import SqlPurchaseRepository
from fever_desk.pharmacy import DrugCategory, DrugLine
from fever_desk.settings import Settings
from tests.db.factories import make_screening
from tests.db.test_offline import server, up  # noqa: F401 - the module's own cluster and "running" fixture
from tests.db.test_purchase_medicines import stored_medicines
from tests.fever_desk import pharmacy_cases
from tests.ui.conftest import Desk, running_desk
from ui.services import pharmacy as pharmacy_operations
from ui.services import screening as operations
from ui.services.audit_hooks import set_actor
from ui.services.database import Database


@pytest.fixture
def ctx(up: Any) -> Iterator[Database]:  # noqa: F811 - the imported fixture
    context = Database(up.fresh_database("ops"))
    set_actor(context, "nurse.li", "desk-1")
    yield context
    context.close()


def _entries(ctx: Database, kind: str, record_id: object) -> list[Any]:
    return ctx.audit.for_record(kind, str(record_id))


def test_a_save_while_the_server_is_down_is_a_save_and_its_entry_travels_with_it(ctx, up) -> None:  # noqa: F811
    up.stop("immediate")
    before = datetime.now(UTC)
    screening = make_screening()
    result = operations.save_screening(ctx, screening)  # no error: the desk says "saved on this counter"
    assert result.queued and result.screening.id == screening.id
    assert result.screening.operator == "nurse.li"
    (item,) = ctx.store.outbox.pending()
    travelling = item.payload[AUDIT_KEY]
    assert (travelling["action"], travelling["record_id"], travelling["operator"]) == (
        "create",
        str(screening.id),
        "nurse.li",
    )
    # The nurse presses Enter again, or the desk retries: still one record waiting, and still a save.
    again = operations.save_screening(ctx, screening)
    assert again.queued and ctx.store.outbox.count() == 1

    up.start()
    assert ctx.store.replay().pending == 0
    (entry,) = _entries(ctx, "screening", screening.id)
    assert entry.operator == "nurse.li" and entry.station_id == "desk-1"
    assert before <= entry.at <= datetime.now(UTC)  # the time the nurse saved, not the replay's
    assert ctx.screenings.primary.get(screening.id) is not None
    assert ctx.audit.verify() is None
    # Once sent, the same form saved again is the stored record: no second row, no second entry.
    third = operations.save_screening(ctx, screening)
    assert not third.queued and third.screening.id == screening.id
    assert len(_entries(ctx, "screening", screening.id)) == 1


def test_a_replay_repeated_after_a_crash_writes_neither_record_nor_entry_twice(ctx, up) -> None:  # noqa: F811
    up.stop("immediate")
    screening = make_screening()
    operations.save_screening(ctx, screening)
    (item,) = ctx.store.outbox.pending()
    up.start()
    ctx.store.replay()
    # The counter died after the server committed the batch and before the outbox forgot it.
    ctx.store.outbox.put(SCREENING_ADD, item.item_id, item.payload)
    assert ctx.store.replay().pending == 0
    assert len(_entries(ctx, "screening", screening.id)) == 1
    assert ctx.audit.verify() is None


def test_offline_the_repeat_purchase_check_sees_this_counters_queued_saves(ctx, up) -> None:  # noqa: F811
    now = datetime.now(UTC)
    up.stop("immediate")
    first = pharmacy_cases.purchase(at=now - timedelta(hours=2))
    saved = pharmacy_operations.save_purchase(ctx, first, 3, frozenset())
    assert saved.queued and saved.saved is not None
    back_again = pharmacy_cases.purchase(at=now)
    stopped = pharmacy_operations.save_purchase(ctx, back_again, 3, frozenset())
    assert stopped.saved is None and [m.purchase.id for m in stopped.repeats] == [first.id]
    confirmed = pharmacy_operations.save_purchase(ctx, back_again, 3, frozenset({first.id}))
    assert confirmed.queued and confirmed.saved is not None
    up.start()
    assert ctx.store.replay().pending == 0
    for purchase in (first, back_again):
        assert ctx.purchases.primary.get(purchase.id) is not None
        assert len(_entries(ctx, "purchase", purchase.id)) == 1
    assert ctx.audit.verify() is None


@pytest.fixture
def offline_desk(qtbot, tmp_path: Path, desk_settings: Settings, up: Any) -> Iterator[Desk]:  # noqa: F811
    """The real desk on the shared server, started while the server is down."""
    url = up.fresh_database("desk")
    up.stop("immediate")
    settings_path = tmp_path / "config" / "settings.json"
    with running_desk(qtbot, url, desk_settings, settings_path, tmp_path / "unused.sqlite3", 30000) as desk:
        yield desk


def test_the_desk_says_saved_on_this_counter_and_the_status_bar_counts_it(offline_desk, qtbot, up) -> None:  # noqa: F811
    desk, kb = offline_desk, offline_desk.keyboard
    window = desk.window
    kb.routine_patient()
    with qtbot.waitSignal(window.saved, timeout=20000) as saved:
        kb.key(Qt.Key.Key_Return)
    assert "已保存在本机：Wang Fang" in window.form.outcome.caption.text()  # and not "Not saved"
    assert window.banner.isHidden() or "未保存" not in window.banner.text()
    qtbot.waitUntil(lambda: "1 条记录暂存在本机" in window.server_status.text(), timeout=10000)
    up.start()
    qtbot.waitUntil(lambda: window.server_status.text() == "服务器：已连接", timeout=20000)
    ctx = window.worker.context
    assert ctx.screenings.primary.get(saved.args[0].id) is not None
    assert len(_entries(ctx, "screening", saved.args[0].id)) == 1


def test_a_pharmacy_referral_made_while_the_server_is_down_says_it_was_kept(offline_desk, qtbot, up) -> None:  # noqa: F811
    """F10 on the pharmacy screen with the server down: the referral is kept in the outbox with its entry,
    and the pharmacist reads that it will be sent (before: nothing, as if it had gone through)."""
    from tests.fever_desk.test_pharmacy_referral import purchase

    window = offline_desk.window
    window.tabs.setCurrentWidget(window.pharmacy)
    referral = window.pharmacy_referral
    bought = purchase(38.4, True)
    try:
        referral.refer(bought)
        qtbot.waitUntil(lambda: "转诊记录已保存在本机" in window.pharmacy.status.text(), timeout=20000)
    finally:
        referral.stop()
    ctx = window.worker.context
    (item,) = ctx.store.outbox.pending(SCREENING_ADD)
    assert item.payload[AUDIT_KEY]["action"] == "create"
    up.start()
    qtbot.waitUntil(lambda: window.server_status.text() == "服务器：已连接", timeout=20000)
    assert ctx.screenings.primary.get(item.item_id) is not None
    assert len(_entries(ctx, "screening", item.item_id)) == 1


def test_results_received_back_while_the_server_is_down_are_kept_and_arrive_once(ctx, up) -> None:  # noqa: F811
    """A follow-up result is a save like any other: kept in the outbox with its entry while the server is
    away, listed on this counter meanwhile, and on the server once with its entry after the replay, even
    when the replay is repeated after a crash.  One of them is about a screening saved offline too: it
    arrives after its screening."""
    from db.offline.followups import FOLLOWUP_ADD
    from fever_desk.reporting import FollowupResult
    from ui.services import reports as report_operations

    online = operations.save_screening(ctx, make_screening()).screening
    up.stop("immediate")
    offline = operations.save_screening(ctx, make_screening()).screening
    first = report_operations.record_followup(ctx, online.id, "suspected", note="发热门诊")
    second = report_operations.record_followup(ctx, online.id, "confirmed")
    third = report_operations.record_followup(ctx, offline.id, "excluded")
    assert first.queued and second.queued and third.queued  # no error: "saved on this counter"
    assert first.followup.recorded_by == "nurse.li"
    listed = report_operations.load_followups(ctx, online.id)
    assert [f.result for f in listed] == [FollowupResult.SUSPECTED, FollowupResult.CONFIRMED]
    items = ctx.store.outbox.pending(FOLLOWUP_ADD)
    assert len(items) == 3
    assert {(i.payload[AUDIT_KEY]["action"], i.payload[AUDIT_KEY]["record_id"]) for i in items} == {
        ("followup", str(online.id)),
        ("followup", str(offline.id)),
    }

    up.start()
    assert ctx.store.replay().pending == 0
    # The counter died after the server committed and before the outbox forgot: sent again, kept once.
    for item in items:
        ctx.store.outbox.put(FOLLOWUP_ADD, item.item_id, item.payload)
    assert ctx.store.replay().pending == 0
    on_server = ctx.store.followups.primary.followups(online.id)
    assert [(f.result, f.note) for f in on_server] == [
        (FollowupResult.SUSPECTED, "发热门诊"),
        (FollowupResult.CONFIRMED, ""),
    ]
    assert [f.result for f in ctx.store.followups.primary.followups(offline.id)] == [FollowupResult.EXCLUDED]
    entries = [e for e in _entries(ctx, "screening", online.id) if e.action == "followup"]
    assert [e.detail for e in entries] == ["result=suspected", "result=confirmed"]
    assert [e.action for e in _entries(ctx, "screening", offline.id)] == ["create", "followup"]
    assert ctx.audit.verify() is None
    # Online again: recorded on the server at once.
    fourth = report_operations.record_followup(ctx, offline.id, "confirmed")
    assert not fourth.queued and fourth.followup.id > 0


def test_slips_printed_while_the_server_is_down_are_recorded_on_this_counter_and_arrive_once(ctx, up) -> None:  # noqa: F811
    """The slip is issued (signed, archived here) with the server down; its record and entry wait in the
    outbox instead of "issued but not recorded", the second copy is a reprint, and after the replay
    (repeated, as after a crash) the server holds each record and entry once."""
    from db.offline.slips import SLIP_RECORD
    from ui.services import slips as slip_service

    settings = Settings(station_id="desk-1")
    online = operations.save_screening(ctx, make_screening()).screening
    up.stop("immediate")
    offline = operations.save_screening(ctx, make_screening()).screening
    first = slip_service.record(
        ctx, slip_service.issue_and_archive(online, settings), settings, printer="XP-80"
    )
    second = slip_service.record(
        ctx, slip_service.issue_and_archive(online, settings), settings, printer="XP-80"
    )
    other = slip_service.record(
        ctx, slip_service.issue_and_archive(offline, settings), settings, printer="XP-80"
    )
    assert first.queued and second.queued and other.queued  # no "not recorded"
    assert (first.row.kind, second.row.kind, other.row.kind) == ("print", "reprint", "print")
    assert Path(first.row.archive_path).exists()  # the signed PDF is archived on this counter
    assert [p.kind for p in ctx.slip_prints.for_screening(online.id)] == ["print", "reprint"]
    items = ctx.store.outbox.pending(SLIP_RECORD)
    assert [i.payload[AUDIT_KEY]["action"] for i in items] == ["print", "reprint", "print"]

    up.start()
    assert ctx.store.replay().pending == 0
    for item in items:  # the counter died after the server committed and before the outbox forgot
        ctx.store.outbox.put(SLIP_RECORD, item.item_id, item.payload)
    assert ctx.store.replay().pending == 0
    on_server = ctx.store.slips.primary.for_screening(online.id)
    assert [(p.kind, p.id) for p in on_server] == [("print", first.row.id), ("reprint", second.row.id)]
    assert ctx.store.slips.primary.count(offline.id) == 1
    actions = [e.action for e in _entries(ctx, "screening", online.id)]
    assert actions == ["create", "print", "reprint"]
    assert ctx.audit.verify() is None
    third = slip_service.record(
        ctx, slip_service.issue_and_archive(online, settings), settings, printer="XP-80"
    )
    assert not third.queued and third.row.kind == "reprint"  # online: the server decides, as before


def test_corrections_made_offline_are_kept_and_the_last_to_arrive_wins_with_nothing_lost(
    ctx,
    up,  # noqa: F811 - the imported fixture
) -> None:
    """Counter A corrects a record while cut off; counter B corrects the same record online meanwhile.
    When A's correction arrives it is applied on top (the last to arrive is in force) and B's version
    is kept in the history, both with their entries; replayed twice (a crash), it is applied once.  A
    record saved offline and corrected offline arrives saved, then corrected."""
    from db.offline.corrections import SCREENING_CORRECT

    url = ctx.store.handle.engine.url.render_as_string(hide_password=False)
    shared = operations.save_screening(ctx, make_screening()).screening
    # Counter B: another station on the same server.  (In this one process it shares A's data folder, so
    # its key; it saves online only and never replays, so A's outbox stays A's.)
    other = Database(url)
    set_actor(other, "nurse.wang", "desk-2")
    day = (shared.created_at - timedelta(hours=1), shared.created_at + timedelta(hours=1))
    assert shared.id in {s.id for s in ctx.screenings.between(*day)}  # the list as the desk last saw it
    try:
        up.stop("immediate")
        mine = operations.correct_screening(ctx, replace(shared, note="A: 年龄31"), "", "age misheard")
        assert mine.queued and mine.screening.note == "A: 年龄31"  # no error: kept on this counter
        assert ctx.screenings.get(shared.id).note == "A: 年龄31"  # this counter shows its correction
        assert [s.note for s in ctx.screenings.between(*day) if s.id == shared.id] == ["A: 年龄31"]
        new = operations.save_screening(ctx, make_screening()).screening
        fixed = operations.correct_screening(ctx, replace(new, note="phone fixed"), "", "digit")
        assert fixed.queued
        (travelling, _second) = [i.payload[AUDIT_KEY] for i in ctx.store.outbox.pending(SCREENING_CORRECT)]
        assert (travelling["action"], travelling["record_id"]) == ("correct", str(shared.id))

        up.start()
        theirs = operations.correct_screening(other, replace(shared, note="B: 发热"), "", "temperature")
        assert not theirs.queued and theirs.screening.version == 2
        items = ctx.store.outbox.pending(SCREENING_CORRECT)
        assert ctx.store.replay().pending == 0
        for item in items:  # the counter died after the server committed and before the outbox forgot
            ctx.store.outbox.put(SCREENING_CORRECT, item.item_id, item.payload)
        assert ctx.store.replay().pending == 0

        server = ctx.store.screenings.primary
        now_in_force = server.get(shared.id)
        assert (now_in_force.note, now_in_force.version) == ("A: 年龄31", 3)
        history = [(r.version, r.snapshot.note, r.replaced_by) for r in server.revisions(shared.id)]
        assert history == [(1, shared.note, "nurse.wang"), (2, "B: 发热", "nurse.li")]
        actions = [(e.action, e.operator) for e in _entries(ctx, "screening", shared.id)]
        assert actions == [("create", "nurse.li"), ("correct", "nurse.wang"), ("correct", "nurse.li")]
        assert (server.get(new.id).note, server.get(new.id).version) == ("phone fixed", 2)
        assert len(server.revisions(new.id)) == 1
        assert ctx.audit.verify() is None
    finally:
        other.close()


def test_the_daily_report_made_offline_is_provisional_until_the_server_counts_the_day(
    ctx,
    up,  # noqa: F811 - the imported fixture
) -> None:
    """Counter A generates the day's report while cut off: it is kept, shown as provisional, with the
    figures the server gave last.  Counter B files the day meanwhile.  When A's request arrives (after
    A's own waiting screening) the server counts the day again: the new count becomes revision 2 on top
    of B's, with A's entry naming it; the provisional figures are never filed, and a request sent again
    after a crash (same figures) files nothing twice."""
    from datetime import time as clock

    from db.offline.reports import REPORT_GENERATE
    from ui.services import reports as report_operations

    station = report_operations.ReportingStation("desk-1", "预检分诊台", "城关镇卫生院", "", clock(16, 0))
    day = report_operations.current_day(datetime.now().astimezone(), station.cutoff).day
    operations.save_screening(ctx, make_screening(created_at=None))
    assert report_operations.load_report(ctx, station, day).figures.screened == 1  # as the screen saw it
    url = ctx.store.handle.engine.url.render_as_string(hide_password=False)
    other = Database(url)  # counter B (shares A's data folder in this process; never replays)
    set_actor(other, "nurse.wang", "desk-2")
    try:
        up.stop("immediate")
        operations.save_screening(ctx, make_screening(created_at=None))  # kept on A
        made = report_operations.generate_report(ctx, station, day)
        assert made.queued and made.created  # no error
        assert made.revision.figures.screened == 1  # the server's last count, marked provisional
        view = report_operations.load_report(ctx, station, day)
        assert view.provisional
        (item,) = ctx.store.outbox.pending(REPORT_GENERATE)
        assert (item.payload[AUDIT_KEY]["action"], item.payload[AUDIT_KEY]["record_id"]) == (
            "report",
            str(day),
        )

        up.start()
        filed = report_operations.generate_report(other, station, day)
        assert not filed.queued and filed.revision.revision == 1 and filed.revision.figures.screened == 1
        assert ctx.store.replay().pending == 0
        ctx.store.outbox.put(REPORT_GENERATE, item.item_id, item.payload)  # a crash before it was forgotten
        assert ctx.store.replay().pending == 0

        revisions = ctx.store.reports.primary.revisions("desk-1", day)
        assert [(r.revision, r.figures.screened, r.generated_by) for r in revisions] == [
            (1, 1, "nurse.wang"),
            (2, 2, "nurse.li"),
        ]
        entries = [(e.operator, e.detail) for e in _entries(ctx, "daily_report", day)]
        assert entries == [("nurse.wang", "revision=1"), ("nurse.li", "revision=2")]
        assert not report_operations.load_report(ctx, station, day).provisional
        assert ctx.audit.verify() is None
    finally:
        other.close()


def test_registrations_kept_offline_list_their_medicines_once_replayed(ctx, up) -> None:  # noqa: F811
    """The replay stores the purchase's medicines text with it (0011), also for a registration queued by a
    counter before its update (its outbox payload has no ``medicines``): another counter reading the day
    from the server sees the drugs of both."""
    now = datetime.now(UTC)
    up.stop("immediate")
    first = pharmacy_cases.purchase(at=now - timedelta(minutes=5))
    second = pharmacy_cases.purchase(at=now, name="李秀英", id_number="", phone="13900139000")
    second = replace(second, drugs=[DrugLine("连花清瘟胶囊", DrugCategory.ANTIVIRAL, 3)])
    for purchase in (first, second):
        assert pharmacy_operations.save_purchase(ctx, purchase, 3, frozenset()).queued
    older = next(item for item in ctx.store.outbox.pending() if item.item_id == str(first.id))
    row = {k: v for k, v in older.payload["purchase"].items() if k != "medicines"}
    ctx.store.outbox.done(older.seq)
    ctx.store.outbox.put(older.kind, older.item_id, {**older.payload, "purchase": row})
    up.start()
    assert ctx.store.replay().pending == 0

    other_counter = open_database(up.url(ctx.handle.engine.url.database))
    try:
        window = (now - timedelta(hours=1), now + timedelta(hours=1))
        lines = SqlPurchaseRepository(other_counter.session_factory).day_lines(*window)
        stored = stored_medicines(other_counter.engine)
    finally:
        other_counter.close()
    shown = {first.id: "布洛芬缓释胶囊×2、急支糖浆×1", second.id: "连花清瘟胶囊×3"}
    assert {line.id: line.medicines for line in lines} == shown
    assert stored == shown  # written by the replay, not joined by the list
