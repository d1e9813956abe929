"""What the SQLite-only tests check, shown on PostgreSQL too, and the calls the shared server added:
insert-if-absent (the outbox replay) and the cheap change token (live lists), on both engines."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from db.engine import make_engine
from tests.db.factories import make_screening

DAY = datetime(2020, 2, 3, tzinfo=UTC)
WINDOW = (DAY, DAY + timedelta(days=1))


pg_only = pytest.mark.parametrize("engine_name", ["postgresql"], indirect=True)


def test_the_same_id_twice_is_refused_and_the_first_kept(repo):
    first = repo.add(make_screening(created_at=DAY))
    with pytest.raises(IntegrityError):
        repo.add(replace(first, person=replace(first.person, name="李四")))
    assert repo.get(first.id).person.name == "王小明"


def test_add_if_absent_writes_once_and_keeps_the_saved_time(repo):
    screening = make_screening(created_at=DAY + timedelta(hours=9))
    assert repo.add_if_absent(screening) is True
    assert repo.add_if_absent(replace(screening, note="again")) is False
    (only,) = repo.between(*WINDOW)
    assert only.note == screening.note and only.created_at == DAY + timedelta(hours=9)
    with pytest.raises(ValueError, match="created_at"):
        repo.add_if_absent(make_screening())


def test_the_change_token_moves_on_a_new_record_and_on_a_correction_only(repo):
    assert repo.changed_since(None, *WINDOW) is not None
    token = repo.change_token(*WINDOW)
    assert (token.rows, token.versions) == (0, 0)
    saved = repo.add(make_screening(created_at=DAY + timedelta(hours=8)))
    token2 = repo.changed_since(token, *WINDOW)
    assert token2 is not None and token2.rows == 1
    assert repo.changed_since(token2, *WINDOW) is None  # nothing new: no reload
    repo.add(make_screening(created_at=DAY - timedelta(hours=1)))  # another day: not this list
    assert repo.changed_since(token2, *WINDOW) is None
    repo.correct(replace(saved, note="更正"), operator="医生乙", reason="typo")
    token3 = repo.changed_since(token2, *WINDOW)
    assert token3 is not None and (token3.rows, token3.versions) == (1, 2)


@pg_only
def test_a_revision_or_slip_cannot_point_at_a_missing_screening_on_postgresql(database):
    from db.slip_repository import SqlSlipPrintRepository

    with pytest.raises(IntegrityError, match="foreign key"):
        SqlSlipPrintRepository(database.session_factory).record(uuid.uuid4(), "X")


@pg_only
def test_times_are_naive_utc_timestamps_on_postgresql(repo, database):
    beijing = datetime(2020, 2, 3, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    repo.add(make_screening(created_at=beijing))
    with database.engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT created_at FROM screening").scalar()
        kind = connection.exec_driver_sql(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'screening' AND column_name = 'created_at'"
        ).scalar()
    assert raw == datetime(2020, 2, 3, 0, 0) and kind == "timestamp without time zone"


def test_a_failed_correction_leaves_record_and_history_untouched(repo):
    """As the SQLite test, accepting psycopg's unwrapped TypeError for the JSON that cannot be sent."""
    original = repo.add(make_screening(created_at=DAY))
    broken = replace(original, answers=replace(original.answers, symptoms={"cough": object()}))
    with pytest.raises((StatementError, TypeError), match="not JSON serializable"):
        repo.correct(broken, operator="医生乙", reason="x")
    assert repo.revisions(original.id) == []
    assert repo.get(original.id) == original


def test_a_server_url_gets_a_short_connect_timeout_and_pre_ping():
    pytest.importorskip("psycopg")
    engine = make_engine("postgresql+psycopg://desk@server/fever?sslmode=require")
    assert engine.pool._pre_ping
    engine = make_engine("postgresql+psycopg://desk@server/fever?connect_timeout=9&sslmode=require")
    assert engine.url.query["connect_timeout"] == "9"
