"""Offline: when the clinic's server goes away in the middle of the morning, nothing is lost or doubled.

The server here is a private PostgreSQL cluster of this module's own (the session's shared one must not
be stopped under other tests), stopped and started again on the same data folder and port.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import SCREENING
from db.offline.link import ServerUnavailable
from db.offline.screenings import (
    SCREENING_ADD,
    ResilientScreeningRepository,
    matches,
    screening_from_payload,
    screening_payload,
)
from db.offline.store import open_resilient
from db.outbox import Outbox
from db.repositories import SqlScreeningRepository
from fever_desk.model import Disposition
from tests.db.factories import make_screening

pytestmark = pytest.mark.postgresql
DAY = datetime(2020, 2, 3, tzinfo=UTC)


@pytest.fixture(scope="module")
def server() -> Iterator[object]:
    from tests.pg import private_cluster

    with private_cluster() as cluster:
        yield cluster


@pytest.fixture
def up(server) -> Iterator[object]:
    """The module's server, running at the start and at the end of each test."""
    if not server.running():
        server.start()
    yield server
    if not server.running():
        server.start()


@pytest.fixture
def outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Outbox:
    monkeypatch.setenv("FEVER_DESK_DATA", str(tmp_path / "data"))
    return Outbox()


def server_rows(handle) -> tuple[int, int]:
    with handle.engine.connect() as connection:
        return tuple(connection.execute(select(func.count(), func.count(SCREENING.c.id.distinct()))).one())


def test_the_outbox_lives_in_the_data_folder_and_round_trips_a_screening(outbox, tmp_path):
    assert outbox.path == tmp_path / "data" / "outbox.sqlite3"
    repo = SqlScreeningRepository(lambda: None)  # only its stamping is used here
    values = repo.stamped(make_screening(created_at=DAY))
    outbox.put(SCREENING_ADD, str(values["id"]), screening_payload(values))
    outbox.put(SCREENING_ADD, str(values["id"]), screening_payload(values))  # a retry keeps one copy
    (item,) = outbox.pending()
    assert screening_from_payload(item.payload) == replace(
        make_screening(created_at=DAY), id=values["id"], updated_at=DAY
    )
    outbox.failed(item.seq, "connection refused")
    assert outbox.pending()[0].attempts == 1
    outbox.done(item.seq)
    assert outbox.count() == 0


def test_the_local_search_follows_the_server_rules():
    screening = make_screening("Wang Lei", phone="13812345678", id_number="11010519851203002X")
    for text in ("wang", "WANG L", "138", "5678", "1101", "11010519851203002x", ""):
        assert matches(screening, text), text
    for text in ("li", "1234", "12"):
        assert not matches(screening, text), text


@pytest.mark.slow
def test_a_server_outage_in_the_middle_of_a_load_loses_and_duplicates_nothing(up, outbox):
    store = open_resilient(up.fresh_database("outage"), outbox)
    handle, repo = store.handle, store.screenings
    saved: list[uuid.UUID] = []
    went_offline = came_back = False
    window = (DAY, DAY + timedelta(days=1))
    assert repo.counts(*window).screened == 0  # the desk shows the day once it opens
    try:
        for i in range(300):
            if i == 100:
                up.stop("immediate")  # the server vanishes between two patients
            if i == 200:
                up.start()
            disposition = Disposition.SUSPECTED if i % 10 == 0 else Disposition.ROUTINE
            celsius = 38.5 if disposition is Disposition.SUSPECTED else 36.5
            result = repo.add(
                make_screening(
                    f"病人{i}",
                    celsius=celsius,
                    disposition=disposition,
                    created_at=DAY + timedelta(minutes=i),
                )
            )
            saved.append(result.id)
            if 100 <= i < 200:
                went_offline = went_offline or not repo.online
                # The nurse sees the patient she just registered, and the day's figure counts them.
                assert repo.between(DAY, DAY + timedelta(days=1), limit=1)[0].id == result.id
                assert repo.counts(DAY, DAY + timedelta(days=1)).screened == i + 1
            if i % 25 == 24:
                replayed = repo.replay()  # the station's replay timer
                came_back = came_back or (i >= 200 and replayed.pushed > 0)
        assert went_offline and came_back
        while (result := repo.replay()).remaining:
            assert result.online
        assert repo.online and repo.pending_count() == 0
        assert server_rows(handle) == (300, 300)
        day = repo.between(DAY, DAY + timedelta(days=1))
        assert sorted(s.id for s in day) == sorted(saved)
        assert repo.counts(DAY, DAY + timedelta(days=1)).suspected == 30
    finally:
        store.close()


