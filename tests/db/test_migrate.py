"""Opening a database: the pragmas a station depends on, and refusing files it must not touch."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from db import open_database
from db.engine import database_url_from, default_database_url, make_engine, sqlite_path
from db.migrate import (
    DatabaseProblem,
    DatabaseTooNew,
    DatabaseUnopenable,
    DatabaseUnreadable,
    current_revision,
    head_revision,
    upgrade,
)
from db.models import Base
from tests.sqlite_files import connect_file


def test_wal_foreign_keys_and_synchronous_are_on(database):
    with database.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA synchronous").scalar() == 2  # FULL: a confirmed save survives a power cut
        assert pragma("PRAGMA busy_timeout").scalar() >= 1000


def test_a_new_database_is_migrated_to_the_head_revision(database):
    assert current_revision(database.engine) == head_revision()


def test_the_migrations_build_exactly_what_the_models_describe(database):
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_opening_twice_is_harmless(db_path):
    open_database(f"sqlite:///{db_path}").close()
    again = open_database(f"sqlite:///{db_path}")
    assert current_revision(again.engine) == head_revision()
    again.close()


def test_a_revision_cannot_point_at_a_missing_screening(database):
    with pytest.raises(Exception, match="FOREIGN KEY"), database.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO screening_revision (id, screening_id, version, snapshot, replaced_at, replaced_by, "
            "reason) VALUES ('a', 'b', 1, '{}', '2020-01-01 00:00:00', 'x', 'y')"
        )


def _stamp(path: Path, revision: str) -> None:
    connection = connect_file(path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    connection.close()


def test_a_database_from_a_newer_version_is_refused_and_left_unchanged(db_path):
    open_database(f"sqlite:///{db_path}").close()
    _stamp(db_path, "9999_from_the_future")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseTooNew) as caught:
        open_database(f"sqlite:///{db_path}")
    assert db_path.read_bytes() == before
    assert "9999_from_the_future" in str(caught.value)
    assert "newer version of fever_desk" in str(caught.value)
    assert caught.value.values == {"path": str(db_path), "revision": "9999_from_the_future"}
    assert isinstance(caught.value, DatabaseProblem)


@pytest.mark.parametrize(
    "content",
    [b"name,phone\n\xe7\x8e\x8b,138\n", b"\x00\x01garbage" * 500, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text", "garbage", "damaged-header"],
)
def test_a_file_that_is_not_a_database_is_refused_and_left_unchanged(db_path, content):
    db_path.write_bytes(content)
    with pytest.raises(DatabaseUnreadable) as caught:
        open_database(f"sqlite:///{db_path}")
    assert db_path.read_bytes() == content
    assert str(db_path) in str(caught.value)
    assert "has not been changed" in str(caught.value)


def test_another_programs_sqlite_database_is_refused_and_left_unchanged(db_path):
    connection = sqlite3.connect(db_path)
    with connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
    connection.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseUnreadable, match="another program"):
        open_database(f"sqlite:///{db_path}")
    assert db_path.read_bytes() == before


def test_a_truncated_copy_is_refused_before_anything_reads_it(db_path, monkeypatch):
    """A half-copied file opens in SQLite and fails only when a query reaches a missing page.

    A plain file's header tells how long it should be; an encrypted one's is encrypted (see below)."""
    monkeypatch.setenv("FEVER_DESK_PLAIN_SQLITE", "1")
    database = open_database(f"sqlite:///{db_path}")
    with database.engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    full = db_path.read_bytes()
    db_path.write_bytes(full[: len(full) // 2])
    with pytest.raises(DatabaseUnreadable, match="cut short") as caught:
        open_database(f"sqlite:///{db_path}")
    assert db_path.read_bytes() == full[: len(full) // 2]
    assert str(db_path) in str(caught.value)


def test_a_truncated_encrypted_copy_is_refused_and_left_unchanged(db_path):
    database = open_database(f"sqlite:///{db_path}")
    with database.engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    full = db_path.read_bytes()
    assert not full.startswith(b"SQLite format 3")
    db_path.write_bytes(full[: len(full) // 2 + 100])  # cut mid-page
    with pytest.raises(DatabaseUnreadable, match="not an SQLite file"):
        open_database(f"sqlite:///{db_path}")
    db_path.write_bytes(full[:4096])  # cut at a page boundary: only page 1 left
    with pytest.raises(DatabaseUnreadable, match="has not been changed"):
        open_database(f"sqlite:///{db_path}")
    assert db_path.read_bytes() == full[:4096]


def test_a_database_in_a_missing_folder_or_a_folder_is_named(tmp_path):
    missing = tmp_path / "no such folder" / "x.sqlite3"
    with pytest.raises(DatabaseUnopenable, match="folder does not exist") as caught:
        open_database(f"sqlite:///{missing}")
    assert str(missing) in str(caught.value)
    assert not missing.parent.exists()
    with pytest.raises(DatabaseUnopenable, match="it is a folder"):
        open_database(f"sqlite:///{tmp_path}")


def test_an_empty_file_becomes_a_new_database(db_path):
    db_path.write_bytes(b"")
    database = open_database(f"sqlite:///{db_path}")
    assert current_revision(database.engine) == head_revision()
    database.close()


def test_problems_are_shown_in_the_desk_language(db_path):
    from fever_desk.i18n import set_language

    db_path.write_text("not a database", encoding="utf-8")
    with pytest.raises(DatabaseUnreadable) as caught:
        open_database(f"sqlite:///{db_path}")
    set_language("zh_CN")
    assert "未被改动" in caught.value.localized() and str(db_path) in caught.value.localized()
    set_language("en")
    assert caught.value.localized() == str(caught.value)


def test_upgrade_works_on_an_engine_made_by_hand(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'hand.sqlite3'}")
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_cli_value_beats_environment_beats_default(monkeypatch, tmp_path):
    monkeypatch.setenv("FEVER_DESK_DB", "sqlite:///from-env.sqlite3")
    assert (
        database_url_from("postgresql+psycopg://desk@server/fever")
        == "postgresql+psycopg://desk@server/fever"
    )
    assert database_url_from(None) == "sqlite:///from-env.sqlite3"
    assert database_url_from(str(tmp_path / "plain path.sqlite3")).startswith("sqlite:///")
    monkeypatch.delenv("FEVER_DESK_DB")
    monkeypatch.setattr("platformdirs.user_data_dir", lambda *a, **k: str(tmp_path / "data"))
    url = database_url_from(None)
    assert url == default_database_url()
    assert url.endswith("/data/fever_desk.sqlite3") and (tmp_path / "data").is_dir()


def test_a_postgresql_url_makes_an_engine_without_connecting():
    pytest.importorskip("psycopg")
    engine = make_engine("postgresql+psycopg://desk:secret@localhost/fever")
    assert engine.dialect.name == "postgresql"
    assert sqlite_path(str(engine.url)) is None


def test_the_migrations_render_for_postgresql_without_a_driver():
    import io

    from alembic import command

    from db.migrate import alembic_config

    config = alembic_config()
    buffer = io.StringIO()
    config.output_buffer = buffer
    config.set_main_option("sqlalchemy.url", "postgresql+psycopg://desk@server/fever")
    command.upgrade(config, "head", sql=True)
    ddl = buffer.getvalue()
    assert "CREATE TABLE screening (" in ddl and "id UUID NOT NULL" in ddl
    assert 'name_key VARCHAR(100) COLLATE "C" NOT NULL' in ddl
    assert "CREATE UNIQUE INDEX ix_screening_revision_screening_id_version" in ddl


def test_the_search_query_keeps_its_index_hint_to_sqlite():
    from datetime import UTC, datetime

    from sqlalchemy.dialects import postgresql, sqlite

    from db.repositories import SqlScreeningRepository

    statement = SqlScreeningRepository.list_query(
        datetime(2020, 1, 1, tzinfo=UTC), datetime.now(UTC), "王芳", 10
    )
    assert "+screening.created_at >=" in str(statement.compile(dialect=sqlite.dialect()))
    assert "+screening" not in str(statement.compile(dialect=postgresql.dialect()))


def test_an_interrupted_first_migration_leaves_nothing_half_built(tmp_path, monkeypatch):
    """The desk closed during its first start must not leave a file that never opens again."""
    import alembic.op

    from db import open_database

    path = tmp_path / "first-start.sqlite3"
    url = f"sqlite:///{path}"

    def power_cut(*_args, **_kwargs):
        raise RuntimeError("power cut during the migration")

    with monkeypatch.context() as patch:
        patch.setattr(alembic.op, "create_index", power_cut)
        with pytest.raises(RuntimeError, match="power cut"):
            open_database(url)
    conn = connect_file(path)
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert tables == set(), tables
    database = open_database(url)
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM screening").scalar() == 0
    database.close()


def test_the_name_initial_revision_goes_down_and_up_keeping_every_record(database, engine_name):
    """0006 down to 0005 and back on a database holding a corrected screening and a purchase with its
    drug lines: nothing is lost (SQLite drops the column in place, never copying ``purchase``, whose
    drug lines would go with it), and the way up fills the initials of the rows already there."""
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    from alembic import command
    from sqlalchemy import inspect

    from db.migrate import alembic_config
    from db.pharmacy_repository import SqlPurchaseRepository
    from db.repositories import SqlScreeningRepository
    from tests.db.factories import make_screening
    from tests.fever_desk.pharmacy_cases import purchase

    day = datetime(2020, 2, 3, tzinfo=UTC)
    screenings = SqlScreeningRepository(database.session_factory)
    saved = screenings.add(make_screening("Wang Lei", created_at=day + timedelta(hours=1)))
    screenings.correct(replace(saved, note="更正"), operator="甲", reason="note")
    bought = SqlPurchaseRepository(database.session_factory).add(purchase(at=day + timedelta(hours=2)))

    def migrate(step: str, revision: str) -> None:
        config = alembic_config()
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, step)(config, revision)

    def table_facts() -> tuple[set[str], set[str], tuple[int, int, int]]:
        with database.engine.connect() as connection:
            found = inspect(connection)
            columns = {c["name"] for t in ("screening", "purchase") for c in found.get_columns(t)}
            indexes = {i["name"] for t in ("screening", "purchase") for i in found.get_indexes(t)}
            counts = tuple(
                connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                for t in ("screening_revision", "purchase", "purchase_drug")
            )
        return columns, indexes, counts

    migrate("downgrade", "0005")
    columns, indexes, counts = table_facts()
    assert current_revision(database.engine) == "0005"
    assert "name_initial" not in columns
    assert not any("name_initial" in name for name in indexes)
    assert counts == (1, 1, len(bought.drugs))

    migrate("upgrade", "head")
    columns, indexes, counts = table_facts()
    assert "name_initial" in columns and counts == (1, 1, len(bought.drugs))
    assert {
        "ix_screening_name_initial_created_at_name_key",
        "ix_purchase_name_initial_created_at_name_key",
    } <= indexes
    with database.engine.connect() as connection:
        initials = {
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT name_initial FROM screening UNION ALL SELECT name_initial FROM purchase"
            )
        }
    assert initials == {"w", "王"}
    window = (day, day + timedelta(days=1))
    assert [s.id for s in SqlScreeningRepository(database.session_factory).between(*window, search="W")] == [
        saved.id
    ]
    assert [p.id for p in SqlPurchaseRepository(database.session_factory).between(*window, search="王")] == [
        bought.id
    ]
