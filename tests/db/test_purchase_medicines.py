"""Migration 0011 on each engine: a register kept at 0010, upgraded, lists every purchase's medicines with
the text the 0010 list showed.

The database is made at 0010 by the migrations themselves and filled as the 0010 station wrote it (the
``purchase`` row without ``medicines``, its drug lines beside it).  What the 0010 list showed is read
with the query it used (a correlated ``group_concat`` / ``string_agg`` per row, kept here as the
oracle).  The upgrade fills the column in ranges of ``CHUNK`` purchases by time; the test makes the
ranges small, so the register spans several of them and a last, shorter one, as a clinic's million rows
do, with purchases saved at the same instant across a range's end.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, MetaData, String, Table, cast, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from db import open_database
from db.bulk import RowWriter
from db.engine import make_engine
from db.migrate import alembic_config, current_revision, upgrade
from db.models_pharmacy import PURCHASE, PURCHASE_DRUG
from db.pharmacy_mapping import drug_values, purchase_values
from db.pharmacy_repository import SqlPurchaseRepository
from fever_desk.day_lines import medicines_text
from fever_desk.demo_pharmacy import generate_purchases
from fever_desk.pharmacy import Purchase
from tests.db.conftest import ENGINES

START = datetime(2021, 3, 1, tzinfo=UTC)
WINDOW = (START, START + timedelta(days=2))
PURCHASES = 230
CHUNK = 40  # 230 purchases: five full ranges and a last one of 30
_names = itertools.count()


@pytest.fixture(params=ENGINES)
def engine_at_0010(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Engine]:
    """An empty database of this engine, brought to 0010 by the migrations (a station not yet updated)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    else:
        cluster = request.getfixturevalue("pg_cluster")
        name = f"at_0010_{next(_names)}"
        cluster._admin(f"CREATE DATABASE {name}")
        url = cluster.url(name)
    engine = make_engine(url)
    upgrade(engine, "0010")
    yield engine
    engine.dispose()


def _write_as_0010(engine: Engine, purchases: list[Purchase]) -> None:
    """The rows as the 0010 station wrote them: every ``purchase`` column of then, and the drug lines."""
    then = Table(
        "purchase", MetaData(), *(Column(c.key, c.type) for c in PURCHASE.columns if c.key != "medicines")
    )
    heads, lines = RowWriter(then, engine), RowWriter(PURCHASE_DRUG, engine)
    with engine.begin() as connection:
        connection.exec_driver_sql(heads.sql, [heads.prepare(purchase_values(p)) for p in purchases])
        drugs = [lines.prepare(line) for p in purchases for line in drug_values(p)]
        connection.exec_driver_sql(lines.sql, drugs)


def _shown_at_0010(engine: Engine) -> dict[Any, str]:
    """Each purchase's medicines as the 0010 day list read them (its query, verbatim), by id."""
    drug = PURCHASE_DRUG.c
    item = drug.name + literal("×") + cast(drug.quantity, String)
    if engine.dialect.name == "postgresql":
        joined = func.string_agg(item, aggregate_order_by(literal("、"), drug.line))
    else:
        joined = func.group_concat(item, literal("、"))
    medicines = select(joined).where(drug.purchase_id == PURCHASE.c.id).scalar_subquery()
    with engine.connect() as connection:
        return {pid: text or "" for pid, text in connection.execute(select(PURCHASE.c.id, medicines))}


def stored_medicines(engine: Engine) -> dict[Any, str]:
    """``purchase.medicines`` as stored, by id: what the list reads without touching the drug lines (it
    joins them only for an empty text, so a list that looks right does not show the column was filled)."""
    with engine.connect() as connection:
        return {pid: text for pid, text in connection.execute(select(PURCHASE.c.id, PURCHASE.c.medicines))}


def _upgrade_in_ranges_of(engine: Engine, chunk: int) -> None:
    """``alembic upgrade head`` (as ``command.upgrade`` runs it), with 0011's ``CHUNK`` set to ``chunk``."""
    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    script.get_revision("0011").module.CHUNK = chunk  # the Script's module is the one the run executes
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        with EnvironmentContext(
            config, script, fn=lambda rev, _context: script._upgrade_revs("head", rev), destination_rev="head"
        ):
            script.run_env()


def test_a_register_at_0010_upgraded_shows_the_medicines_it_showed(engine_at_0010: Engine) -> None:
    purchases = list(
        generate_purchases(
            PURCHASES, seed=5, start=WINDOW[0], end=WINDOW[1], station_id="t", symptom_ids=(), epi_ids=()
        )
    )
    purchases.sort(key=lambda p: p.created_at or START)
    purchases[7] = replace(purchases[7], drugs=[])  # a row with no drug line at all
    # Six saved at the same instant, across the end of the first range (the 40th purchase by time).
    purchases[36:42] = [replace(p, created_at=purchases[39].created_at) for p in purchases[36:42]]
    assert sum(len(p.drugs) > 1 for p in purchases) > 20
    _write_as_0010(engine_at_0010, purchases)
    before = _shown_at_0010(engine_at_0010)
    assert len(before) == PURCHASES and before[purchases[7].id] == ""

    _upgrade_in_ranges_of(engine_at_0010, CHUNK)
    assert current_revision(engine_at_0010) == "0011"

    database = open_database(engine_at_0010.url.render_as_string(hide_password=False))
    try:
        lines = SqlPurchaseRepository(database.session_factory).day_lines(*WINDOW, limit=1000)
    finally:
        database.close()
    assert {line.id: line.medicines for line in lines} == before
    assert stored_medicines(engine_at_0010) == before == {p.id: medicines_text(p.drugs) for p in purchases}


def test_a_purchase_saved_by_a_counter_not_yet_updated_still_shows_its_medicines(database: Any) -> None:
    """On a shared server another counter may still run the build before 0011 for a while: its insert
    leaves ``medicines`` at the column's default ''.  The list then joins that row's drug lines itself."""
    purchases = list(
        generate_purchases(
            30, seed=6, start=WINDOW[0], end=WINDOW[1], station_id="t", symptom_ids=(), epi_ids=()
        )
    )
    _write_as_0010(database.engine, purchases)
    assert set(stored_medicines(database.engine).values()) == {""}
    lines = SqlPurchaseRepository(database.session_factory).day_lines(*WINDOW)
    assert {line.id: line.medicines for line in lines} == {p.id: medicines_text(p.drugs) for p in purchases}
    assert all(line.medicines for line in lines)
