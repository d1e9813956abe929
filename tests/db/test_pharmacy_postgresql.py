"""The pharmacy register's tests again, on the private PostgreSQL server.

``tests/db/test_pharmacy_repository.py`` makes its own SQLite file (its ``pharmacy_db`` fixture), so the
engine-parametrised ``database`` fixture does not reach it.  Its tests are imported here and run with
``pharmacy_db`` bound to a fresh PostgreSQL database; the one that reads ``sqlite_master`` is left out.
"""

from __future__ import annotations

import pytest

from db import Database
from db.pharmacy_repository import SqlPurchaseRepository
from tests.db.test_pharmacy_repository import (  # noqa: F401 - collected here, on PostgreSQL
    test_a_failed_save_leaves_nothing_behind,
    test_a_purchase_and_its_drugs_are_saved_together_and_read_back,
    test_bulk_insert_stores_what_the_repository_reads,
    test_deleting_a_purchase_deletes_its_drug_lines,
    test_export_rows_are_oldest_first_and_counts_match,
    test_person_history_merges_screenings_and_purchases_in_time_order,
    test_recent_for_finds_the_same_id_or_phone_since_the_given_time,
    test_search_by_id_phone_tail_and_name_prefix,
)


@pytest.fixture(params=["postgresql"])
def engine_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def pharmacy_db(database: Database) -> Database:
    return database


@pytest.fixture
def purchases(pharmacy_db: Database) -> SqlPurchaseRepository:
    return SqlPurchaseRepository(pharmacy_db.session_factory)
