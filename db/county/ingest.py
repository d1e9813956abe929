"""The county side's check of what stations sent: verify each pending inbox row, then file or refuse it.

PostgreSQL cannot verify Ed25519, so this runs in the county administrator's process — every county
command (``status``, ``export``, ``points list``, ``ingest``) calls :func:`ingest` before it reads, and
rows locked by another administrator's run are skipped (``FOR UPDATE SKIP LOCKED``), so two county PCs
never judge one row twice.  A row is refused, with a stable reason the station reads back, when its point
is unknown or not enrolled, it carries no signature, it is not a canonical report, its signature does not
match the enrolled key, its body names another point, day or revision than the row, or a *different*
report with the same point, day and revision was accepted before.  An accepted row becomes one
``county_report`` (or ``county_card_count``) row.  The same report sent twice is one inbox row (unique
on its text and signature); should an identical report reach ``_file`` twice anyway it is accepted and
stored once (same point, day, revision and signature).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.dialects.postgresql import insert

from db.county.models import CARD_COUNT, FIGURE_COLUMNS, INBOX, POINT, REPORT
from fever_desk.county import signed
from fever_desk.slips.signing import load_public_key

BATCH = 2000


@dataclass(frozen=True)
class IngestResult:
    accepted: int = 0
    refused: int = 0


def _judge(row: Any, public_key_text: str | None, known: bool) -> signed.Verdict:
    if not known:
        return signed.Verdict(False, "unknown_point")
    if not public_key_text:
        return signed.Verdict(False, "not_enrolled")
    try:
        key = load_public_key(public_key_text)
    except ValueError:
        return signed.Verdict(False, "not_enrolled")
    verdict = signed.verify(row.body, row.signature, key)
    if not verdict.ok or verdict.body is None:
        return verdict
    body = verdict.body
    claimed = (body["point"], body["day"], body["revision"], body["type"])
    if claimed != (row.point_id, row.day.isoformat(), row.revision, row.kind):
        return signed.Verdict(False, "point_mismatch", body)
    return verdict


def _file(connection: Connection, row: Any, body: dict[str, Any]) -> bool:
    """Insert the accepted report; False when a different one holds its (point, day, revision)."""
    common = {
        "point_id": row.point_id,
        "day": row.day,
        "revision": row.revision,
        "received_at": row.received_at,
        "body": row.body,
        "signature": row.signature,
    }
    if row.kind == "daily":
        figures = body["figures"]
        values = {
            **common,
            "zero": body["zero"],
            "figures": figures,
            **{name: int(figures.get(name, 0) or 0) for name in FIGURE_COLUMNS},
        }
        table = REPORT
    else:
        values = {**common, "cards": body["cards"]}
        table = CARD_COUNT
    stored = connection.execute(
        insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    ).first()
    if stored is not None:
        return True
    earlier = connection.execute(
        select(table.c.signature).where(
            table.c.point_id == row.point_id, table.c.day == row.day, table.c.revision == row.revision
        )
    ).scalar_one()
    return bool(earlier == row.signature)


def ingest_batch(connection: Connection, limit: int = BATCH) -> IngestResult:
    """Judge up to ``limit`` pending rows inside the caller's transaction."""
    rows = connection.execute(
        select(INBOX)
        .where(INBOX.c.state == "pending")
        .order_by(INBOX.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not rows:
        return IngestResult()
    ids = {row.point_id for row in rows}
    keys = dict(connection.execute(select(POINT.c.id, POINT.c.public_key).where(POINT.c.id.in_(ids))).all())
    accepted = refused = 0
    for row in rows:
        verdict = _judge(row, keys.get(row.point_id), row.point_id in keys)
        reason = verdict.reason
        if verdict.ok and verdict.body is not None and not _file(connection, row, verdict.body):
            reason = "conflicting_revision"
        ok = reason == "ok"
        accepted += ok
        refused += not ok
        connection.execute(
            update(INBOX)
            .where(INBOX.c.id == row.id)
            .values(state="accepted" if ok else "refused", reason="" if ok else reason, checked_at=func.now())
        )
    return IngestResult(accepted, refused)


def ingest(engine: Engine, limit: int = BATCH) -> IngestResult:
    """Judge every pending row, ``limit`` per transaction; returns the totals.  With nothing pending (the
    usual case for a county PC re-reading the day) it costs one indexed look, no locking transaction."""
    with engine.connect() as connection:
        pending = connection.execute(select(INBOX.c.id).where(INBOX.c.state == "pending").limit(1)).first()
    if pending is None:
        return IngestResult()
    accepted = refused = 0
    while True:
        with engine.begin() as connection:
            result = ingest_batch(connection, limit)
        accepted += result.accepted
        refused += result.refused
        if result.accepted + result.refused < limit:
            return IngestResult(accepted, refused)
