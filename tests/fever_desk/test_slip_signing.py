"""The station key pair and the signed QR payload, without drawing anything."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fever_desk.model import Disposition
from fever_desk.slips import (
    load_or_create_keys,
    load_public_key,
    public_key_text,
    sign_payload,
    verify_payload,
    verify_slip_text,
)
from fever_desk.slips.signing import PRIVATE_KEY_FILE, PUBLIC_KEY_FILE

WHEN = datetime(2020, 2, 7, 1, 30, tzinfo=UTC)


def test_keys_are_made_once_and_kept_private(tmp_path: Path) -> None:
    first = load_or_create_keys(tmp_path / "data")
    private, public = tmp_path / "data" / PRIVATE_KEY_FILE, tmp_path / "data" / PUBLIC_KEY_FILE
    assert private.exists() and public.exists()
    if os.name == "posix":
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    again = load_or_create_keys(tmp_path / "data")
    assert public_key_text(again.public_key) == public_key_text(first.public_key)
    public.unlink()  # the public half is derived, so it comes back
    load_or_create_keys(tmp_path / "data")
    assert load_public_key(tmp_path / "data").public_bytes_raw() == first.public_key.public_bytes_raw()


@pytest.mark.skipif(os.name != "posix", reason="file modes are a POSIX notion")
def test_loose_permissions_are_tightened(tmp_path: Path) -> None:
    load_or_create_keys(tmp_path)
    (tmp_path / PRIVATE_KEY_FILE).chmod(0o644)
    load_or_create_keys(tmp_path)
    assert stat.S_IMODE((tmp_path / PRIVATE_KEY_FILE).stat().st_mode) == 0o600


def test_payload_format_and_every_key_form(tmp_path: Path) -> None:
    keys = load_or_create_keys(tmp_path)
    payload = sign_payload(keys, "9C3A-200207-4F1B2C", "9c3a1e7d22b0", WHEN, Disposition.FEVER_CLINIC)
    head, signature = payload.rsplit(".", 1)
    assert head == "FD1.9C3A-200207-4F1B2C.9c3a1e7d22b0.1581039000.F"
    assert len(signature) == 86 and payload.isascii()
    public = keys.public_key
    for form in (
        public,
        public.public_bytes_raw(),
        public_key_text(public),
        (tmp_path / PUBLIC_KEY_FILE).read_text(encoding="utf-8"),
        str(tmp_path / PUBLIC_KEY_FILE),
        tmp_path,
    ):
        assert verify_slip_text(payload, form).ok, form
    assert verify_slip_text(f"  {payload}\n", tmp_path).ok  # scanners often add a newline


def test_a_station_id_of_any_characters_survives(tmp_path: Path) -> None:
    keys = load_or_create_keys(tmp_path)
    payload = sign_payload(keys, "1A2B-200207-000001", "东院.预检 1", WHEN, Disposition.SUSPECTED)
    assert payload.count(".") == 5 and payload.isascii()
    result = verify_payload(payload, keys.public_key)
    assert result.ok and result.station_id == "东院.预检 1" and result.disposition is Disposition.SUSPECTED


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "unsupported"),
        ("https://example.com/", "unsupported"),
        ("FD2.A.B.1.F.xx", "unsupported"),
        ("FD1.A.B.1.F", "malformed"),
        ("FD1.A.B.notatime.F.AAAA", "malformed"),
        ("FD1.A.B.1.X.AAAA", "malformed"),
        ("FD1.A.B.1.F.!!!!", "malformed"),
        ("FD1.张.B.1.F.AAAA", "malformed"),
    ],
)
def test_unreadable_text_is_refused_with_a_reason(tmp_path: Path, text: str, reason: str) -> None:
    result = verify_payload(text, load_or_create_keys(tmp_path).public_key)
    assert not result.ok and result.reason == reason
    assert result.message("zh_CN") and result.message("en")


def test_a_bad_slip_number_cannot_be_signed(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        sign_payload(load_or_create_keys(tmp_path), "A.B", "s", WHEN, Disposition.ROUTINE)


def test_an_empty_key_file_from_a_power_cut_is_replaced(tmp_path: Path) -> None:
    (tmp_path / PRIVATE_KEY_FILE).write_bytes(b"")
    keys = load_or_create_keys(tmp_path)
    assert (tmp_path / PRIVATE_KEY_FILE).stat().st_size > 0
    assert load_public_key(tmp_path).public_bytes_raw() == keys.public_key.public_bytes_raw()