def test_a_save_whose_commit_was_unclear_is_replayed_without_a_second_row(up, outbox):
    store = open_resilient(up.fresh_database("unclear"), outbox)
    handle, repo = store.handle, store.screenings
    try:
        done = repo.add(make_screening(created_at=DAY))
        # The connection broke after the server committed: the counter queued it anyway.
        values = repo.primary.stamped(done)
        outbox.put(SCREENING_ADD, str(done.id), screening_payload(values))
        assert repo.replay().remaining == 0
        assert repo.replay().pushed == 0  # running it again is harmless
        assert server_rows(handle) == (1, 1)
        assert repo.get(done.id) == done
    finally:
        store.close()


def test_offline_reads_keep_what_the_server_gave_last_and_corrections_are_kept(up, outbox):
    store = open_resilient(up.fresh_database("reads"), outbox)
    handle, repo = store.handle, store.screenings
    try:
        first = repo.add(make_screening("早", created_at=DAY + timedelta(hours=8)))
        window = (DAY, DAY + timedelta(days=1))
        assert [s.id for s in repo.between(*window)] == [first.id]
        assert [s.id for s in repo.day_lines(*window)] == [first.id]  # the desk's list, remembered
        assert repo.counts(*window).screened == 1  # the desk reads the list and figures together
        token = repo.change_token(*window)
        up.stop("fast")
        second = repo.add(make_screening("晚", created_at=DAY + timedelta(hours=9)))
        assert not repo.online and repo.pending_count() == 1 and repo.pending_ids() == {second.id}
        assert [s.person.name for s in repo.between(*window)] == ["晚", "早"]
        assert [s.name for s in repo.day_lines(*window)] == ["晚", "早"]  # the pending save is listed
        assert repo.counts(*window).screened == 2
        assert repo.get(second.id) == second
        assert repo.changed_since(token, *window) is not None  # the pending save changes the list
        # A correction is kept too (db.offline.corrections) and shown here until it is sent.
        corrected = repo.correct(replace(first, note="改"), operator="医生乙", reason="x")
        assert corrected.version == 2 and repo.get(first.id).note == "改"
        assert [s.note for s in repo.between(*window)][1] == "改"
        up.start()
        assert store.replay().pending == 0
        assert repo.online and server_rows(handle) == (2, 2)
        assert [s.person.name for s in repo.between(*window)] == ["晚", "早"]
        on_server = repo.primary.get(first.id)
        assert (on_server.note, on_server.version) == ("改", 2)
        assert [r.replaced_by for r in repo.primary.revisions(first.id)] == ["医生乙"]
    finally:
        store.close()


def test_a_counter_can_start_while_the_server_is_down(up, outbox):
    url = up.fresh_database("late")
    up.stop("fast")
    store = open_resilient(url, outbox)
    repo = store.screenings
    try:
        assert not repo.online
        saved = repo.add(make_screening(created_at=DAY))
        assert repo.pending_count() == 1
        up.start()
        result = repo.replay()
        assert (result.pushed, result.remaining, result.online) == (1, 0, True)
        assert repo.get(saved.id) == saved
    finally:
        store.close()


def test_a_row_the_server_refuses_stays_queued_and_the_rest_go_through(up, outbox):
    store = open_resilient(up.fresh_database("refused"), outbox)
    handle, repo = store.handle, store.screenings
    try:
        good = SqlScreeningRepository(handle.session_factory).stamped(make_screening(created_at=DAY))
        bad = dict(good, id=uuid.uuid4(), name="x" * 150)  # longer than the column allows
        outbox.put(SCREENING_ADD, str(bad["id"]), screening_payload(bad))
        outbox.put(SCREENING_ADD, str(good["id"]), screening_payload(good))
        result = repo.replay()
        assert (result.pushed, result.remaining) == (1, 1)
        (left,) = outbox.pending()
        assert left.item_id == str(bad["id"]) and left.attempts == 1 and left.last_error
        assert isinstance(repo, ResilientScreeningRepository) and repo.online
    finally:
        store.close()


