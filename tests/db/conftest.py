"""A fresh, migrated SQLite file per test: the same path a station takes (migrations, never create_all)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db import Database, open_database
from db.repositories import SqlScreeningRepository


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "fever_desk.sqlite3"


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    handle = open_database(f"sqlite:///{db_path}")
    yield handle
    handle.close()


@pytest.fixture
def repo(database: Database) -> SqlScreeningRepository:
    return SqlScreeningRepository(database.session_factory)
