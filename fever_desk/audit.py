"""The audit trail as a hash chain: who did what to which record, and proof that nobody edited it since.

Each entry stores the SHA-256 of its own canonical serialisation, which includes the previous entry's
hash (the first entry points at :data:`GENESIS`).  Editing an entry changes its hash, so it no longer
matches the stored one; deleting an entry leaves the next one pointing at a hash that is not its
predecessor's; deleting the newest entries is caught by comparing the last entry with the stored head.
Someone who can rewrite the whole file could recompute every hash; the chain proves *integrity since the
last time someone noted the head hash* (e.g. on the daily report), not authorship.

Pure: the database stores and reads entries (``db.audit_repository``); this module serialises, hashes
and checks.  Details must never hold a name, ID number or phone — the record id says which record.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

GENESIS = "0" * 64
FORMAT_VERSION = 1


class AuditAction(StrEnum):
    CREATE = "create"
    CORRECT = "correct"
    PRINT = "print"
    REPRINT = "reprint"
    EXPORT = "export"
    REPORT = "report"
    PURGE = "purge"
    VIEW_FULL_ID = "view_full_id"
    LOGIN = "login"
    USER_ADD = "user_add"
    USER_DISABLE = "user_disable"
    USER_ENABLE = "user_enable"
    PASSWORD_RESET = "password_reset"
    PASSWORD_CHANGE = "password_change"
    SETTINGS_CHANGE = "settings_change"
    FOLLOWUP = "followup"  # a result received back for a screening
    RELEASE = "release"  # released from medical observation
    LOST = "lost"  # an observed person marked lost to follow-up


@dataclass(frozen=True)
class AuditDraft:
    """What a caller knows; the repository adds sequence, time and the hashes."""

    operator: str
    station_id: str
    action: str
    record_kind: str = ""
    record_id: str = ""
    detail: str = ""


@dataclass(frozen=True)
class AuditEntry:
    sequence: int
    at: datetime  # aware UTC, microsecond precision (what SQLite text and PostgreSQL timestamps keep)
    operator: str
    station_id: str
    action: str
    record_kind: str
    record_id: str
    detail: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class BrokenLink:
    """The first entry that does not verify; ``message`` is an English source string with placeholders."""

    sequence: int
    at: datetime | None
    reason: str  # "edited" | "gap" | "truncated"

    @property
    def message(self) -> str:
        return {
            "edited": "Audit entry {sequence} ({at}) was changed after it was written.",
            "gap": "The audit entry before entry {sequence} ({at}) is missing or was changed.",
            "truncated": "Audit entries after entry {sequence} ({at}) are missing.",
        }[self.reason]

    def values(self) -> dict[str, str]:
        at = self.at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if self.at else "-"
        return {"sequence": str(self.sequence), "at": at}


def _utc_text(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("audit times must be aware")
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def canonical(sequence: int, at: datetime, draft: AuditDraft | AuditEntry, prev_hash: str) -> bytes:
    """The exact bytes that are hashed: a JSON array in a fixed order, UTF-8, no whitespace.

    An array (not an object) so that no key order or new optional field can change old hashes; the
    format version is the first element so a future layout can be told apart.
    """
    fields = [
        FORMAT_VERSION,
        sequence,
        _utc_text(at),
        draft.operator,
        draft.station_id,
        draft.action,
        draft.record_kind,
        draft.record_id,
        draft.detail,
        prev_hash,
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(sequence: int, at: datetime, draft: AuditDraft | AuditEntry, prev_hash: str) -> str:
    import hashlib  # OpenSSL loads in ~2 ms: on the worker, when a record is written, not at start-up

    return hashlib.sha256(canonical(sequence, at, draft, prev_hash)).hexdigest()


def seal(draft: AuditDraft, sequence: int, at: datetime, prev_hash: str) -> AuditEntry:
    """The next entry of the chain; ``at`` is truncated to what the database keeps (microseconds)."""
    at = at.astimezone(UTC)
    return AuditEntry(
        sequence=sequence,
        at=at,
        operator=draft.operator,
        station_id=draft.station_id,
        action=draft.action,
        record_kind=draft.record_kind,
        record_id=draft.record_id,
        detail=draft.detail,
        prev_hash=prev_hash,
        hash=entry_hash(sequence, at, draft, prev_hash),
    )


def verify_chain(entries: Iterable[AuditEntry], head: tuple[int, str] | None = None) -> BrokenLink | None:
    """The first broken link of ``entries`` (in sequence order), or None when the chain is intact.

    ``head`` is the stored (last sequence, last hash); when given, missing newest entries are caught too.
    Streams: a million entries are checked without holding them all.
    """
    expected_prev = GENESIS
    last: AuditEntry | None = None
    for entry in entries:
        if entry.prev_hash != expected_prev:
            return BrokenLink(entry.sequence, entry.at, "gap")
        if entry_hash(entry.sequence, entry.at, entry, entry.prev_hash) != entry.hash:
            return BrokenLink(entry.sequence, entry.at, "edited")
        expected_prev = entry.hash
        last = entry
    if head is not None:
        last_sequence = last.sequence if last else 0
        if (last_sequence, expected_prev) != tuple(head):
            return BrokenLink(last_sequence, last.at if last else None, "truncated")
    return None
