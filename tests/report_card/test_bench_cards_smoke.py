"""``bench/bench_cards.py`` runs against the real layers (``make bench`` is not in CI): its generated cards
are stored and read back through the repository, and the open ones are exactly those not reported."""

from __future__ import annotations

from pathlib import Path

from bench import bench_cards
from db import open_database
from db.report_cards.repository import SqlReportCardRepository


def test_the_cards_benchmark_measures_the_open_list(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'cards.sqlite3'}")
    try:
        rows = bench_cards._cards(300, 5)
        from sqlalchemy import insert

        from db.report_cards.models import REPORT_CARD

        with database.engine.begin() as connection:
            connection.execute(insert(REPORT_CARD), rows)
        open_cards = SqlReportCardRepository(database.session_factory).open_cards()
        assert [card.id.int for card in open_cards] == [296, 297, 298, 299, 300]
        assert len(bench_cards._measure(database, 3)) == 3
    finally:
        database.close()
