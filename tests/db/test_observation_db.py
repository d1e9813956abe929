"""Migration 0010 on each engine: the observation tables go down (to 0009) and come back, and the doctor
who releases people from observation (0008's role) can be an operator beside them."""

from __future__ import annotations

from sqlalchemy import inspect

from db.account_repository import SqlAccountRepository
from db.migrate import current_revision, head_revision
from tests.db.conftest import database, database_url, db_path, engine_name, pg_cluster  # noqa: F401


def _migrate(engine, step: str, revision: str) -> None:
    from alembic import command

    from db.migrate import alembic_config

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)


def _tables(engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def test_0010_goes_down_and_up_and_a_doctor_stays(database) -> None:  # noqa: F811
    accounts = SqlAccountRepository(database.session_factory)
    accounts.add("doctor.li", "correct horse", "doctor", "李医生")
    assert {"observation", "observation_cell"} <= _tables(database.engine)
    _migrate(database.engine, "downgrade", "0009")
    assert current_revision(database.engine) == "0009"
    assert not {"observation", "observation_cell"} & _tables(database.engine)
    _migrate(database.engine, "upgrade", "head")
    assert current_revision(database.engine) == head_revision()  # 0010 and what came after it
    assert {"observation", "observation_cell"} <= _tables(database.engine)
    assert accounts.get("doctor.li").role == "doctor"
