"""Report cards through the operations the desk and the command line call (``ui.services.report_cards``), on
SQLite and on the private PostgreSQL server: the card made with a suspected save in the same transaction,
the doctor's completion, the mark with the national number, corrections, the open-cards clock, the purge."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from db.report_cards.models import REPORT_CARD
from db.retention import purge_older_than
from fever_desk.model import Disposition, Outcome
from fever_desk.report_card.card import from_screening
from fever_desk.report_card.clock import ClockState, reported_late
from fever_desk.report_card.fields import Address, Belongs, CardKind, CaseClass
from tests.db.factories import make_screening
from ui.services import report_cards as rc
from ui.services.audit_hooks import set_actor
from ui.services.database import Database
from ui.services.screening import correct_screening, save_screening

STATION = rc.CardStation("芙蓉区人民医院", "0731-12345678", "430102")
ADDRESS = Address("湖南省", "长沙市", "芙蓉区", "五里牌街道", "朝阳村", "3号", "430102")


@pytest.fixture
def ctx(database_url: str) -> Iterator[Database]:
    context = Database(database_url)
    for username, role in (("doc", "doctor"), ("nurse", "nurse"), ("admin", "administrator")):
        context.accounts.add(username, "station-2026", role, must_change=False)
    set_actor(context, "nurse", "desk-1")
    yield context
    context.close()


def suspected(**changes: object):
    return make_screening(disposition=Disposition.SUSPECTED, **changes)


def card_rows(ctx: Database) -> int:
    with ctx.handle.session_factory() as session:
        return len(session.execute(select(REPORT_CARD.c.id)).all())


def as_doctor(ctx: Database) -> None:
    set_actor(ctx, "doc", "desk-1")


def completed(ctx: Database, card, now: datetime):
    """The doctor fills the fields the station could not know, and completes the card."""
    as_doctor(ctx)
    filled = replace(card, address=ADDRESS, occupation="teacher")
    return rc.complete_card(ctx, rc.suggested_belongs(filled, STATION), now=now, station=STATION).card


def test_a_suspected_save_makes_its_card_in_the_same_transaction(ctx: Database) -> None:
    result = save_screening(ctx, suspected())
    saved = result.screening
    assert result.changes.report_cards and result.changes.screenings  # the desk's card list refreshes
    (card,) = ctx.report_cards.for_screening(saved.id)
    assert (card.name, card.id_number, card.phone) == ("王小明", "430102199003074512", "13812345678")
    assert (card.address.county, card.address.township, card.onset_date) == (
        "长沙县",
        "黄花镇",
        saved.onset_date,
    )
    assert card.diagnosed_at == saved.created_at and card.kind is CardKind.INITIAL
    assert card.number.endswith("-0001") and not card.completed
    assert [e.action for e in ctx.audit.for_record("report_card", str(card.id))] == ["create"]
    # A second Enter (the same screening id) neither saves again nor makes a second card.
    save_screening(ctx, saved)
    assert card_rows(ctx) == 1
    # Other outcomes make no card.
    assert not save_screening(ctx, make_screening(disposition=Disposition.FEVER_CLINIC)).changes.report_cards
    save_screening(ctx, make_screening(disposition=Disposition.ROUTINE, celsius=36.5))
    assert card_rows(ctx) == 1


def test_a_card_that_cannot_be_stored_takes_the_screening_with_it(ctx: Database, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ctx.report_cards, "add", broken)
    screening = suspected()
    with pytest.raises(RuntimeError):
        save_screening(ctx, screening)
    assert ctx.screenings.get(screening.id) is None  # both or neither


def test_a_screening_corrected_to_suspected_gets_its_card(ctx: Database) -> None:
    saved = save_screening(ctx, make_screening(disposition=Disposition.FEVER_CLINIC)).screening
    assert ctx.report_cards.for_screening(saved.id) == []
    outcome = saved.outcome
    assert outcome is not None
    to_suspected = replace(
        saved, outcome=Outcome(Disposition.SUSPECTED, outcome.reasons, outcome.guideline_id, True)
    )
    corrected = correct_screening(ctx, to_suspected, "", "医生复核").screening
    (card,) = ctx.report_cards.for_screening(saved.id)
    assert card.diagnosed_at == corrected.updated_at


def test_only_a_doctor_or_administrator_completes_and_the_message_names_each_missing_field(
    ctx: Database,
) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    card = ctx.report_cards.for_screening(save_screening(ctx, suspected()).screening.id)[0]
    with pytest.raises(rc.CardNotAllowed):  # the nurse sees the card but does not complete it
        rc.complete_card(ctx, card, now=now, station=STATION)
    as_doctor(ctx)
    with pytest.raises(rc.CardIncomplete) as refused:
        rc.complete_card(ctx, card, now=now, station=STATION)
    assert [p.field for p in refused.value.problems] == ["belongs", "address", "occupation"]
    assert "人群分类" in refused.value.localized("zh_CN") and "现住址" in refused.value.localized("zh_CN")
    assert ctx.report_cards.get(card.id).completed_at is None
    done = completed(ctx, card, now)
    assert done.belongs is Belongs.SAME_COUNTY  # suggested from 430102 and 430102
    stored = ctx.report_cards.get(card.id)
    assert (stored.completed_by, stored.doctor, stored.reporting_unit) == ("doc", "doc", "芙蓉区人民医院")
    assert stored.number == card.number and stored.occupation == "teacher"
    set_actor(ctx, "admin", "desk-1")
    with pytest.raises(rc.CardFieldProblem):
        rc.mark_reported(ctx, card.id, "  ", now=now)
    rc.mark_reported(ctx, card.id, "N20261201001", now=now)
    assert ctx.report_cards.get(card.id).reported_by == "admin"


@pytest.mark.parametrize(
    ("after", "late"), [(timedelta(hours=1, minutes=59), False), (timedelta(hours=2, minutes=1), True)]
)
def test_marking_reported_records_who_when_and_the_number(
    ctx: Database, after: timedelta, late: bool
) -> None:
    saved = save_screening(ctx, suspected()).screening
    card = ctx.report_cards.for_screening(saved.id)[0]
    diagnosed = card.diagnosed_at
    completed(ctx, card, diagnosed + timedelta(minutes=30))
    rc.mark_reported(ctx, card.id, "N20261201001", now=diagnosed + after)
    stored = ctx.report_cards.get(card.id)
    assert (stored.reported_by, stored.reported_at, stored.national_number) == (
        "doc",
        diagnosed + after,
        "N20261201001",
    )
    assert reported_late(stored) is late
    assert rc.open_cards(ctx, diagnosed + after) == []
    actions = [e.action for e in ctx.audit.for_record("report_card", str(card.id))]
    assert actions == ["create", "card_complete", "card_reported"]
    with pytest.raises(rc.CardAlreadyReported):
        rc.mark_reported(ctx, card.id, "N2", now=diagnosed + after)


def test_an_incomplete_card_cannot_be_marked_reported(ctx: Database) -> None:
    card = ctx.report_cards.for_screening(save_screening(ctx, suspected()).screening.id)[0]
    as_doctor(ctx)
    with pytest.raises(rc.CardIncomplete):
        rc.mark_reported(ctx, card.id, "N1", now=card.diagnosed_at)
    assert ctx.report_cards.get(card.id).reported_at is None


def test_the_open_cards_clock_with_an_injected_time(ctx: Database) -> None:
    first = save_screening(ctx, suspected()).screening
    card = ctx.report_cards.for_screening(first.id)[0]
    t0 = card.diagnosed_at
    by_hand = replace(
        card,
        id=uuid.uuid4(),
        screening_id=None,
        name="李四",
        diagnosed_at=t0 + timedelta(minutes=40),
    )
    rc.create_card(ctx, by_hand, now=t0 + timedelta(minutes=41))
    readings = {
        o.card.name: (o.clock.state, o.clock.minutes_left)
        for o in rc.open_cards(ctx, t0 + timedelta(minutes=95))
    }
    assert readings == {"王小明": (ClockState.WARNING, 25), "李四": (ClockState.RUNNING, 65)}
    late = rc.open_cards(ctx, t0 + timedelta(hours=2, minutes=10))
    assert [(o.card.name, o.clock.state, o.clock.minutes_left) for o in late] == [
        ("王小明", ClockState.OVERDUE, -10),
        ("李四", ClockState.WARNING, 30),
    ]
    numbers = sorted(o.card.number[-4:] for o in late)
    assert numbers == ["0001", "0002"]


def test_a_correction_is_a_new_linked_card_and_the_first_stays(ctx: Database) -> None:
    card = ctx.report_cards.for_screening(save_screening(ctx, suspected()).screening.id)[0]
    t0 = card.diagnosed_at
    completed(ctx, card, t0 + timedelta(minutes=20))
    rc.mark_reported(ctx, card.id, "N1", now=t0 + timedelta(minutes=50))
    before = ctx.report_cards.get(card.id)
    set_actor(ctx, "nurse", "desk-1")
    with pytest.raises(rc.CardNotAllowed):
        rc.correct_card(ctx, card.id, CaseClass.CONFIRMED, now=t0 + timedelta(days=1))
    as_doctor(ctx)
    confirmed = rc.correct_card(ctx, card.id, CaseClass.CONFIRMED, now=t0 + timedelta(days=1)).card
    assert ctx.report_cards.get(card.id) == before  # nothing overwritten
    assert confirmed.kind is CardKind.CORRECTION and confirmed.corrects == card.id and confirmed.completed
    assert confirmed.number != card.number and not confirmed.reported
    assert [o.card.id for o in rc.open_cards(ctx, t0 + timedelta(days=1))] == [confirmed.id]
    excluded = rc.correct_card(
        ctx, confirmed.id, CaseClass.EXCLUDED, now=t0 + timedelta(days=2), remarks="复核排除"
    ).card
    assert excluded.corrects == card.id
    chain = rc.chain_of(ctx, confirmed.id)
    assert [(c.case_class, c.kind) for c in chain] == [
        (CaseClass.SUSPECTED, CardKind.INITIAL),
        (CaseClass.CONFIRMED, CardKind.CORRECTION),
        (CaseClass.EXCLUDED, CardKind.CORRECTION),
    ]
    actions = [e.action for e in ctx.audit.for_record("report_card", str(confirmed.id))]
    assert actions == ["correct"]


def test_the_purge_removes_cards_past_retention(ctx: Database) -> None:
    save_screening(ctx, suspected())
    assert card_rows(ctx) == 1
    counts = purge_older_than(ctx.handle.session_factory, datetime.now(UTC) + timedelta(days=1))
    assert counts["report_card"] == 1 and card_rows(ctx) == 0


def test_a_doctor_logs_in_and_may_complete(ctx: Database) -> None:
    from fever_desk.accounts import LoginStatus, Role
    from ui.services.admin import log_in

    outcome = log_in(ctx, "doc", "station-2026", "desk-1")
    assert outcome.status is LoginStatus.OK and outcome.operator is not None
    assert outcome.operator.role is Role.DOCTOR and ctx.actor.operator == "doc"


def test_revision_0008_goes_down_and_up(ctx: Database) -> None:
    """Down to 0006 the cards and the doctors go (the old role check could not hold them), the nurse
    stays; up again a doctor can be added and a card stored."""
    from alembic import command
    from sqlalchemy import inspect

    from db.migrate import alembic_config

    save_screening(ctx, suspected())

    def migrate(step: str, revision: str) -> None:
        config = alembic_config()
        with ctx.handle.engine.begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, step)(config, revision)

    migrate("downgrade", "0006")
    with ctx.handle.engine.connect() as connection:
        assert "report_card" not in inspect(connection).get_table_names()
    assert ctx.accounts.get("doc") is None and ctx.accounts.get("nurse") is not None
    with pytest.raises(Exception, match=r"(?i)check"):
        ctx.accounts.add("doc2", "station-2026", "doctor", must_change=False)
    migrate("upgrade", "head")
    ctx.accounts.add("doc3", "station-2026", "doctor", must_change=False)
    save_screening(ctx, suspected())
    assert card_rows(ctx) == 1


def test_two_counters_numbering_at_once_get_two_numbers(
    ctx: Database, database_url: str, engine_name: str
) -> None:
    """A second counter's card, numbered while the first counter's is not yet committed, waits on the
    unique number and then takes the next one; its save does not fail."""
    import threading

    if engine_name == "sqlite":
        pytest.skip("SQLite serialises writers: two counters share a server, not a file")
    other = Database(database_url)
    set_actor(other, "nurse", "desk-2")
    t0 = datetime(2026, 11, 20, 9, 0).astimezone()
    first = suspected()
    second = suspected(name="李四")
    try:
        results: dict[str, Any] = {}
        with ctx.unit_of_work() as session:
            mine = from_screening(first, t0)
            results["first"] = ctx.report_cards.add(mine, now=t0, session=session)

            def theirs() -> None:
                try:
                    results["second"] = other.report_cards.add(from_screening(second, t0), now=t0)
                except Exception as exc:  # noqa: BLE001 - reported below
                    results["error"] = exc

            thread = threading.Thread(target=theirs)
            thread.start()
            thread.join(1.0)  # it waits on the unique number held by this open transaction
            assert thread.is_alive()
        thread.join(30)
        assert "error" not in results, results.get("error")
        numbers = sorted(results[key].number for key in ("first", "second"))
        assert numbers == ["20261120-0001", "20261120-0002"]
    finally:
        other.close()
