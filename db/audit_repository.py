"""``SqlAuditRepository``: append to the hash-chained audit log, browse it, verify it.

Appending with several writers (two desks on one PostgreSQL database, or the desk and a command run over
SSH on one SQLite file) must produce one sequence with no fork.  Each append, inside one transaction:

1. ``UPDATE audit_head SET last_sequence = last_sequence + 1`` — the write comes *first*, so it is the
   lock.  On PostgreSQL it takes the row lock that ``SELECT … FOR UPDATE`` would, and a second appender
   waits until the first commits, then sees its result (READ COMMITTED re-reads the updated row).  On
   SQLite it takes the database write lock before anything is read (waiting up to ``busy_timeout``);
   reading first and writing later would instead fail with SQLITE_BUSY when another writer got in between.
2. read the head (our incremented sequence and the previous hash), seal the entry, insert it;
3. store the new hash in the head.  Commit.

``audit_log.sequence`` is the primary key, so even a broken lock could only fail an insert, never fork
the chain.  ``append(..., session=s)`` joins a caller's transaction so a save and its audit entry commit
together (or not at all).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from db.models_accounts import AUDIT_HEAD, AUDIT_LOG
from db.transactions import joined
from fever_desk.audit import AuditDraft, AuditEntry, BrokenLink, seal, verify_chain

_FIELDS = tuple(AuditEntry.__dataclass_fields__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(**{name: row._mapping[name] for name in _FIELDS})


class SqlAuditRepository:
    def __init__(
        self, session_factory: Callable[[], Session], clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self._sessions = session_factory
        self._clock = clock

    def append(
        self, draft: AuditDraft, *, session: Session | None = None, at: datetime | None = None
    ) -> AuditEntry:
        """Seal and store one entry; in ``session``'s transaction when given, else in its own.  ``at``:
        when it happened, if not now (an entry that travelled in the outbox keeps the time of the save)."""
        if session is not None:
            return self._append(session, draft, at)
        with self._sessions() as own, own.begin():
            return self._append(own, draft, at)

    def _append(self, session: Session, draft: AuditDraft, at: datetime | None = None) -> AuditEntry:
        head = AUDIT_HEAD.c
        session.execute(update(AUDIT_HEAD).where(head.id == 1).values(last_sequence=head.last_sequence + 1))
        sequence, last_hash = session.execute(
            select(head.last_sequence, head.last_hash).where(head.id == 1)
        ).one()
        entry = seal(draft, sequence, at or self._clock(), last_hash)
        values = {name: getattr(entry, name) for name in _FIELDS}
        session.execute(insert(AUDIT_LOG).values(**values))
        session.execute(update(AUDIT_HEAD).where(head.id == 1).values(last_hash=entry.hash))
        return entry

    def append_many(
        self, entries: list[tuple[AuditDraft, datetime]], *, session: Session
    ) -> list[AuditEntry]:
        """Seal and store several entries, in this order, in ``session``'s transaction: the head is
        locked and moved once for all of them (an outbox replay appends a batch of entries, each with
        the time it happened)."""
        if not entries:
            return []
        head = AUDIT_HEAD.c
        session.execute(
            update(AUDIT_HEAD).where(head.id == 1).values(last_sequence=head.last_sequence + len(entries))
        )
        last, previous = session.execute(select(head.last_sequence, head.last_hash).where(head.id == 1)).one()
        sealed: list[AuditEntry] = []
        for offset, (draft, at) in enumerate(entries):
            sealed.append(seal(draft, last - len(entries) + 1 + offset, at, previous))
            previous = sealed[-1].hash
        session.execute(insert(AUDIT_LOG), [{name: getattr(e, name) for name in _FIELDS} for e in sealed])
        session.execute(update(AUDIT_HEAD).where(head.id == 1).values(last_hash=previous))
        return sealed

    def entries(
        self,
        *,
        operator: str = "",
        action: str = "",
        record_kind: str = "",
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 1000,
    ) -> list[AuditEntry]:
        """Newest first, filtered; for the administrator's browser (read-only)."""
        c = AUDIT_LOG.c
        query = select(AUDIT_LOG).order_by(c.sequence.desc()).limit(limit)
        if operator:
            query = query.where(c.operator == operator)
        if action:
            query = query.where(c.action == action)
        if record_kind:
            query = query.where(c.record_kind == record_kind)
        if since is not None:
            query = query.where(c.at >= since)
        if until is not None:
            query = query.where(c.at < until)
        with self._sessions() as session:
            return [_entry(row) for row in session.execute(query)]

    def for_record(self, record_kind: str, record_id: str) -> list[AuditEntry]:
        """Everything logged about one record, oldest first ("who looked at this person's ID?")."""
        c = AUDIT_LOG.c
        query = (
            select(AUDIT_LOG)
            .where(c.record_kind == record_kind, c.record_id == record_id)
            .order_by(c.sequence)
        )
        with self._sessions() as session:
            return [_entry(row) for row in session.execute(query)]

    def head(self, *, session: Session | None = None) -> tuple[int, str]:
        """(last sequence, last hash); in ``session`` it includes that unit's own uncommitted entries."""
        with joined(self._sessions, session) as session:
            sequence, last_hash = session.execute(
                select(AUDIT_HEAD.c.last_sequence, AUDIT_HEAD.c.last_hash).where(AUDIT_HEAD.c.id == 1)
            ).one()
        return int(sequence), str(last_hash)

    def hash_at(self, sequence: int) -> str | None:
        """The stored hash of entry ``sequence``, or None when there is no such entry."""
        with self._sessions() as session:
            found = session.execute(
                select(AUDIT_LOG.c.hash).where(AUDIT_LOG.c.sequence == sequence)
            ).scalar_one_or_none()
        return None if found is None else str(found)

    def verify(self) -> BrokenLink | None:
        """Check the whole chain and the head in one read transaction (one consistent snapshot)."""
        with self._sessions() as session, session.begin():
            head = session.execute(
                select(AUDIT_HEAD.c.last_sequence, AUDIT_HEAD.c.last_hash).where(AUDIT_HEAD.c.id == 1)
            ).one()
            return verify_chain(self._stream(session), (int(head[0]), str(head[1])))

    def _stream(self, session: Session) -> Iterator[AuditEntry]:
        result = session.execute(
            select(AUDIT_LOG).order_by(AUDIT_LOG.c.sequence).execution_options(yield_per=2000)
        )
        for row in result:
            yield _entry(row)
