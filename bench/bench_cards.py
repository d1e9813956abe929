"""The open report cards (the 2-hour clock's list) with 100,000 cards in the database.

The desk rereads the open cards every time a card changes and on its clock's timer, so the list must stay
instant however many cards the station has kept.  ``.bench/cards-100k.sqlite3`` (built once, then cached)
holds 100,000 cards over a year, all reported except the last ``OPEN`` of them; the figure is the p95 of
``SqlReportCardRepository.open_cards()`` over ``PROBES`` reads, beside the same query on an empty
database in the same run (the baseline: what the query costs with nothing to find).
"""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import Figure, cached_database, percentile, timed_ms
from db import Database, open_database
from db.report_cards.repository import SqlReportCardRepository, to_row
from fever_desk.model import Sex
from fever_desk.report_card.card import ReportCard, card_number
from fever_desk.report_card.fields import Address, Belongs, CaseClass

CARDS = 100_000
OPEN = 12
PROBES = 200
TARGET = "p95 ≤ 10 ms"
START = datetime(2025, 12, 1, tzinfo=UTC)


def _cards(count: int, open_cards: int) -> list[dict[str, Any]]:
    """``count`` rows over a year, numbered per day; all but the last ``open_cards`` marked reported."""
    template = ReportCard(
        diagnosed_at=START,
        name="王小明",
        sex=Sex.MALE,
        id_number="430102199003074512",
        birth_date=date(1990, 3, 7),
        phone="13812345678",
        address=Address("湖南省", "长沙市", "芙蓉区", "五里牌街道", "朝阳村", "3号", "430102"),
        belongs=Belongs.SAME_COUNTY,
        occupation="farmer",
        onset_date=date(2025, 11, 29),
        reporting_unit="芙蓉区人民医院",
        doctor="doc",
    )
    step = timedelta(days=365) / count
    rows, per_day = [], {}
    for n in range(count):
        at = START + step * n
        day = at.date()
        per_day[day] = per_day.get(day, 0) + 1
        reported = n < count - open_cards
        card = replace(
            template,
            id=uuid.UUID(int=n + 1),
            number=card_number(day, per_day[day]),
            diagnosed_at=at,
            created_at=at,
            case_class=CaseClass.CONFIRMED if n % 7 == 0 else CaseClass.SUSPECTED,
            completed_at=at + timedelta(minutes=30) if reported else None,
            reported_at=at + timedelta(minutes=70) if reported else None,
            national_number=f"N{n}" if reported else "",
        )
        rows.append(to_row(card))
    return rows


def _fill(engine: Any) -> None:
    from sqlalchemy import insert

    from db.report_cards.models import REPORT_CARD

    rows = _cards(CARDS, OPEN)
    with engine.begin() as connection:
        for begin in range(0, len(rows), 5000):
            connection.execute(insert(REPORT_CARD), rows[begin : begin + 5000])
        connection.exec_driver_sql("ANALYZE")


def _measure(database: Database, probes: int = PROBES) -> list[float]:
    repository = SqlReportCardRepository(database.session_factory)
    repository.open_cards()  # warm the pool and the statement cache
    return [timed_ms(repository.open_cards) for _ in range(probes)]


def run() -> list[Figure]:
    path, build_seconds = cached_database("cards-100k.sqlite3", _fill)
    with tempfile.TemporaryDirectory() as folder:
        empty = open_database(f"sqlite:///{Path(folder) / 'empty.sqlite3'}")
        full = open_database(f"sqlite:///{path}")
        try:
            found = len(SqlReportCardRepository(full.session_factory).open_cards())
            assert found == OPEN, f"expected {OPEN} open cards, found {found}"
            baseline, measured = [], []
            for _ in range(4):  # interleaved, so both share the machine's mood
                baseline += _measure(empty, PROBES // 4)
                measured += _measure(full, PROBES // 4)
        finally:
            empty.close()
            full.close()
    figures = [
        Figure(
            f"open cards ({OPEN} of {CARDS:,}) p95",
            percentile(measured, 95),
            "ms",
            "empty DB, same run",
            percentile(baseline, 95),
            TARGET,
        ),
        Figure(
            "open cards median",
            percentile(measured, 50),
            "ms",
            "empty DB, same run",
            percentile(baseline, 50),
            "-",
        ),
    ]
    if build_seconds is not None:
        figures.append(Figure("cards-100k.sqlite3 built once", build_seconds, "s", "-", None, "-"))
    return figures
