"""A purchase saved through the counter's save operation (``ui.services.pharmacy.save_purchase``, no Qt)
shows its medicines in the register's day list, on SQLite and on PostgreSQL: in the list this station
reads and in the list another counter reads from the database afresh (its own repository, nothing
remembered), searched by surname too; and the text is stored with the purchase (0011), which is what
the list reads (it joins the drug lines only where the stored text is empty)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from db import open_database
from db.pharmacy_repository import SqlPurchaseRepository
from fever_desk.pharmacy import DrugCategory, DrugLine
from tests.db.conftest import database_url, db_path, engine_name, pg_cluster  # noqa: F401 - fixtures
from tests.db.test_purchase_medicines import stored_medicines
from tests.fever_desk import pharmacy_cases
from ui.services import pharmacy as pharmacy_operations
from ui.services.audit_hooks import set_actor
from ui.services.database import Database
from ui.services.screening import local_day_bounds

SHOWN = "布洛芬缓释胶囊×2、急支糖浆×1、连花清瘟胶囊×3"


@pytest.fixture
def ctx(database_url: str) -> Iterator[Database]:  # noqa: F811 - the imported fixture
    context = Database(database_url)
    set_actor(context, "pharmacist.zhang", "pharmacy-1")
    yield context
    context.close()


def test_a_saved_purchase_shows_its_medicines_in_the_day_list(ctx: Database, database_url: str) -> None:  # noqa: F811
    bought = pharmacy_cases.purchase(at=datetime.now(UTC))
    bought = replace(bought, drugs=[*bought.drugs, DrugLine("连花清瘟胶囊", DrugCategory.ANTIVIRAL, 3)])
    result = pharmacy_operations.save_purchase(ctx, bought, 3, frozenset())
    assert result.saved is not None and not result.queued
    today = datetime.now().date()

    (row,) = pharmacy_operations.load_purchase_day(ctx, today).rows
    assert (row.id, row.medicines) == (bought.id, SHOWN)

    other_counter = open_database(database_url)
    try:
        repo = SqlPurchaseRepository(other_counter.session_factory)
        for search in ("", "王"):
            (line,) = repo.day_lines(*local_day_bounds(today), search=search)
            assert (line.id, line.medicines) == (bought.id, SHOWN)
        assert stored_medicines(other_counter.engine) == {bought.id: SHOWN}
    finally:
        other_counter.close()
