"""The slip print record: every copy of a referral slip is traceable, and a second paper copy is a reprint."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect

from db.migrate import head_revision
from db.slip_repository import SqlSlipPrintRepository, screenings_by_prefix, uuid_prefix
from tests.fever_desk import slip_cases


@pytest.fixture
def prints(database) -> SqlSlipPrintRepository:
    return SqlSlipPrintRepository(database.session_factory)


@pytest.fixture
def saved(repo):
    return repo.add(slip_cases.screening())


def test_the_head_revision_builds_the_slip_print_table(database):
    assert int(head_revision()) >= 3
    columns = {c["name"] for c in inspect(database.engine).get_columns("slip_print")}
    assert {
        "screening_id",
        "slip_number",
        "kind",
        "printed_at",
        "operator",
        "printer",
        "archive_path",
    } <= columns


def test_first_paper_copy_is_a_print_and_later_ones_are_reprints(prints, saved):
    at = datetime(2020, 2, 7, 9, 30, tzinfo=UTC)
    first = prints.record(saved.id, "9C3A-200207-4F1B2C", operator="李护士", printer="XP-80", printed_at=at)
    export = prints.record(
        saved.id, "9C3A-200207-4F1B2C", kind="pdf-export", printer="/tmp/a.pdf", printed_at=at + timedelta(1)
    )
    second = prints.record(saved.id, "9C3A-200207-4F1B2C", printer="XP-80", printed_at=at + timedelta(2))
    assert (first.kind, export.kind, second.kind) == ("print", "pdf-export", "reprint")
    assert prints.count(saved.id) == 2
    assert prints.count(saved.id, ["pdf-export"]) == 1
    rows = prints.for_screening(saved.id)
    assert [r.kind for r in rows] == ["print", "pdf-export", "reprint"]
    assert rows[0] == dataclasses.replace(first)
    assert rows[0].operator == "李护士" and rows[0].printer == "XP-80"
    assert rows[0].printed_at == at
    assert [r.kind for r in prints.by_slip_number("9c3a-200207-4f1b2c")] == ["print", "pdf-export", "reprint"]


def test_unknown_kind_and_unknown_screening_are_refused(prints, saved):
    with pytest.raises(ValueError, match="kind"):
        prints.record(saved.id, "X", kind="fax")
    with pytest.raises(Exception, match="FOREIGN KEY"):
        prints.record(uuid.uuid4(), "X")
    assert prints.for_screening(saved.id) == []


def test_screenings_are_found_by_id_prefix_or_slip_number(database, repo, saved):
    factory = database.session_factory
    assert [s.id for s in screenings_by_prefix(factory, str(saved.id))] == [saved.id]
    assert [s.id for s in screenings_by_prefix(factory, saved.id.hex[:8].upper())] == [saved.id]
    assert [s.id for s in screenings_by_prefix(factory, "9C3A-200207-4F1B2C")] == [saved.id]
    twin = dataclasses.replace(slip_cases.screening(), id=uuid.UUID(saved.id.hex[:6] + "ff" + "0" * 24))
    repo.add(twin)
    assert len(screenings_by_prefix(factory, saved.id.hex[:6])) == 2
    assert screenings_by_prefix(factory, "abcdef12") == []
    with pytest.raises(ValueError):
        uuid_prefix("王芳")
