"""The hash chain: an intact chain verifies; an edit, a deletion and a cut-off tail are each found."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from fever_desk.audit import GENESIS, AuditDraft, AuditEntry, canonical, seal, verify_chain

T0 = datetime(2026, 5, 12, 8, 0, 0, 123456, tzinfo=UTC)


def chain(n: int = 5) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    prev = GENESIS
    for i in range(1, n + 1):
        draft = AuditDraft("nurse-li", "desk-1", "create", "screening", f"id-{i}", "体温 38.2")
        entry = seal(draft, i, T0 + timedelta(minutes=i), prev)
        entries.append(entry)
        prev = entry.hash
    return entries


def head(entries: list[AuditEntry]) -> tuple[int, str]:
    return (entries[-1].sequence, entries[-1].hash) if entries else (0, GENESIS)


def test_an_intact_chain_verifies() -> None:
    entries = chain()
    assert verify_chain(entries) is None
    assert verify_chain(entries, head(entries)) is None
    assert verify_chain([], (0, GENESIS)) is None


def test_the_serialisation_is_fixed() -> None:
    draft = AuditDraft("a", "s", "print", "screening", "x", "中")
    assert (
        canonical(1, T0, draft, GENESIS)
        == (
            '[1,1,"2026-05-12T08:00:00.123456Z","a","s","print","screening","x","中","' + GENESIS + '"]'
        ).encode()
    )


def test_an_edited_entry_is_named() -> None:
    entries = chain()
    entries[2] = dataclasses.replace(entries[2], detail="体温 36.5")
    broken = verify_chain(entries, head(entries))
    assert broken is not None and (broken.sequence, broken.reason) == (3, "edited")
    assert broken.values()["sequence"] == "3" and broken.at == entries[2].at


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link() -> None:
    entries = chain()
    forged = seal(
        AuditDraft("admin", "desk-1", "create", "screening", "id-3"), 3, entries[2].at, entries[1].hash
    )
    entries[2] = forged
    broken = verify_chain(entries)
    assert broken is not None and (broken.sequence, broken.reason) == (4, "gap")


def test_a_deleted_entry_is_found_at_the_next_one() -> None:
    entries = chain()
    del entries[1]
    broken = verify_chain(entries, head(entries))
    assert broken is not None and (broken.sequence, broken.reason) == (3, "gap")


def test_deleting_the_first_entry_is_found() -> None:
    entries = chain()[1:]
    broken = verify_chain(entries)
    assert broken is not None and broken.sequence == 2


def test_deleting_the_newest_entries_is_found_with_the_head() -> None:
    entries = chain()
    recorded_head = head(entries)
    broken = verify_chain(entries[:3], recorded_head)
    assert broken is not None and (broken.sequence, broken.reason) == (3, "truncated")
