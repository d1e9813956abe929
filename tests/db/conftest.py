"""A fresh, migrated database per test, on each engine: the same path a station takes (migrations, never
create_all).

``database`` (and ``repo`` on it) is parametrised by engine, so every test that uses it runs twice, with
ids ``sqlite`` and ``postgresql``: a clinic's shared server must behave exactly like the counter's file.
The PostgreSQL side is a private cluster started once per session (``tests/pg.py``) and stopped at the
end, on failure too; each test gets its own database copied from a migrated template.  Without the
server binaries the ``postgresql`` cases skip and say what to install, unless ``FEVER_DESK_REQUIRE_SERVICES``
(or the older ``FEVER_DESK_REQUIRE_PG``) is 1, as in CI, where that is an error (``tests/services.py``).

A few tests are about SQLite itself (its pragmas, its error texts, its file format): they carry the
``sqlite_only`` marker, given here by name (``SQLITE_ONLY``) so the test modules stay as they are, or
with ``@pytest.mark.sqlite_only`` on new tests.  Their ``postgresql`` cases are deselected; the
PostgreSQL equivalents live in ``tests/db/test_postgresql.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db import Database, open_database
from db.repositories import SqlScreeningRepository

ENGINES = ("sqlite", "postgresql")

#: test name → why it cannot run on PostgreSQL.
SQLITE_ONLY = {
    "test_wal_foreign_keys_and_synchronous_are_on": "SQLite pragmas",
    "test_a_revision_cannot_point_at_a_missing_screening": "SQLite's error text and untyped ids",
    "test_saving_the_same_id_twice_fails_and_keeps_the_first": "SQLite's error text",
    "test_times_are_stored_as_utc_whatever_zone_the_desk_uses": "SQLite's text timestamps",
    "test_unknown_kind_and_unknown_screening_are_refused": "SQLite's error text",
    # psycopg serialises JSON while sending, so the error arrives as a bare TypeError, not StatementError.
    "test_a_correction_that_fails_halfway_leaves_the_record_and_history_untouched": "SQLAlchemy's error type",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): a test of SQLite itself; not run on PostgreSQL")
    config.addinivalue_line("markers", "postgresql: needs the private PostgreSQL cluster")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        name = getattr(item, "originalname", item.name)
        if name in SQLITE_ONLY:
            item.add_marker(pytest.mark.sqlite_only(SQLITE_ONLY[name]))
        callspec = getattr(item, "callspec", None)
        on_pg = callspec is not None and callspec.params.get("engine_name") == "postgresql"
        if on_pg:
            item.add_marker(pytest.mark.postgresql)
        (dropped if on_pg and item.get_closest_marker("sqlite_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """The session's private PostgreSQL server (``tests.pg.PgCluster``), stopped and removed at the end."""
    from tests.pg import private_cluster

    with private_cluster() as cluster:
        yield cluster


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "fever_desk.sqlite3"


@pytest.fixture
def database_url(engine_name: str, db_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL for a new, empty database on this test's engine (migrated already on PostgreSQL)."""
    if engine_name == "sqlite":
        yield f"sqlite:///{db_path}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.fresh_database()
    yield url
    cluster.drop_database(url)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    handle = open_database(database_url)
    yield handle
    handle.close()


@pytest.fixture
def repo(database: Database) -> SqlScreeningRepository:
    return SqlScreeningRepository(database.session_factory)
