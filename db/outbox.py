"""A small local SQLite file of saves that have not reached the clinic's server yet.

When the counters share a PostgreSQL server, a network drop must not stop the desk: a patient at the
entrance is screened whether or not the server answers.  Each save the server did not confirm is kept
here — the operation's kind, the row as JSON (``db.mapping.snapshot`` of the row values, the same
format as the revision history, so it stays readable across versions), when it was queued and how
many times it was tried — until ``db.offline.store`` has replayed it.  A save's payload also carries
its audit entry (key ``audit``, see ``db.offline.link``), so the entry reaches the server with its
record.  The file is the only copy of those records, so it is written with ``synchronous=FULL`` like
the station's own database, and a replayed item is deleted only after the server has committed it.

Plain ``sqlite3`` rather than SQLAlchemy: the outbox must open even when nothing else does, and one
short connection per call keeps it safe to use from whichever thread the worker runs on.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ENV_DATA = "FEVER_DESK_DATA"
FILE_NAME = "outbox.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_outbox_kind_item ON outbox (kind, item_id);
"""


def data_dir() -> Path:
    """``$FEVER_DESK_DATA`` (tests, two stations on one PC), else the per-user data folder."""
    override = os.environ.get(ENV_DATA)
    if override:
        folder = Path(override)
    else:
        from platformdirs import user_data_dir

        folder = Path(user_data_dir("fever-desk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class Pending:
    """One queued operation; ``payload`` is the decoded JSON."""

    seq: int
    kind: str
    item_id: str
    payload: dict[str, Any]
    created_at: datetime
    attempts: int
    last_error: str


class Outbox:
    """Pending operations in the order they were made; ``(kind, item_id)`` is unique, so queueing the
    same record twice (a retry after an unclear failure) keeps one copy."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / FILE_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            connection.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        from db.cipher import open_station_file  # encrypted like the database, with the station key

        connection = open_station_file(self.path, timeout=5.0, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            yield connection
        finally:
            connection.close()

    def put(self, kind: str, item_id: str, payload: dict[str, Any], error: str = "") -> None:
        """Queue ``payload``; committed (and synced) before this returns."""
        self.put_many([(kind, item_id, payload)], error)

    def put_many(self, items: list[tuple[str, str, dict[str, Any]]], error: str = "") -> None:
        """Queue ``(kind, item_id, payload)`` items in one transaction: all of them or none (one desk
        operation's records, each with its audit entry).  An item already queued keeps its first copy."""
        now = datetime.now(UTC).isoformat()
        rows = [
            (kind, item_id, json.dumps(payload, ensure_ascii=False, separators=(",", ":")), now, error)
            for kind, item_id, payload in items
        ]
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(
                "INSERT INTO outbox (kind, item_id, payload, created_at, last_error) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (kind, item_id) DO NOTHING",
                rows,
            )
            connection.execute("COMMIT")

    def get(self, kind: str, item_id: str) -> Pending | None:
        """The queued item ``(kind, item_id)``, if any (one index lookup, whatever the queue's length)."""
        with self._connect() as connection:
            row = connection.execute(
                "SELECT seq, kind, item_id, payload, created_at, attempts, last_error FROM outbox "
                "WHERE kind = ? AND item_id = ?",
                (kind, item_id),
            ).fetchone()
        if row is None:
            return None
        seq, k, item, payload, created, attempts, error = row
        return Pending(seq, k, item, json.loads(payload), datetime.fromisoformat(created), attempts, error)

    def holds(self, item_id: str) -> bool:
        """Is a record with this id (of any kind) still waiting here?  A record about it (a follow-up,
        a slip print of a screening) must then wait behind it, or the server would not know what it is
        about."""
        with self._connect() as connection:
            row = connection.execute("SELECT 1 FROM outbox WHERE item_id = ? LIMIT 1", (item_id,)).fetchone()
        return row is not None

    def pending(self, kind: str | None = None, limit: int | None = None) -> list[Pending]:
        """Queued items, oldest first."""
        query = "SELECT seq, kind, item_id, payload, created_at, attempts, last_error FROM outbox"
        args: list[Any] = []
        if kind is not None:
            query += " WHERE kind = ?"
            args.append(kind)
        query += " ORDER BY seq"
        if limit is not None:
            query += " LIMIT ?"
            args.append(limit)
        with self._connect() as connection:
            rows = connection.execute(query, args).fetchall()
        return [
            Pending(seq, k, item, json.loads(payload), datetime.fromisoformat(created), attempts, error)
            for seq, k, item, payload, created, attempts, error in rows
        ]

    def count(self, kind: str | None = None) -> int:
        with self._connect() as connection:
            if kind is None:
                return int(connection.execute("SELECT count(*) FROM outbox").fetchone()[0])
            return int(
                connection.execute("SELECT count(*) FROM outbox WHERE kind = ?", (kind,)).fetchone()[0]
            )

    def done(self, seq: int) -> None:
        """Forget an item the server has committed."""
        self.done_many([seq])

    def done_many(self, seqs: list[int]) -> None:
        """Forget items the server has committed, in one transaction (a replayed batch)."""
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany("DELETE FROM outbox WHERE seq = ?", [(seq,) for seq in seqs])
            connection.execute("COMMIT")

    def failed(self, seq: int, error: str) -> None:
        """Count one more attempt and keep the reason, for IT; the item stays queued."""
        with self._connect() as connection:
            connection.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?", (error[:500], seq)
            )
