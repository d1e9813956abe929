"""Migration 0009 on both engines: a ``county`` operator can be saved, any other unknown role cannot, and
the station records what it sent to the county in ``county_delivery``."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from db import Database
from db.account_repository import SqlAccountRepository
from fever_desk.accounts import Role
from fever_desk.privacy import Permission, Permissions


def test_a_county_operator_is_saved_and_an_unknown_role_refused(database: Database) -> None:
    accounts = SqlAccountRepository(database.session_factory)
    accounts.add("county-admin", "long enough 1", Role.COUNTY, "县卫健委")
    (saved,) = [o for o in accounts.operators() if o.username == "county-admin"]
    assert saved.role is Role.COUNTY
    with pytest.raises(IntegrityError), database.engine.begin() as c:
        c.execute(text("UPDATE operator SET role = 'mayor' WHERE username = 'county-admin'"))
    assert "county_delivery" in inspect(database.engine).get_table_names()


def test_the_county_role_sees_reports_not_patients() -> None:
    county = Permissions.for_role(Role.COUNTY)
    assert county.allows(Permission.COUNTY)
    assert not any(
        county.allows(p) for p in (Permission.SCREEN, Permission.PHARMACY, Permission.VIEW_FULL_ID)
    )


def test_0009_goes_down_and_up(database: Database) -> None:
    """Down to 0008: the county's table and role go (a county operator with them), the doctor stays;
    up again: both back."""
    from alembic import command

    from db.migrate import alembic_config

    def migrate(step: str, revision: str) -> None:
        config = alembic_config()
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, step)(config, revision)

    accounts = SqlAccountRepository(database.session_factory)
    accounts.add("doc", "long enough 1", Role.DOCTOR, "医生")
    accounts.add("county-admin", "long enough 1", Role.COUNTY, "县卫健委")
    migrate("downgrade", "0008")
    assert "county_delivery" not in inspect(database.engine).get_table_names()
    assert [o.username for o in accounts.operators()] == ["doc"]
    with pytest.raises(IntegrityError), database.engine.begin() as c:
        c.execute(text("UPDATE operator SET role = 'county' WHERE username = 'doc'"))
    migrate("upgrade", "head")
    accounts.add("county-admin", "long enough 1", Role.COUNTY, "县卫健委")
    assert {o.username for o in accounts.operators()} == {"doc", "county-admin"}
