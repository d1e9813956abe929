"""The counters' saves, kind by kind, for the outage fault tests (``tests/ui/test_outage_faults.py``).

Each counter process logs one line per save the desk answered: ``<kind> <key> <outcome>``, where the
outcome is what the desk would have told the nurse (``saved``, ``queued`` = "saved on this counter", or
``failed <error>``).  The key is what the server's tables and audit trail can be matched on: the record's
own id for screenings and purchases; for a correction, a follow-up result and a slip print, the id of the
screening they are about (the counter does each of those at most once per screening, so a second row or
a second entry for that screening is a duplicate).

:func:`figures` then reads the server and counts, for every kind, the four figures the issue asks for:
acknowledged saves lost, records or entries stored twice, saves reported failed (and of those, the ones
kept all the same), and records without their entry (or entries without their record).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

KINDS = ("screening", "purchase", "correction", "followup", "slip")
LINE = re.compile(r"^(\w+) ([0-9a-f-]{36}) (saved|queued|failed \w+)$")

# Per kind: its rows on the server by key, and its audit entries by key (each query yields key, count).
_RECORDS = {
    "screening": "SELECT id, 1 FROM screening",
    "purchase": "SELECT id, 1 FROM purchase",
    "correction": "SELECT screening_id, count(*) FROM screening_revision GROUP BY screening_id",
    "followup": "SELECT screening_id, count(*) FROM screening_followup GROUP BY screening_id",
    "slip": "SELECT screening_id, count(*) FROM slip_print GROUP BY screening_id",
}
_ENTRIES = {
    "screening": "record_kind = 'screening' AND action = 'create'",
    "purchase": "record_kind = 'purchase' AND action = 'create'",
    "correction": "record_kind = 'screening' AND action = 'correct'",
    "followup": "record_kind = 'screening' AND action = 'followup'",
    "slip": "record_kind = 'screening' AND action IN ('print', 'reprint')",
}


@dataclass(frozen=True)
class Figures:
    """One kind's figures after the run (``on_server``: its keys stored on the server)."""

    kind: str
    acknowledged: int
    queued: int
    lost: int
    duplicated: int
    unaudited: int
    orphan_entries: int
    failed: int
    failed_but_kept: int
    on_server: int

    def __str__(self) -> str:
        return (
            f"{self.kind}: {self.acknowledged} acknowledged ({self.queued} queued), {self.on_server} on the "
            f"server; lost {self.lost}, duplicated {self.duplicated}, without entry {self.unaudited}, "
            f"entry without record {self.orphan_entries}, reported failed {self.failed} "
            f"(of which kept {self.failed_but_kept})"
        )

    def problems(self) -> list[str]:
        """What a nurse or an auditor would notice: anything here fails the test."""
        found = []
        if self.lost:
            found.append(f"{self.lost} acknowledged {self.kind} saves lost")
        if self.duplicated:
            found.append(f"{self.duplicated} {self.kind} records or entries stored twice")
        if self.unaudited or self.orphan_entries:
            found.append(f"{self.kind}: {self.unaudited} without entry, {self.orphan_entries} entries alone")
        if self.failed:
            found.append(f"{self.failed} {self.kind} saves reported failed ({self.failed_but_kept} kept)")
        if not (self.acknowledged and self.queued):
            found.append(f"the outage did not reach the {self.kind} saves ({self.acknowledged} acknowledged)")
        return found


def read_logs(logs: Iterable[Path]) -> tuple[dict[str, dict[str, str]], dict[str, set[str]]]:
    """Acknowledged keys (with their outcome) and failed keys, by kind."""
    acknowledged: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    failed: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for log in logs:
        for line in log.read_text(encoding="utf-8").splitlines():
            found = LINE.match(line)
            if found is None:
                continue  # a line cut by SIGKILL: that save was never acknowledged
            kind, key, outcome = found.groups()
            if outcome.startswith("failed"):
                failed[kind].add(key)
            else:
                acknowledged[kind][key] = outcome
    return acknowledged, failed


def figures(url: str, logs: Iterable[Path]) -> list[Figures]:
    acknowledged, failed = read_logs(logs)
    engine = create_engine(url.split("?")[0])
    result = []
    try:
        with engine.connect() as connection:
            for kind in KINDS:
                stored = {str(key): int(n) for key, n in connection.execute(text(_RECORDS[kind]))}
                where = _ENTRIES[kind]
                entries = {
                    str(key): int(n)
                    for key, n in connection.execute(
                        text(f"SELECT record_id, count(*) FROM audit_log WHERE {where} GROUP BY record_id")
                    )
                }
                mine = acknowledged[kind]
                result.append(
                    Figures(
                        kind=kind,
                        acknowledged=len(mine),
                        queued=sum(1 for outcome in mine.values() if outcome == "queued"),
                        lost=len(set(mine) - set(stored)),
                        duplicated=sum(1 for n in stored.values() if n > 1)
                        + sum(1 for n in entries.values() if n > 1),
                        unaudited=len(set(stored) - set(entries)),
                        orphan_entries=len(set(entries) - set(stored)),
                        failed=len(failed[kind]),
                        failed_but_kept=len(failed[kind] & set(stored)),
                        on_server=len(stored),
                    )
                )
    finally:
        engine.dispose()
    return result
