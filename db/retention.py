"""Deleting records past the retention period: screenings and everything hanging off them, purchases,
and the observation register (each person with their grid, by registration time).

Personal data of sick people must not be kept longer than needed, so an administrator purges records
older than ``Settings.retention_days``.  One transaction does it all (a purge interrupted half-way must
not leave slips pointing at deleted screenings), children first because the foreign keys RESTRICT.
Tables that do not exist yet (before migration 0004) are skipped, checked with the inspector.

Kept on purpose: ``daily_report`` (counts only, no person in it, and the record of what was reported)
and ``audit_log`` (it names record ids, not people, and deleting from it would break the chain).
The archived slip PDFs hold names and ID numbers too, and on Windows a PDF open in a viewer cannot be
deleted.  The rule (:func:`purge_with_archives`): *rows first, then files, from a to-do list written
before the commit*.  The list (``pending-deletion.txt`` in the slip archive) names every PDF of the
purged screenings; after the commit each file no ``slip_print`` row points to any more is deleted, and
what cannot be deleted stays on the list and is retried at the next purge.  A crash or a refused file at
any step therefore never leaves a patient's PDF that nothing will ever delete, and a purge that rolled
back never deletes a PDF whose record is still there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import ColumnElement, TableClause, column, delete, func, inspect, select, table
from sqlalchemy.orm import Session

from db.models import UtcDateTime, to_utc
from db.transactions import joined
from fever_desk.files import write_atomic

# (table, how its rows are chosen): "own" = its created_at; else (parent table, foreign key column).
_SCREENING_CHILDREN = (
    ("screening_revision", "screening_id"),
    ("slip_print", "screening_id"),
    ("screening_followup", "screening_id"),
)
_PURCHASE_CHILDREN = (("purchase_drug", "purchase_id"),)
_OBSERVATION_CHILDREN = (("observation_cell", "observation_id"),)  # by registration time, like the rest


def _t(name: str, *columns: str) -> TableClause:
    """A lightweight table clause: this module must work whether or not later models are imported.
    ``created_at`` is typed so the cutoff is bound exactly as the models store times (naive UTC)."""
    return table(name, *(column(c, UtcDateTime()) if c == "created_at" else column(c) for c in columns))


def _plan(session: Session, cutoff: datetime) -> list[tuple[TableClause, ColumnElement[bool]]]:
    """(table, WHERE clause) in deletion order, for the tables this database has."""
    existing = set(inspect(session.connection()).get_table_names())
    cutoff_utc = to_utc(cutoff)
    plan: list[tuple[TableClause, ColumnElement[bool]]] = []
    parents = (
        ("screening", _SCREENING_CHILDREN),
        ("purchase", _PURCHASE_CHILDREN),
        ("observation", _OBSERVATION_CHILDREN),
    )
    for parent_name, children in parents:
        if parent_name not in existing:
            continue
        parent = _t(parent_name, "id", "created_at")
        old_parents = select(parent.c.id).where(parent.c.created_at < cutoff_utc)
        for child_name, key in children:
            if child_name in existing:
                child = _t(child_name, key)
                plan.append((child, child.c[key].in_(old_parents)))
        plan.append((parent, parent.c.created_at < cutoff_utc))
    return plan


def count_older_than(session_factory: Callable[[], Session], cutoff: datetime) -> dict[str, int]:
    """What :func:`purge_older_than` would delete (the dry run): table → row count."""
    with session_factory() as session, session.begin():
        return {
            target.name: session.execute(select(func.count()).select_from(target).where(where)).scalar_one()
            for target, where in _plan(session, cutoff)
        }


def purge_older_than(
    session_factory: Callable[[], Session],
    cutoff: datetime,
    *,
    in_transaction: Callable[[Session, dict[str, int]], None] | None = None,
    session: Session | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Delete every record created before ``cutoff``; returns table → rows deleted.

    ``in_transaction(session, counts)`` runs before the commit, so the audit entry for the purge is
    written in the same transaction: a purge without its entry cannot happen.  With ``session`` the
    deletes join the caller's unit of work (``db.transactions``) instead.  ``progress`` is told each
    table's deleted rows as it goes (one step per table: a table is one DELETE).
    """
    counts: dict[str, int] = {}
    with joined(session_factory, session) as session:
        for target, where in _plan(session, cutoff):
            counts[target.name] = session.execute(delete(target).where(where)).rowcount or 0
            if progress is not None:
                progress(counts[target.name])
        if in_transaction is not None:
            in_transaction(session, counts)
    return counts


