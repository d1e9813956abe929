"""Demo records look real enough to train on, pass the station's own validation, and load in bulk."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from db.bulk import bulk_insert_screenings
from db.repositories import SqlScreeningRepository
from fever_desk.demo import generate_screenings
from fever_desk.identity import is_mobile, parse_resident_id
from fever_desk.model import Answers, Disposition, Outcome, Reason, Screening, Sex

START = datetime(2020, 2, 1, tzinfo=UTC)
END = START + timedelta(days=10)
SYMPTOMS = ("cough", "fatigue", "diarrhea")
EPI = ("travel", "contact")


def outcome_for(answers: Answers) -> Outcome:
    if (answers.temperature_c or 0) >= 37.3:
        return Outcome(
            Disposition.FEVER_CLINIC, (Reason("fever", {"zh_CN": "发热", "en": "Fever"}),), "t", True
        )
    return Outcome(Disposition.ROUTINE, (), "t", False)


def demo(n: int, seed: int = 0) -> list[Screening]:
    return list(
        generate_screenings(
            n,
            seed=seed,
            start=START,
            end=END,
            station_id="demo-desk",
            symptom_ids=SYMPTOMS,
            epi_ids=EPI,
            outcome_for=outcome_for,
        )
    )


def test_every_demo_id_number_passes_the_gb11643_check_and_matches_sex_and_birth():
    for screening in demo(2000):
        person = screening.person
        if not person.id_number:
            continue
        parsed = parse_resident_id(person.id_number, today=END.date())  # raises on a bad check digit
        assert parsed.sex is person.sex
        assert parsed.birth_date == person.birth_date


def test_demo_people_look_like_a_chinese_desk():
    records = demo(2000)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", s.person.name) for s in records)
    assert all(is_mobile(s.person.phone) for s in records if s.person.phone)
    assert all(re.search(r"县.+镇.+村", s.person.address) for s in records)
    assert {s.person.sex for s in records} == {Sex.MALE, Sex.FEMALE}
    assert sum(1 for s in records if s.person.id_number) > 1800


def test_demo_temperatures_are_mostly_normal_with_about_five_percent_fever():
    temps = [s.temperature.celsius for s in demo(4000)]
    fevers = sum(t >= 37.3 for t in temps)
    assert 0.03 < fevers / len(temps) < 0.07
    assert all(36.0 <= t <= 37.2 for t in temps if t < 37.3)


def test_demo_answers_every_item_and_uses_the_given_triage():
    for s in demo(500):
        assert set(s.answers.symptoms) == set(SYMPTOMS) and set(s.answers.epidemiological) == set(EPI)
        assert s.outcome == outcome_for(s.answers)
        assert START <= s.created_at < END and s.station_id == "demo-desk"


def test_the_same_seed_gives_the_same_records_and_another_seed_does_not():
    assert demo(200, seed=5) == demo(200, seed=5)
    assert demo(200, seed=5) != demo(200, seed=6)


def test_bulk_insert_loads_records_the_repository_can_read(database):
    records = demo(1234)
    assert bulk_insert_screenings(database.engine, records, batch=500) == 1234
    repo = SqlScreeningRepository(database.session_factory)
    assert repo.get(records[17].id) == records[17]
    assert repo.counts(START, END).screened == 1234
    newest = repo.between(START, END, limit=3)
    assert [s.id for s in newest] == [s.id for s in reversed(records[-3:])]


def test_a_bulk_load_that_fails_leaves_none_of_its_uncommitted_rows(database):
    records = demo(300)
    records[250] = records[10]  # a duplicate id part-way through the only transaction
    with pytest.raises(IntegrityError):
        bulk_insert_screenings(database.engine, records, batch=100)
    assert SqlScreeningRepository(database.session_factory).counts(START, END).screened == 0


def test_an_error_while_generating_stops_the_load_and_is_raised(database):
    def broken():
        yield from demo(150)
        raise RuntimeError("generator failed")

    with pytest.raises(RuntimeError, match="generator failed"):
        bulk_insert_screenings(database.engine, broken(), batch=100)
    assert SqlScreeningRepository(database.session_factory).counts(START, END).screened == 0
