"""A county database on the session's private cluster, and stations that log in with the narrow role."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine

_names = itertools.count(1)


@dataclass
class County:
    cluster: Any
    name: str
    url: str  # the county administrator (owner)
    engine: Engine

    def station_url(self) -> str:
        """A new login role in ``fever_county_station`` and its URL: what an IT person gives a station."""
        role = f"station_{os.getpid()}_{next(_names)}"
        self.cluster._admin(f"CREATE ROLE {role} LOGIN IN ROLE fever_county_station")
        return self.url.replace("postgres@", f"{role}@", 1)


@pytest.fixture
def county(pg_cluster: Any) -> Iterator[County]:
    from db.county.migrate import upgrade

    name = f"county_{os.getpid()}_{next(_names)}"
    pg_cluster._admin(f"CREATE DATABASE {name}")
    url = pg_cluster.url(name)
    engine = create_engine(url)
    upgrade(engine)
    try:
        yield County(pg_cluster, name, url, engine)
    finally:
        engine.dispose()
        pg_cluster.drop_database(url)
