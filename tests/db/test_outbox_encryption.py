"""The offline outbox is encrypted like the database; one an earlier version left plain is encrypted
when it is next opened, with every pending save still there."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.cipher import ENV_PLAIN, is_plain
from db.outbox import Outbox


def test_a_plain_outbox_with_pending_saves_is_encrypted_and_keeps_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "outbox.sqlite3"
    monkeypatch.setenv(ENV_PLAIN, "1")
    Outbox(path).put("screening", "a", {"name": "王小明"})
    Outbox(path).put("purchase", "b", {"name": "李四"})
    assert is_plain(path)
    monkeypatch.delenv(ENV_PLAIN)
    outbox = Outbox(path)
    assert [(p.kind, p.item_id, p.payload["name"]) for p in outbox.pending()] == [
        ("screening", "a", "王小明"),
        ("purchase", "b", "李四"),
    ]
    assert not is_plain(path) and "王小明".encode() not in path.read_bytes()
    outbox.done(outbox.pending()[0].seq)
    assert outbox.count() == 1
