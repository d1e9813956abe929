"""Roles and permissions, the password policy, the backoff schedule and the idle-lock policy (pure)."""

from __future__ import annotations

import pytest

from fever_desk.accounts import (
    ROLE_LABELS,
    Role,
    backoff_seconds,
    hash_password,
    password_problems,
    seconds_left,
    should_lock,
    verify_password,
)
from fever_desk.audit import BrokenLink
from fever_desk.i18n import catalogue
from fever_desk.privacy import MATRIX, Permission, PermissionDenied, Permissions

P = Permission
# Every (role, permission) pair, spelled out: a change to the matrix must change this table too.
EXPECTED = {
    Role.NURSE: {P.SCREEN: 1, P.PHARMACY: 0, P.VIEW_FULL_ID: 1, P.EXPORT: 0, P.REPORT: 1, P.PURGE: 0,
                 P.MANAGE_USERS: 0, P.BROWSE_AUDIT: 0, P.CONFIGURE: 0,
                 P.OBSERVE: 1, P.RELEASE_OBSERVATION: 0},
    Role.PHARMACIST: {P.SCREEN: 0, P.PHARMACY: 1, P.VIEW_FULL_ID: 1, P.EXPORT: 1, P.REPORT: 1, P.PURGE: 0,
                      P.MANAGE_USERS: 0, P.BROWSE_AUDIT: 0, P.CONFIGURE: 0,
                      P.OBSERVE: 1, P.RELEASE_OBSERVATION: 0},
    Role.DOCTOR: {P.SCREEN: 1, P.PHARMACY: 0, P.VIEW_FULL_ID: 1, P.EXPORT: 1, P.REPORT: 1, P.PURGE: 0,
                  P.MANAGE_USERS: 0, P.BROWSE_AUDIT: 0, P.CONFIGURE: 0,
                  P.OBSERVE: 1, P.RELEASE_OBSERVATION: 1},
    Role.ADMINISTRATOR: dict.fromkeys(Permission, 1),
}  # fmt: skip


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [(role, perm, bool(flag)) for role, row in EXPECTED.items() for perm, flag in row.items()],
)
def test_each_role_may_do_exactly_what_the_matrix_says(role, permission, allowed) -> None:
    permissions = Permissions.for_role(role.value)
    assert permissions.allows(permission) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied):
            permissions.require(permission)


def test_every_role_is_in_the_matrix() -> None:
    assert set(MATRIX) == set(Role) == set(EXPECTED)


def test_ids_and_phones_are_masked_unless_revealed_by_an_allowed_role() -> None:
    nurse = Permissions.for_role(Role.NURSE)
    assert nurse.shown_id("430102199003074512") == "4301**********4512"
    assert nurse.shown_id("430102199003074512", revealed=True) == "430102199003074512"
    assert nurse.shown_phone("13812345678") == "138****5678"
    assert nurse.shown_id("") == ""
    no_reveal = Permissions(Role.NURSE, frozenset())
    assert no_reveal.shown_id("430102199003074512", revealed=True) == "4301**********4512"


@pytest.mark.parametrize(
    ("password", "problems"),
    [
        ("short1", 1),
        ("12345678", 1),
        ("1234567", 2),
        ("nurse-li", 1),  # the user name
        ("correct horse", 0),
        ("药房值班2020", 0),
    ],
)
def test_password_policy(password, problems) -> None:
    assert len(password_problems(password, "Nurse-Li")) == problems


def test_backoff_is_free_at_first_then_doubles_up_to_a_cap() -> None:
    assert [backoff_seconds(n) for n in range(0, 8)] == [0, 0, 0, 2, 4, 8, 16, 32]
    assert backoff_seconds(50) == backoff_seconds(500) == 15 * 60


def test_seconds_left_rounds_up() -> None:
    assert seconds_left(None, 100.0) == 0
    assert seconds_left(100.0, 100.0) == 0
    assert seconds_left(102.1, 100.0) == 3


def test_idle_lock_policy() -> None:
    assert not should_lock(0.0, 599.0, 10)
    assert should_lock(0.0, 600.0, 10)
    assert not should_lock(0.0, 10_000.0, 0)  # 0 minutes: never lock


def test_argon2id_hash_and_verify() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse")
    assert not verify_password(stored, "wrong horse")
    assert not verify_password(None, "anything")  # unknown user: still a full verify, still False
    assert not verify_password("not a hash", "anything")


def test_messages_built_at_run_time_have_chinese_entries() -> None:
    zh = catalogue("zh_CN")
    dynamic = [*ROLE_LABELS.values(), *password_problems("1234", "1234")]
    dynamic += [BrokenLink(1, None, reason).message for reason in ("edited", "gap", "truncated")]
    dynamic += ["Time", "User", "Station", "Action", "Record", "Detail"]
    dynamic += ["Operator {username} added.", "Operator {username} disabled.", "Operator {username} enabled."]
    assert [text for text in dynamic if text not in zh] == []


def test_account_problems_have_chinese_entries() -> None:
    import ast
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "db" / "account_repository.py"
    templates = [
        node.args[0].value
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "AccountProblem"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]
    assert templates and [t for t in templates if t not in catalogue("zh_CN")] == []
