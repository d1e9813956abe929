"""The day lists read light rows (``db.day_lines``), on SQLite and PostgreSQL: each line shows exactly
what the whole record would show in the list, in the same order, and never holds a full ID number or
phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from db import Database
from db.bulk import bulk_insert_screenings
from db.pharmacy_bulk import bulk_insert_purchases
from db.pharmacy_repository import SqlPurchaseRepository
from db.repositories import SqlScreeningRepository
from fever_desk.day_lines import PurchaseLine, ScreeningLine
from fever_desk.demo import generate_screenings
from fever_desk.demo_pharmacy import generate_purchases
from fever_desk.model import Answers, Disposition, Outcome

START = datetime(2021, 3, 1, tzinfo=UTC)
DAY = (START + timedelta(days=1), START + timedelta(days=2))
SYMPTOMS = ("cough", "fatigue")
EPI = ("travel_outbreak_area", "cluster")


def _outcome(answers: Answers) -> Outcome:
    fever = (answers.temperature_c or 0.0) >= 37.3
    return Outcome(Disposition.FEVER_CLINIC if fever else Disposition.ROUTINE, (), "test", fever)


@pytest.fixture
def seeded(database: Database) -> Database:
    kwargs: dict[str, Any] = {"start": START, "end": START + timedelta(days=3), "station_id": "t"}
    bulk_insert_screenings(
        database.engine,
        generate_screenings(600, seed=8, symptom_ids=SYMPTOMS, epi_ids=EPI, outcome_for=_outcome, **kwargs),
    )
    bulk_insert_purchases(
        database.engine, generate_purchases(600, seed=9, symptom_ids=SYMPTOMS, epi_ids=EPI, **kwargs)
    )
    return database


def _searches(names: list[str], numbers: list[str]) -> list[str]:
    return ["", names[0][:1], names[1], numbers[0][:6], numbers[1][-4:], "nobody"]


def test_screening_lines_show_what_the_records_show(seeded: Database) -> None:
    repo = SqlScreeningRepository(seeded.session_factory)
    day = list(repo.between(*DAY))
    assert (
        len(day) > 100 and any(s.person.id_number for s in day) and any(not s.person.id_number for s in day)
    )
    numbers = [s.person.id_number for s in day if s.person.id_number]
    for search in _searches([s.person.name for s in day], numbers):
        for limit in (500, 7):
            full = repo.between(*DAY, search=search, limit=limit)
            assert repo.day_lines(*DAY, search=search, limit=limit) == [ScreeningLine.of(s) for s in full]
    shown = repr(repo.day_lines(*DAY))
    assert not any(s.person.id_number and s.person.id_number in shown for s in day)
    assert not any(s.person.phone and s.person.phone in shown for s in day)


def test_purchase_lines_show_what_the_records_show(seeded: Database) -> None:
    repo = SqlPurchaseRepository(seeded.session_factory)
    day = repo.between(*DAY)
    assert len(day) > 100 and any(len(p.drugs) > 1 for p in day)
    numbers = [p.purchaser.id_number for p in day]
    for search in _searches([p.purchaser.name for p in day], numbers):
        for limit in (500, 7):
            full = repo.between(*DAY, search=search, limit=limit)
            assert repo.day_lines(*DAY, search=search, limit=limit) == [PurchaseLine.of(p) for p in full]
    several = next(p for p in day if len(p.drugs) > 1)
    line = next(line for line in repo.day_lines(*DAY) if line.id == several.id)
    assert line.medicines == "、".join(f"{d.name}×{d.quantity}" for d in several.drugs)
    shown = repr(repo.day_lines(*DAY))
    assert not any(n and n in shown for p in day for n in (p.purchaser.id_number, p.purchaser.phone))
