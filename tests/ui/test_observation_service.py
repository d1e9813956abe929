"""The observation register's operations (ui/services/observation.py), called as the desk and the command
line call them, on the station's own context, on SQLite and on PostgreSQL.

Times are given explicitly (``now=``): exposure on 2020-01-25 makes day 1 = 01-26, day 14 = 02-08 and the
release day 02-09.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from fever_desk.model import MeasureMode, Person, Sex, Temperature, TemperatureSource
from fever_desk.observation.model import (
    CellEntry,
    Exposure,
    Kind,
    Placement,
    Registration,
    Setting,
    Slot,
    Status,
)
from fever_desk.privacy import PermissionDenied
from fever_desk.settings import Settings
from fever_desk.station_setup import apply_setup, check_setup
from tests.db.conftest import database_url, db_path, engine_name, pg_cluster  # noqa: F401 - fixtures
from tests.db.factories import make_screening
from tests.fever_desk import pharmacy_cases
from tests.fever_desk.test_station_setup import good
from tests.pdf import pdf_text
from ui.services import observation as obs
from ui.services import pharmacy as pharmacy_operations
from ui.services import screening as screening_operations
from ui.services import slips as slip_service
from ui.services.audit_hooks import set_actor
from ui.services.database import Database

EXPOSED = date(2020, 1, 25)
M, A = Slot.MORNING, Slot.AFTERNOON


def at(day: int, hour: int = 9) -> datetime:
    """Local time on observation day ``day`` (day 1 = 2020-01-26)."""
    return datetime(2020, 1, 25 + day, hour, 0) if 25 + day <= 31 else datetime(2020, 2, 25 + day - 31, hour)


def on(day: int) -> date:
    return at(day).date()


def registration(kind: Kind = Kind.CLOSE_CONTACT, exposed: date = EXPOSED) -> Registration:
    return Registration(
        Exposure(
            kind,
            exposed,
            relation="同事",
            mode="同一办公室",
            origin="武汉",
            transport="火车",
            transport_number="G1234",
        ),
        Placement(Setting.HOME, "长沙县黄花镇杨柳村3组12号", "李医生", "13900001111"),
        work_unit="长沙某公司",
    )


def entry(day: int, slot: Slot, celsius: float = 36.6, **symptoms: bool) -> CellEntry:
    temperature = Temperature(celsius, TemperatureSource.DEVICE, MeasureMode.BODY, at(day), "IR-200 #1")
    answers = {"cough": False, "fatigue": False} | symptoms
    return CellEntry(on(day), slot, temperature, answers)


@pytest.fixture
def ctx(database_url: str) -> Iterator[Database]:  # noqa: F811 - the imported fixture
    context = Database(database_url)
    set_actor(context, "nurse.li", "desk-1")
    yield context
    context.close()


def _registered(ctx: Database, day: int = 1, **person: str) -> obs.ObservationSaved:
    who = Person(
        name=person.get("name", "赵六"),
        sex=Sex.FEMALE,
        age=40,
        id_number=person.get("id_number", "110101198001010028"),
        phone=person.get("phone", "13700001234"),
        address="长沙县黄花镇",
    )
    return obs.register_by_hand(ctx, who, registration(), role="nurse", now=at(day))


def test_register_from_a_screening_takes_over_the_person_and_is_not_done_twice(ctx: Database) -> None:
    screening = screening_operations.save_screening(ctx, make_screening()).screening
    saved = obs.register_from_screening(ctx, screening.id, registration(), role="nurse", now=at(3))
    person = saved.observation.person
    assert (person.name, person.id_number, person.phone, person.address) == (
        "王小明",
        "430102199003074512",
        "13812345678",
        "长沙县黄花镇杨柳村3组12号",
    )
    assert saved.observation.exposure.transport_number == "G1234"
    assert saved.changes.observations and not saved.existing
    again = obs.register_from_screening(ctx, screening.id, registration(), role="nurse", now=at(3))
    assert again.existing and again.observation.id == saved.observation.id
    assert len(obs.list_register(ctx)) == 1
    entry_ = ctx.audit.entries(record_kind="observation")[0]
    assert entry_.operator == "nurse.li" and entry_.record_id == str(saved.observation.id)
    assert "王" not in entry_.detail and "4301" not in entry_.detail and "1381" not in entry_.detail


def test_register_from_a_purchase_takes_over_the_purchaser(ctx: Database) -> None:
    purchase = pharmacy_cases.purchase()
    pharmacy_operations.save_purchase(ctx, purchase, 3, frozenset())
    saved = obs.register_from_purchase(
        ctx, purchase.id, registration(Kind.RETURNEE), role="pharmacist", now=at(2)
    )
    assert saved.observation.person.name == purchase.purchaser.name
    assert saved.observation.person.id_number == purchase.purchaser.id_number
    assert saved.observation.person.phone == purchase.purchaser.phone
    assert saved.observation.exposure.kind is Kind.RETURNEE


def test_two_entries_a_fever_in_the_third_then_a_referral_with_its_slip(
    ctx: Database, tmp_path: Path
) -> None:
    observation = _registered(ctx).observation
    first = obs.record_cell(ctx, observation.id, entry(1, M), now=at(1, 9))
    second = obs.record_cell(ctx, observation.id, entry(1, A, 36.8), now=at(1, 15))
    assert not first.alert and not second.alert
    third = obs.record_cell(ctx, observation.id, entry(2, M, 38.1, cough=True), now=at(2, 8))
    assert third.alert and third.cell.fever and third.cell.recorded_by == "nurse.li"
    assert [w.id for w in obs.worklist(ctx, on(2), at(2, 10)).fever] == [observation.id]

    referred = obs.refer(ctx, observation.id, now=at(2, 8))
    assert referred.observation.status is Status.REFERRED
    assert referred.screening.outcome is not None and referred.screening.outcome.disposition == "fever_clinic"
    assert ctx.screenings.get(referred.screening.id) is not None
    assert obs.refer(ctx, observation.id, now=at(2, 9)).screening.id == referred.screening.id  # once
    assert obs.worklist(ctx, on(2), at(2, 10)).fever == []  # referred people leave the worklist

    values, errors = check_setup(good())
    assert values is not None, errors
    settings = apply_setup(Settings(station_id="desk-1", operator="nurse.li"), values)
    slip = slip_service.export_pdf(referred.screening, settings, "a5", tmp_path / "slip.pdf")
    text = pdf_text(tmp_path / "slip.pdf")
    assert slip.slip_number and "38.1" in text and "咳嗽" in text and "医学观察" in text


def test_a_correction_keeps_the_earlier_value(ctx: Database) -> None:
    observation = _registered(ctx).observation
    obs.record_cell(ctx, observation.id, entry(1, M, 36.4), now=at(1, 9))
    with pytest.raises(obs.ObservationProblem):
        obs.record_cell(ctx, observation.id, entry(1, M, 36.5), now=at(1, 10))  # already filled
    with pytest.raises(obs.ObservationProblem):
        obs.correct_cell(ctx, observation.id, entry(1, M, 36.5), "  ", now=at(1, 10))  # no reason
    set_actor(ctx, "nurse.wang", "desk-1")
    obs.correct_cell(ctx, observation.id, entry(1, M, 36.5), "misread", now=at(1, 10))
    file = obs.load_file(ctx, observation.id)
    now_cell = file.cell(on(1), M)
    assert now_cell is not None and now_cell.entry.temperature is not None
    assert (now_cell.entry.temperature.celsius, now_cell.version, now_cell.recorded_by) == (
        36.5,
        2,
        "nurse.wang",
    )
    assert [(c.entry.temperature.celsius, c.recorded_by) for c in file.history if c.entry.temperature] == [
        (36.4, "nurse.li")
    ]
    assert ctx.audit.entries(action="correct", record_kind="observation")


@pytest.mark.parametrize(
    ("day", "slot", "now", "problem"),
    [
        (2, M, at(1, 9), "That half-day has not begun yet."),
        (1, A, at(1, 11), "That half-day has not begun yet."),
        (0, A, at(1, 11), "That day is outside the 14 days of observation."),
        (15, M, at(15, 11), "That day is outside the 14 days of observation."),
    ],
)
def test_cells_outside_the_period_or_in_the_future_are_refused(
    ctx: Database, day, slot, now, problem
) -> None:
    observation = _registered(ctx).observation
    with pytest.raises(obs.ObservationProblem) as refused:
        obs.record_cell(ctx, observation.id, entry(day, slot), now=now)
    assert str(refused.value) == problem
    assert obs.load_file(ctx, observation.id).cells == []


def test_the_worklist_sorts_people_into_due_overdue_releasable_and_lost(ctx: Database) -> None:
    on_time = _registered(ctx, name="甲", id_number="110101198001010010").observation
    missed_one = _registered(ctx, name="乙", id_number="110101198001010036").observation
    silent = _registered(ctx, name="丙", id_number="110101198001010052").observation
    for day in (1, 2, 3):
        for slot, hour in ((M, 9), (A, 15)):
            obs.record_cell(ctx, on_time.id, entry(day, slot), now=at(day, hour))
            if (day, slot) != (3, A):
                obs.record_cell(ctx, missed_one.id, entry(day, slot), now=at(day, hour))
    obs.record_cell(ctx, silent.id, entry(1, M), now=at(1, 9))
    work = obs.worklist(ctx, on(4), at(4, 10), lost_after_days=2)
    ids = {
        name: [w.id for w in getattr(work, name)] for name in ("due_morning", "overdue", "lost", "releasable")
    }
    assert set(ids["due_morning"]) == {on_time.id, missed_one.id, silent.id}
    assert set(ids["overdue"]) == {missed_one.id, silent.id}
    assert ids["lost"] == [silent.id]  # 1 morning filled, then 5 half-days missed before day 4's morning
    assert ids["releasable"] == []
    assert work.counts["overdue"] == 2
    # sections cut at one line are counted in full, "due" as its complement: the same sizes
    assert obs.worklist(ctx, on(4), at(4, 10), lost_after_days=2, limit=1).counts == work.counts
    silent_item = next(w for w in work.overdue if w.id == silent.id)
    assert silent_item.day_number == 4 and silent_item.missed == 5
    release_day = obs.worklist(ctx, on(15), at(15, 9), lost_after_days=3)
    assert {w.id for w in release_day.releasable} == {on_time.id, missed_one.id, silent.id}


def test_release_needs_a_doctor_or_administrator_and_day_15(ctx: Database) -> None:
    observation = _registered(ctx).observation
    with pytest.raises(PermissionDenied):
        obs.release(ctx, observation.id, role="nurse", now=at(15))
    with pytest.raises(obs.ObservationProblem) as early:
        obs.release(ctx, observation.id, role="doctor", now=at(14, 16))
    assert "2020-02-09" in str(early.value)
    released = obs.release(ctx, observation.id, role="doctor", now=at(15))
    assert released.observation.status is Status.RELEASED and released.observation.status_on == on(15)
    assert ctx.audit.entries(action="release")[0].record_id == str(observation.id)
    with pytest.raises(obs.ObservationProblem):
        obs.record_cell(ctx, observation.id, entry(14, A), now=at(15))  # no longer observed


def test_a_fever_blocks_release(ctx: Database) -> None:
    observation = _registered(ctx).observation
    obs.record_cell(ctx, observation.id, entry(14, A, 37.6), now=at(14, 15))
    with pytest.raises(obs.ObservationProblem):
        obs.release(ctx, observation.id, role="administrator", now=at(15))


def test_lost_to_follow_up_needs_a_reason_and_the_role(ctx: Database) -> None:
    observation = _registered(ctx).observation
    with pytest.raises(PermissionDenied):
        obs.mark_lost(ctx, observation.id, "phone off", role="pharmacist", now=at(5))
    with pytest.raises(obs.ObservationProblem):
        obs.mark_lost(ctx, observation.id, " ", role="doctor", now=at(5))
    lost = obs.mark_lost(ctx, observation.id, "电话关机，住址无人", role="doctor", now=at(5))
    assert (lost.observation.status, lost.observation.status_reason) == (Status.LOST, "电话关机，住址无人")
    assert "电话" not in ctx.audit.entries(action="lost")[0].detail


def test_a_purge_deletes_old_observations_with_their_grid(ctx: Database, tmp_path: Path) -> None:
    from ui.services import admin

    old = _registered(ctx, day=1).observation
    obs.record_cell(ctx, old.id, entry(1, M), now=at(1, 9))
    kept = obs.register_by_hand(
        ctx,
        Person(name="新人", id_number="110101198001010044"),
        registration(exposed=date(2020, 6, 1)),
        now=datetime(2020, 6, 2, 9),
    ).observation
    result = admin.purge_older_than(
        ctx, datetime(2020, 5, 1).astimezone(), 90, pending=tmp_path / "pending.txt", data_folder=tmp_path
    )
    assert result.counts["observation"] == 1 and result.counts["observation_cell"] == 1
    assert [o.id for o in obs.list_register(ctx)] == [kept.id]


def test_a_half_day_without_a_temperature_still_counts_and_a_symptom_alerts(ctx: Database) -> None:
    observation = _registered(ctx).observation
    saved = obs.record_cell(ctx, observation.id, CellEntry(on(1), M, None, {"cough": True}), now=at(1, 9))
    assert saved.alert and not saved.cell.fever
    work = obs.worklist(ctx, on(1), at(1, 15))
    assert [w.id for w in work.fever] == [observation.id] and work.overdue == []
    assert work.fever[0].last_temperature is None


def test_a_section_beyond_the_cap_is_counted_as_more_than(
    ctx: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db.observation import repository

    for n, number in enumerate(("110101198001010010", "110101198001010036", "110101198001010052")):
        _registered(ctx, name=f"人{n}", id_number=number)
    monkeypatch.setattr(repository, "COUNT_CAP", 1)
    work = obs.worklist(ctx, on(1), at(1, 9), limit=1)
    assert work.counts["due_morning"] == 2 and "due_morning" in work.capped  # "more than 1"
    assert obs.worklist(ctx, on(1), at(1, 9), limit=5).counts["due_morning"] == 3