def test_pharmacy_registrations_wait_in_the_same_outbox_and_the_repeat_check_sees_them(up, outbox):
    from tests.fever_desk.pharmacy_cases import ID_NUMBER, purchase

    store = open_resilient(up.fresh_database("pharmacy"), outbox)
    purchases = store.purchases
    try:
        window = (DAY, DAY + timedelta(days=1))
        first = purchases.add(purchase(at=DAY + timedelta(hours=8)))
        assert purchases.counts(*window).purchasers == 1 and len(purchases.between(*window)) == 1
        assert len(purchases.day_lines(*window)) == 1  # read online, remembered for the outage
        up.stop("immediate")
        second = purchases.add(purchase(at=DAY + timedelta(hours=9)))
        assert store.status().pending == 1
        assert not store.link.online and store.screenings.online is False
        assert [p.id for p in purchases.between(*window)] == [second.id, first.id]
        assert [p.id for p in purchases.day_lines(*window)] == [second.id, first.id]
        assert purchases.counts(*window).purchasers == 2
        assert second.id in {p.id for p in purchases.recent_for(ID_NUMBER, "", DAY)}
        with pytest.raises(ServerUnavailable):
            purchases.export_rows(*window)  # the regulator's list is never handed over incomplete
        assert purchases.get(second.id) == second
        up.start()
        status = store.replay()
        assert status.online and status.pending == 0
        assert purchases.primary.get(second.id) == second  # drug lines included
        assert purchases.replay().pushed == 0
        assert [p.id for p in purchases.export_rows(*window)] == [first.id, second.id]
        assert purchases.primary.counts(*window).purchasers == 2
    finally:
        store.close()


def test_the_background_replay_sends_the_outbox_when_the_server_is_back(up, outbox):
    import threading

    store = open_resilient(up.fresh_database("background"), outbox)
    seen = []
    done = threading.Event()

    def on_status(status):
        seen.append(status)
        if status.online and status.pending == 0 and len(seen) > 1:
            done.set()

    try:
        up.stop("immediate")
        saved = store.screenings.add(make_screening(created_at=DAY))
        assert (store.status().online, store.status().pending) == (False, 1)
        store.start_replaying(every=0.1, on_status=on_status)
        up.start()
        assert done.wait(20), seen
        assert store.screenings.primary.get(saved.id) == saved
    finally:
        store.close()


def test_an_operation_that_fails_for_its_own_reasons_offline_keeps_nothing(up, outbox):
    """Only a lost server turns into "kept on this counter": an operation's own error, or one that had
    not made its audit entry yet, still fails, and nothing of it waits in the outbox to be sent later."""
    from fever_desk.audit import AuditDraft

    store = open_resilient(up.fresh_database("own"), outbox)
    try:
        up.stop("immediate")
        with pytest.raises(ValueError, match="the form was wrong"), store.unit_of_work() as session:
            screening = store.screenings.add(make_screening(), session=session)
            draft = AuditDraft("nurse.li", "desk-1", "create", "screening", str(screening.id))
            store.audit.append(draft, session=session)
            raise ValueError("the form was wrong")
        with pytest.raises(ServerUnavailable), store.unit_of_work() as session:
            store.screenings.add(make_screening(), session=session)  # its entry never made
        assert outbox.count() == 0
    finally:
        store.close()


def test_a_station_that_loses_the_server_starts_probing_at_once_not_after_its_quiet_period(up, outbox):
    """The replay thread of a station that was online sleeps its whole period between quiet rounds (an
    hour here).  A save that finds the server gone must wake it: the outbox is sent once the server is
    back, without waiting for the rest of the hour (before: nothing was sent until the hour was up)."""
    import threading

    store = open_resilient(up.fresh_database("wake"), outbox)
    drained = threading.Event()

    def on_status(status):
        if status.online and status.pending == 0 and outbox.count() == 0 and saved:
            drained.set()

    saved: list[object] = []
    try:
        store.screenings.add(make_screening(created_at=DAY))  # online: reaches the server
        store.start_replaying(every=3600, on_status=on_status)
        up.stop("immediate")
        saved.append(store.screenings.add(make_screening(created_at=DAY)))
        assert store.status().pending == 1 and not store.status().online
        up.start()
        assert drained.wait(30), store.status()
        assert store.screenings.primary.get(saved[0].id) == saved[0]
    finally:
        store.close()
