"""The observation register on a shared server that is down (``db.offline.observations``).

The operations run as the desk runs them, on the station's worker context (``ui.services.database.Database``
on a PostgreSQL URL: the resilient store), against the private cluster of ``tests.db.test_offline``,
stopped and started again.  While it is down each write returns ``queued`` and waits in the outbox with
its audit entry; when it is back each arrives once with one entry, and the chain verifies; a replay
repeated after a crash (the server committed, the outbox did not hear it) changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from db.observation.repository import SqlObservationRepository
from db.offline.link import AUDIT_KEY, ServerUnavailable
from db.offline.observations import OBSERVATION_CHANGE
from db.transactions import unit_of_work
from fever_desk.observation.model import Status
from tests.db.factories import make_screening
from tests.db.test_offline import server, up  # noqa: F401 - the module's own cluster and "running" fixture
from tests.ui.test_observation_service import A, M, _registered, at, entry, registration
from ui.services import observation as obs
from ui.services import screening as screening_operations
from ui.services.audit_hooks import set_actor
from ui.services.database import Database

SECOND = {"name": "钱七", "id_number": "110101198001010044", "phone": "13700005678"}


@pytest.fixture
def ctx(up: Any) -> Iterator[Database]:  # noqa: F811 - the imported fixture
    context = Database(up.fresh_database("obs"))
    set_actor(context, "nurse.li", "desk-1")
    yield context
    context.close()


def _entries(ctx: Database, record_id: object, kind: str = "observation") -> list[Any]:
    return ctx.audit.for_record(kind, str(record_id))


def _crash_and_replay_again(ctx: Database, items: list[Any]) -> None:
    """The counter died after the server committed and before the outbox forgot: everything comes again."""
    ctx.store.outbox.put_many([(i.kind, i.item_id, i.payload) for i in items])
    assert ctx.store.replay().pending == 0


def test_register_record_correct_and_refer_while_down_arrive_once_with_their_entries(ctx, up) -> None:  # noqa: F811
    up.stop("immediate")
    screening = screening_operations.save_screening(ctx, make_screening()).screening
    saved = obs.register_from_screening(ctx, screening.id, registration(), role="nurse", now=at(1))
    assert saved.queued and not saved.existing
    oid = saved.observation.id
    assert saved.observation.person.id_number == "430102199003074512"
    # The same screening again: this counter's waiting registration, not a second one.
    again = obs.register_from_screening(ctx, screening.id, registration(), role="nurse", now=at(1))
    assert again.existing and again.observation.id == oid
    first = obs.record_cell(ctx, oid, entry(1, M), now=at(1, 10), role="nurse")
    assert first.queued and first.cell.version == 1
    fixed = obs.correct_cell(ctx, oid, entry(1, M, 36.9), "typo", now=at(1, 11), role="nurse")
    assert fixed.queued and fixed.cell.version == 2
    hot = obs.record_cell(ctx, oid, entry(1, A, 38.4), now=at(1, 15), role="nurse")
    assert hot.queued and hot.alert
    # Offline the grid reads as this counter knows it: the waiting cells on top.
    grid = obs.load_file(ctx, oid)
    assert {(c.entry.slot, c.version) for c in grid.cells} == {(M, 2), (A, 1)}
    referred = obs.refer(ctx, oid, now=at(1, 16), role="nurse")
    assert referred.queued and referred.observation.status is Status.REFERRED
    items = ctx.store.outbox.pending()
    changes = [i for i in items if i.kind == OBSERVATION_CHANGE]
    assert [i.payload["op"] for i in changes] == ["register", "cell", "cell", "cell", "status"]
    assert all(i.payload[AUDIT_KEY]["record_id"] == str(oid) for i in changes)

    up.start()
    assert ctx.store.replay().pending == 0
    on_server = ctx.store.observations.primary
    stored = on_server.get(oid)
    assert stored is not None and stored.status is Status.REFERRED
    versions = sorted((str(c.entry.slot), c.version, c.reason) for c in on_server.all_cells(oid))
    assert versions == [("afternoon", 1, ""), ("morning", 1, ""), ("morning", 2, "typo")]
    assert on_server.row(oid)["alert"] is True
    assert ctx.screenings.primary.get(referred.screening.id) is not None
    details = [e.detail for e in _entries(ctx, oid)]
    assert len(details) == 5 and details[0].startswith("register") and details[-1].startswith("referred")
    assert len(_entries(ctx, referred.screening.id, "screening")) == 1
    assert ctx.audit.verify() is None

    _crash_and_replay_again(ctx, items)
    assert len(on_server.all_cells(oid)) == 3
    assert len(_entries(ctx, oid)) == 5 and len(_entries(ctx, referred.screening.id, "screening")) == 1
    assert ctx.audit.verify() is None


def test_release_and_lost_while_down_are_kept_and_arrive_once(ctx, up) -> None:  # noqa: F811
    done = _registered(ctx, day=1).observation
    gone = _registered(
        ctx, day=1, name="钱七", id_number="110101198001010044", phone="13700005678"
    ).observation
    never_opened = _registered(ctx, day=1, name="孙八", id_number="11010119800101006X").observation
    for person in (done, gone):
        obs.load_file(ctx, person.id)  # the doctor had their grids open
    up.stop("immediate")
    released = obs.release(ctx, done.id, role="doctor", now=at(15))
    assert released.queued and released.observation.status is Status.RELEASED
    lost = obs.mark_lost(ctx, gone.id, "moved away", role="doctor", now=at(6))
    assert lost.queued and lost.observation.status is Status.LOST
    # Released here: no longer under observation, on this counter too.
    with pytest.raises(obs.ObservationProblem):
        obs.record_cell(ctx, done.id, entry(14, M), now=at(15), role="nurse")
    # What this counter never read, and today's worklist, need the server: said as such, nothing kept.
    with pytest.raises(ServerUnavailable):
        obs.release(ctx, never_opened.id, role="doctor", now=at(15))
    with pytest.raises(ServerUnavailable):
        obs.worklist(ctx, at(6).date(), at(6))
    items = ctx.store.outbox.pending()
    assert len(items) == 2

    up.start()
    assert ctx.store.replay().pending == 0
    on_server = ctx.store.observations.primary
    assert on_server.get(done.id).status is Status.RELEASED
    assert on_server.get(gone.id).status is Status.LOST
    assert on_server.get(gone.id).status_reason == "moved away"
    assert on_server.get(never_opened.id).status is Status.ACTIVE
    assert [len(_entries(ctx, p.id)) for p in (done, gone, never_opened)] == [2, 2, 1]
    assert ctx.audit.verify() is None
    _crash_and_replay_again(ctx, items)
    assert [len(_entries(ctx, p.id)) for p in (done, gone)] == [2, 2]
    assert ctx.audit.verify() is None
    # And the worklist is back.
    assert obs.worklist(ctx, at(6).date(), at(6)).counts


def test_a_status_change_the_server_cannot_apply_stays_queued_and_the_rest_arrive(ctx, up) -> None:  # noqa: F811
    person = _registered(ctx, day=1).observation
    other = _registered(
        ctx, day=1, name="钱七", id_number="110101198001010044", phone="13700005678"
    ).observation
    obs.load_file(ctx, person.id)
    obs.load_file(ctx, other.id)
    up.stop("immediate")
    obs.mark_lost(ctx, person.id, "moved away", role="doctor", now=at(6))
    obs.record_cell(ctx, other.id, entry(2, M), now=at(2), role="nurse")
    up.start()
    # Meanwhile another counter released the person: its own connection, straight to the server.
    engine = create_engine(ctx.handle.engine.url)
    try:
        with unit_of_work(sessionmaker(engine)) as session:
            SqlObservationRepository(sessionmaker(engine)).set_status(
                person.id, Status.RELEASED, at(15).date(), "", "dr.wu", at=at(15), session=session
            )
    finally:
        engine.dispose()
    result = ctx.store.replay()
    assert result.pending == 1  # the loss stays, with its reason, for IT
    (kept,) = ctx.store.outbox.pending()
    assert kept.payload["op"] == "status" and kept.attempts >= 1 and kept.last_error
    assert ctx.store.observations.primary.get(person.id).status is Status.RELEASED
    assert len(ctx.store.observations.primary.all_cells(other.id)) == 1
    assert ctx.audit.verify() is None


@pytest.fixture
def pg_desk(qtbot, tmp_path, desk_settings, up: Any) -> Iterator[Any]:  # noqa: F811
    """The real desk on the shared server (running), the register's worklist shown."""
    from tests.ui.conftest import running_desk

    url = up.fresh_database("obsdesk")
    settings_path = tmp_path / "config" / "settings.json"
    with running_desk(qtbot, url, desk_settings, settings_path, tmp_path / "unused.sqlite3", 30000) as desk:
        try:
            yield desk
        finally:
            desk.window.observation.grid.stop()