def slip_archives_older_than(session_factory: Callable[[], Session], cutoff: datetime) -> list[str]:
    """Archived slip PDFs of the screenings a purge at ``cutoff`` deletes (call before purging)."""
    with session_factory() as session:
        existing = set(inspect(session.connection()).get_table_names())
        if not {"slip_print", "screening"} <= existing:
            return []
        cutoff_utc = to_utc(cutoff)
        screening = _t("screening", "id", "created_at")
        slips = _t("slip_print", "screening_id", "archive_path")
        old = select(screening.c.id).where(screening.c.created_at < cutoff_utc)
        rows = session.execute(select(slips.c.archive_path).where(slips.c.screening_id.in_(old))).scalars()
        return sorted({path for path in rows if path})


PENDING_FILE = "pending-deletion.txt"


@dataclass(frozen=True)
class PurgeResult:
    """Rows deleted per table, the slip PDFs still on the to-do list (held by another program), and the
    files this purge deleted (filled in by ``ui.services.admin.purge_older_than``)."""

    counts: dict[str, int]
    files_left: list[str]
    files_deleted: tuple[str, ...] = ()


def read_pending(pending: Path) -> set[str]:
    if not pending.is_file():
        return set()
    return {line for line in pending.read_text(encoding="utf-8").splitlines() if line.strip()}


def _write_pending(pending: Path, paths: Iterable[str]) -> None:
    """Replace the to-do list atomically (an empty list removes the file)."""
    lines = sorted(set(paths))
    if not lines:
        pending.unlink(missing_ok=True)
        return
    write_atomic(pending, "\n".join(lines) + "\n")


def _still_referenced(session_factory: Callable[[], Session], paths: list[str]) -> set[str]:
    with session_factory() as session:
        if "slip_print" not in inspect(session.connection()).get_table_names():
            return set()
        slips = _t("slip_print", "archive_path")
        found: set[str] = set()
        for start in range(0, len(paths), 500):
            chunk = paths[start : start + 500]
            found.update(
                session.execute(select(slips.c.archive_path).where(slips.c.archive_path.in_(chunk))).scalars()
            )
        return found


def delete_pending_archives(session_factory: Callable[[], Session], pending: Path) -> list[str]:
    """Delete the listed PDFs no record points to; returns those another program still holds.

    A listed file that a record still names (its purge rolled back) is dropped from the list and kept:
    the purge that really deletes its record lists it again.
    """
    wanted = sorted(read_pending(pending))
    if not wanted:
        return []
    referenced = _still_referenced(session_factory, wanted)
    left: list[str] = []
    for path in wanted:
        if path in referenced:
            continue
        try:
            Path(path).unlink(missing_ok=True)
        except OSError:  # Windows: open in a PDF viewer (or the share is away): try again next time
            left.append(path)
    _write_pending(pending, left)
    return left


def purge_with_archives(
    session_factory: Callable[[], Session],
    cutoff: datetime,
    pending: Path,
    *,
    in_transaction: Callable[[Session, dict[str, int]], None] | None = None,
) -> PurgeResult:
    """:func:`purge_older_than` plus the archived slip PDFs, by the rule in the module docstring."""
    archives = slip_archives_older_than(session_factory, cutoff)
    if archives:
        _write_pending(pending, read_pending(pending) | set(archives))
    counts = purge_older_than(session_factory, cutoff, in_transaction=in_transaction)
    return PurgeResult(counts, delete_pending_archives(session_factory, pending))
