"""Two counters cannot both let the same buyer through the repeat-purchase check.

Eight counters — each its own ``ui.services.database.Database`` with its own engine and connections,
as eight desks would have — register the same person at the same instant through the real save
operation, with the rule "one purchase in 3 days".  Exactly one is saved; every other counter is shown
that purchase as a repeat.  On PostgreSQL (the private cluster) and on one SQLite file shared by
several processes' worth of engines.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from db.models_pharmacy import PURCHASE
from fever_desk.identity import check_digit
from tests.db.conftest import database_url, db_path, engine_name, pg_cluster  # noqa: F401 - fixtures
from tests.fever_desk import pharmacy_cases
from ui.services import pharmacy as pharmacy_operations
from ui.services.audit_hooks import set_actor
from ui.services.database import Database

COUNTERS = 8
PEOPLE = 4  # rounds, one buyer each: a race that slips through once in a while still shows


@pytest.fixture
def counters(database_url: str) -> Iterator[list[Database]]:  # noqa: F811 - the imported fixture
    opened: list[Database] = []
    try:
        for number in range(COUNTERS):
            ctx = Database(database_url)
            set_actor(ctx, f"pharmacist{number}", f"pharmacy-{number}")
            opened.append(ctx)
        yield opened
    finally:
        for ctx in opened:
            ctx.close()


def buyer(round_number: int) -> tuple[str, str]:
    first17 = f"4301021980050{round_number:04d}"
    return first17 + check_digit(first17), f"1390000{round_number:04d}"


def all_at_once(counters: list[Database], id_number: str, phone: str) -> list[Any]:
    """Every counter saves its own registration of this buyer, released together by a barrier."""
    start = threading.Barrier(len(counters))
    results: list[Any] = [None] * len(counters)

    def register(index: int) -> None:
        purchase = pharmacy_cases.purchase(id_number=id_number, phone=phone, at=datetime.now(UTC))
        purchase = replace(purchase, station_id=f"pharmacy-{index}")
        start.wait()
        try:
            results[index] = pharmacy_operations.save_purchase(counters[index], purchase, 3, frozenset())
        except Exception as exc:  # noqa: BLE001 - a refused save is a result the test reports
            results[index] = exc

    threads = [threading.Thread(target=register, args=(i,)) for i in range(len(counters))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a counter is still waiting"
    return results


def test_only_one_counter_lets_the_same_buyer_through(counters: list[Database]) -> None:
    for round_number in range(PEOPLE):
        id_number, phone = buyer(round_number)
        results = all_at_once(counters, id_number, phone)
        errors = [r for r in results if isinstance(r, Exception)]
        assert not errors, errors
        saved = [r.saved for r in results if r.saved is not None]
        assert len(saved) == 1, f"buyer {round_number}: {len(saved)} counters let the same person through"
        winner = saved[0]
        for result in results:
            if result.saved is None:  # stopped: shown the winner's purchase as the repeat
                assert [match.purchase.id for match in result.repeats] == [winner.id]
        with counters[0].handle.session_factory() as session:
            stored = session.execute(
                select(func.count()).select_from(PURCHASE).where(PURCHASE.c.id_number == id_number)
            ).scalar_one()
        assert stored == 1
