"""Migration 0007 on each engine: the observation tables, and the ``doctor`` role the operator table now
accepts; down to 0006 and back up again."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from db.account_repository import SqlAccountRepository
from db.migrate import current_revision
from tests.db.conftest import database, database_url, db_path, engine_name, pg_cluster  # noqa: F401


def _migrate(engine, step: str, revision: str) -> None:
    from alembic import command

    from db.migrate import alembic_config

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)


def test_a_doctor_can_be_added_and_0007_goes_down_and_up(database) -> None:  # noqa: F811
    accounts = SqlAccountRepository(database.session_factory)
    accounts.add("doctor.li", "correct horse", "doctor", "李医生")
    assert accounts.get("doctor.li").role == "doctor"
    _migrate(database.engine, "downgrade", "0006")
    assert current_revision(database.engine) == "0006"
    with database.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    assert not {"observation", "observation_cell"} & tables
    assert accounts.get("doctor.li") is None  # a role 0006 cannot hold
    with pytest.raises(IntegrityError):
        accounts.add("doctor.wang", "correct horse", "doctor", "王医生")
    _migrate(database.engine, "upgrade", "head")
    accounts.add("doctor.wang", "correct horse", "doctor", "王医生")
    assert accounts.get("doctor.wang").role == "doctor"