def test_on_the_desk_a_half_day_typed_while_the_server_is_down_says_saved_on_this_counter(
    pg_desk,
    qtbot,
    up,  # noqa: F811
) -> None:
    from datetime import date, datetime, timedelta

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from fever_desk.model import Person, Sex
    from fever_desk.observation.model import Exposure, Kind, Placement, Registration, Setting
    from fever_desk.observation.rules import local_slot
    from tests.ui.test_observation_desk import call, show_register

    desk, kb, window = pg_desk, pg_desk.keyboard, pg_desk.window
    Key = Qt.Key
    person = Person(name="Sun Hua", sex=Sex.FEMALE, age=46, id_number="", phone="13700001234", address="")
    registration_ = Registration(
        Exposure(Kind.CLOSE_CONTACT, date.today() - timedelta(days=3)), Placement(Setting.HOME)
    )
    saved = call(desk, qtbot, lambda ctx: obs.register_by_hand(ctx, person, registration_))
    window.station.announce(saved.changes)
    screen = show_register(desk, qtbot)
    worklist = screen.worklist
    qtbot.waitUntil(lambda: [r.name for r in worklist.model.rows][:1] == ["Sun Hua"], timeout=10000)
    kb.key(Key.Key_Return)
    grid = screen.grid
    qtbot.waitUntil(
        lambda: grid.model.file is not None and QApplication.focusWidget() is grid.entry.temperature,
        timeout=10000,
    )
    up.stop("immediate")
    kb.type("36.5")
    kb.key(Key.Key_F8)
    with qtbot.waitSignal(window.station.changed, timeout=20000):
        kb.key(Key.Key_Return)
    qtbot.waitUntil(lambda: "本时段记录已保存在本机" in window.statusBar().currentMessage(), timeout=10000)
    today, slot = local_slot(datetime.now().astimezone())
    qtbot.waitUntil(
        lambda: grid.model.data(grid.model.index_of(today, slot)).startswith("36.5"), timeout=10000
    )
    up.start()
    ctx = window.worker.context
    qtbot.waitUntil(lambda: ctx.store.outbox.count() == 0, timeout=30000)
    cells = ctx.store.observations.primary.all_cells(saved.observation.id)
    assert [c.entry.temperature.celsius for c in cells] == [36.5]
    assert len(_entries(ctx, saved.observation.id)) == 2  # the registration and the half-day


