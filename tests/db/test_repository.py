"""What a nurse relies on: a saved screening comes back exactly, corrections keep history, lists and
counts show the right day, and search finds people the way they are asked for at the counter."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from db.models import SCREENING
from db.repositories import SqlScreeningRepository
from fever_desk.model import Disposition, Sex

from .factories import make_screening

BEIJING = timezone(timedelta(hours=8))
DAY_START = datetime(2020, 2, 3, 0, 0, tzinfo=BEIJING)
DAY_END = DAY_START + timedelta(days=1)


def at(hour: int, minute: int = 0) -> datetime:
    return DAY_START.replace(hour=hour, minute=minute)


def test_a_full_screening_comes_back_exactly_as_saved(repo):
    saved = repo.add(make_screening(created_at=at(9, 5)))
    loaded = repo.get(saved.id)
    assert loaded == saved
    assert loaded.person.name == "王小明" and loaded.person.sex is Sex.MALE
    assert loaded.answers.clinical == {"ct_pneumonia": None, "low_wbc": True}
    assert loaded.outcome.reasons[0].in_language("en") == "Fever (≥37.3 °C)"
    assert loaded.created_at == at(9, 5)  # same instant, returned in UTC
    assert loaded.created_at.tzinfo is UTC


def test_a_screening_without_temperature_or_outcome_round_trips(repo):
    draft = replace(make_screening(created_at=at(9)), temperature=None, outcome=None, onset_date=None)
    saved = repo.add(draft)
    loaded = repo.get(saved.id)
    assert loaded == saved
    assert loaded.temperature is None and loaded.outcome is None


def test_the_repository_stamps_save_time_in_utc_when_none_is_given(repo):
    before = datetime.now(UTC)
    saved = repo.add(make_screening())
    assert before <= saved.created_at <= datetime.now(UTC)
    assert saved.updated_at == saved.created_at
    assert repo.get(saved.id).created_at == saved.created_at


def test_a_correction_keeps_the_earlier_version_with_who_when_and_why(repo):
    original = repo.add(make_screening(created_at=at(9)))
    fixed = repo.correct(
        replace(original, person=replace(original.person, name="王晓明"), note="姓名更正"),
        operator="医生乙",
        reason="name misspelt",
    )
    assert fixed.version == 2 and fixed.person.name == "王晓明"
    assert fixed.operator == "护士甲"  # who screened stays; who corrected is in the history
    assert fixed.created_at == original.created_at and fixed.updated_at > original.updated_at
    assert repo.get(original.id) == fixed
    (revision,) = repo.revisions(original.id)
    assert revision.version == 1 and revision.replaced_by == "医生乙" and revision.reason == "name misspelt"
    assert revision.snapshot == original  # nothing silently overwritten
    assert revision.replaced_at == fixed.updated_at


def test_each_correction_adds_one_revision_oldest_first(repo):
    current = repo.add(make_screening(created_at=at(9)))
    for note in ("first fix", "second fix"):
        current = repo.correct(replace(current, note=note), operator="医生乙", reason=note)
    history = repo.revisions(current.id)
    assert [r.version for r in history] == [1, 2]
    assert [r.snapshot.note for r in history] == ["自述咳嗽两天", "first fix"]
    assert current.version == 3


def test_correcting_a_screening_that_was_never_saved_raises_key_error(repo):
    with pytest.raises(KeyError):
        repo.correct(make_screening(), operator="医生乙", reason="x")


def test_a_correction_that_fails_halfway_leaves_the_record_and_history_untouched(repo):
    original = repo.add(make_screening(created_at=at(9)))
    broken = replace(original, answers=replace(original.answers, symptoms={"cough": object()}))
    # The revision row is written first; the update of the screening then fails to serialise.
    with pytest.raises(StatementError, match="not JSON serializable"):
        repo.correct(broken, operator="医生乙", reason="x")
    assert repo.revisions(original.id) == []
    assert repo.get(original.id) == original


def test_saving_the_same_id_twice_fails_and_keeps_the_first(repo):
    first = repo.add(make_screening(created_at=at(9)))
    with pytest.raises(Exception, match="UNIQUE"):
        repo.add(replace(first, person=replace(first.person, name="李四")))
    assert repo.get(first.id).person.name == "王小明"


def test_get_of_an_unknown_id_is_none(repo):
    assert repo.get(uuid.uuid4()) is None


def test_the_day_list_is_newest_first_and_only_that_day(repo):
    for hour, name in ((8, "早"), (12, "午"), (17, "晚")):
        repo.add(make_screening(name, created_at=at(hour)))
    repo.add(make_screening("昨天", created_at=DAY_START - timedelta(minutes=1)))
    repo.add(make_screening("明天", created_at=DAY_END))
    assert [s.person.name for s in repo.between(DAY_START, DAY_END)] == ["晚", "午", "早"]
    assert [s.person.name for s in repo.between(DAY_START, DAY_END, limit=2)] == ["晚", "午"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("王", {"王小明", "王芳"}),
        ("王小", {"王小明"}),
        ("wang", {"Wang Lei"}),  # Latin names ignore case
        ("  WANG L ", {"Wang Lei"}),
        ("李", set()),
        ("138", {"王小明"}),  # phone starts with
        ("5678", {"王小明"}),  # phone ends with (尾号)
        ("139-0000-1111", {"王芳"}),
        ("4301", {"王小明"}),  # ID number starts with
        ("11010519851203002X", {"Wang Lei"}),  # full ID, upper or lower x
        ("11010519851203002x", {"Wang Lei"}),
        ("1234", set()),  # digits in the middle of a phone are not a match
        ("", {"王小明", "王芳", "Wang Lei"}),
    ],
)
def test_search_by_name_prefix_phone_or_id(repo, search, expected):
    repo.add(make_screening("王小明", created_at=at(9)))
    repo.add(make_screening("王芳", phone="13900001111", id_number="", created_at=at(10)))
    repo.add(make_screening("Wang Lei", phone="", id_number="11010519851203002X", created_at=at(11)))
    repo.add(make_screening("王小明", created_at=DAY_START - timedelta(days=1)))  # outside the day
    assert {s.person.name for s in repo.between(DAY_START, DAY_END, search=search)} == expected


def test_counts_for_a_day(repo):
    repo.add(make_screening(celsius=36.5, disposition=Disposition.ROUTINE, created_at=at(8)))
    repo.add(make_screening(celsius=38.0, created_at=at(9)))
    repo.add(make_screening(celsius=38.5, disposition=Disposition.SUSPECTED, created_at=at(10)))
    repo.add(make_screening(celsius=36.8, disposition=Disposition.SUSPECTED, created_at=at(11)))
    repo.add(make_screening(celsius=39.0, created_at=DAY_END + timedelta(hours=1)))
    counts = repo.counts(DAY_START, DAY_END)
    assert (counts.screened, counts.fever, counts.fever_clinic, counts.suspected) == (4, 2, 1, 2)
    assert repo.counts(DAY_END + timedelta(days=5), DAY_END + timedelta(days=6)).screened == 0


def test_times_are_stored_as_utc_whatever_zone_the_desk_uses(repo, database):
    saved = repo.add(make_screening(created_at=datetime(2020, 2, 3, 8, 0, tzinfo=BEIJING)))
    with database.engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT created_at FROM screening").scalar()
    assert raw.startswith("2020-02-03 00:00:00")  # naive UTC in the file
    assert saved.created_at == datetime(2020, 2, 3, 0, 0, tzinfo=UTC)


def test_the_row_keeps_derived_search_keys(repo, database):
    repo.add(make_screening("Wang Lei", phone="0731-8888 1234", created_at=at(9)))
    with database.engine.connect() as connection:
        row = connection.execute(select(SCREENING.c.name_key, SCREENING.c.phone_rev)).one()
    assert row == ("wang lei", "432188881370")


def test_a_repository_with_its_own_clock(database):
    fixed = datetime(2020, 2, 3, 1, 2, 3, tzinfo=UTC)

    class Clock:
        def now(self) -> datetime:
            return fixed

    repo = SqlScreeningRepository(database.session_factory, clock=Clock())
    assert repo.add(make_screening()).created_at == fixed
