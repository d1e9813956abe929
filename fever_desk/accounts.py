"""Operators of the desk: roles, the password policy, the wrong-password backoff and the idle lock.

Everything here is pure policy so it can be tested table-driven and reused by the window and the command
line alike; the database keeps the state (``db.account_repository``) and the window keeps the clock.
Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher``, whose defaults follow RFC 9106's
low-memory profile); argon2 is imported lazily so that the core still imports on a machine without it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import uuid

    from argon2 import PasswordHasher

MIN_PASSWORD_LENGTH = 8
# The first few mistakes are typos and cost nothing; after that each wrong try doubles the wait.
FREE_TRIES = 3
FIRST_DELAY_S = 2
MAX_DELAY_S = 15 * 60


class Role(StrEnum):
    NURSE = "nurse"
    PHARMACIST = "pharmacist"
    ADMINISTRATOR = "administrator"
    DOCTOR = "doctor"  # releases people from observation or marks them lost (fever_desk.privacy)


ROLE_LABELS: dict[Role, str] = {  # English source strings; translate with tr() where shown
    Role.NURSE: "Nurse",
    Role.PHARMACIST: "Pharmacist",
    Role.ADMINISTRATOR: "Administrator",
    Role.DOCTOR: "Doctor",
}


@dataclass(frozen=True)
class Operator:
    """Who is at the desk: what the window, the audit trail and the permission checks need."""

    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    must_change: bool = False
    disabled: bool = False


class LoginStatus(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown user or wrong password: deliberately not told apart
    WAIT = "wait"  # still inside the backoff window; the password was not even checked
    DISABLED = "disabled"


@dataclass(frozen=True)
class LoginOutcome:
    status: LoginStatus
    operator: Operator | None = None
    retry_after_s: int = 0


def password_problems(password: str, username: str = "") -> list[str]:
    """English source strings (for ``tr``) naming what is wrong with a new password; empty when fine.

    Deliberately short: length and "not only digits" stop a date of birth or a phone tail, which is what
    a busy counter would otherwise choose; longer rule lists only produce passwords on sticky notes.
    """
    problems: list[str] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append("A password needs at least 8 characters.")
    if password.isdigit():
        problems.append("A password must not be only digits.")
    if username and password.strip().casefold() == username.strip().casefold():
        problems.append("A password must not be the user name.")
    return problems


def backoff_seconds(failed_count: int) -> int:
    """How long a user must wait after ``failed_count`` consecutive wrong passwords.

    0 for the first ``FREE_TRIES - 1`` mistakes, then 2, 4, 8 … seconds, capped at 15 minutes: an online
    guesser gets a few dozen tries a day, a nurse who mistyped three times waits two seconds.
    """
    if failed_count < FREE_TRIES:
        return 0
    exponent = min(failed_count - FREE_TRIES, 20)
    return min(FIRST_DELAY_S * 2**exponent, MAX_DELAY_S)


def seconds_left(locked_until: float | None, now: float) -> int:
    """Whole seconds still to wait (rounded up so the dialog never says "0 s" while still refusing)."""
    if locked_until is None or locked_until <= now:
        return 0
    return math.ceil(locked_until - now)


def should_lock(last_activity: float, now: float, idle_minutes: int) -> bool:
    """The idle lock: true once nothing was typed or clicked for ``idle_minutes``; 0 or less disables."""
    if idle_minutes <= 0:
        return False
    return now - last_activity >= idle_minutes * 60


# ---- argon2id -------------------------------------------------------------------------------------------
@cache
def hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, RFC 9106 low-memory parameters


@cache
def _dummy_hash() -> str:
    return hasher().hash("not a real password")


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; an unknown user (``None``) still costs one verify, so the time a
    login takes does not tell whether the user name exists."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher().verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """After a library upgrade raises the parameters, a successful login stores a stronger hash."""
    return hasher().check_needs_rehash(stored_hash)