def test_a_half_day_typed_while_the_network_black_holes_is_kept_in_seconds_and_arrives_once(up) -> None:  # noqa: F811
    """A server that stops answering without closing anything (``tests.black_hole``): the half-day goes
    to the outbox when the call deadline cuts it, not after TCP gives up, and arrives once when healed."""
    import threading

    from tests.black_hole import BlackHoleProxy

    url = up.fresh_database("obsbh")
    proxy = BlackHoleProxy(up.port)
    context = Database(url.replace(f":{up.port}/", f":{proxy.port}/"))
    try:
        set_actor(context, "nurse.li", "desk-1")
        person = _registered(context, day=1).observation
        obs.load_file(context, person.id)
        proxy.swallow()  # the cable is pulled; nothing says so
        box: list[Any] = []
        worker = threading.Thread(
            target=lambda: box.append(
                obs.record_cell(context, person.id, entry(2, M), now=at(2), role="nurse")
            ),
            daemon=True,
        )
        worker.start()
        worker.join(30)
        assert not worker.is_alive(), "still waiting for the black-holed server after 30 s"
        assert box[0].queued
        proxy.heal()
        assert context.store.replay().pending == 0
        cells = context.store.observations.primary.all_cells(person.id)
        assert [(c.entry.day, c.version) for c in cells] == [(entry(2, M).day, 1)]
        assert len(_entries(context, person.id)) == 2
        assert context.audit.verify() is None
    finally:
        context.close()
        proxy.close()
