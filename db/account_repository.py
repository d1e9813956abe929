"""``SqlAccountRepository``: operators, their argon2id password hashes, and the wrong-password backoff.

Logging in verifies the hash (~50–150 ms of deliberate work) *outside* any transaction, so a login never
holds the database while it computes; the failure counter is then bumped with ``failed_count + 1`` in SQL,
so two desks failing at once both count.  While ``locked_until`` lies ahead the password is not checked
at all: the answer is "wait", which gives a guesser no information and costs the desk no CPU.
Call these from the database worker, never from the GUI thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from db.models_accounts import OPERATOR
from db.transactions import joined
from fever_desk.accounts import (
    LoginOutcome,
    LoginStatus,
    Operator,
    Role,
    backoff_seconds,
    hash_password,
    needs_rehash,
    password_problems,
    seconds_left,
    verify_password,
)
from fever_desk.problems import Problem


class AccountProblem(Problem, ValueError):
    """A refused change; raised with its template (the password rules, a taken name …) and values."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _operator(row: Any) -> Operator:
    m = row._mapping
    return Operator(
        id=m["id"],
        username=m["username"],
        display_name=m["display_name"],
        role=Role(m["role"]),
        must_change=bool(m["must_change"]),
        disabled=bool(m["disabled"]),
    )


def _check_password(password: str, username: str) -> None:
    problems = password_problems(password, username)
    if problems:
        raise AccountProblem(problems[0])


class SqlAccountRepository:
    def __init__(
        self, session_factory: Callable[[], Session], clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self._sessions = session_factory
        self._clock = clock

    # ---- reading --------------------------------------------------------------------------------------
    def has_users(self) -> bool:
        with self._sessions() as session:
            return session.execute(select(func.count()).select_from(OPERATOR)).scalar_one() > 0

    def get(self, username: str) -> Operator | None:
        with self._sessions() as session:
            row = session.execute(select(OPERATOR).where(OPERATOR.c.username == username)).first()
        return _operator(row) if row else None

    def operators(self) -> list[Operator]:
        with self._sessions() as session:
            rows = session.execute(select(OPERATOR).order_by(OPERATOR.c.username)).all()
        return [_operator(row) for row in rows]

    # ---- changing -------------------------------------------------------------------------------------
    def add(
        self,
        username: str,
        password: str,
        role: Role | str,
        display_name: str = "",
        *,
        must_change: bool = True,
        session: Session | None = None,
    ) -> Operator:
        """A new operator; by default they choose their own password at first login."""
        username = username.strip()
        if not username or len(username) > 64:
            raise AccountProblem("A user name needs 1 to 64 characters.")
        _check_password(password, username)
        values = {
            "id": uuid.uuid4(),
            "username": username,
            "display_name": display_name.strip() or username,
            "role": Role(role).value,
            "password_hash": hash_password(password),
            "must_change": must_change,
            "disabled": False,
            "failed_count": 0,
            "locked_until": None,
            "created_at": self._clock(),
        }
        if session is None:
            with self._sessions() as own, own.begin():
                self._insert(own, values)
        else:
            self._insert(session, values)
        return _operator_from(values)

    def _insert(self, session: Session, values: dict[str, Any]) -> None:
        taken = session.execute(select(OPERATOR.c.id).where(OPERATOR.c.username == values["username"]))
        if taken.first() is not None:
            raise AccountProblem("The user name {username} is taken.", username=values["username"])
        session.execute(insert(OPERATOR).values(**values))

    def create_first_admin(
        self, username: str, password: str, display_name: str = "", *, session: Session | None = None
    ) -> Operator:
        """The administrator of a new station; refused once any operator exists (checked in the same
        transaction, so two windows racing through the first run cannot both create one)."""
        with joined(self._sessions, session) as session:
            # Write first (a no-op) so SQLite takes its write lock before the emptiness check.
            session.execute(update(OPERATOR).where(OPERATOR.c.id.is_(None)).values(failed_count=0))
            if session.execute(select(func.count()).select_from(OPERATOR)).scalar_one():
                raise AccountProblem("The station already has users; log in instead.")
            return self.add(
                username, password, Role.ADMINISTRATOR, display_name, must_change=False, session=session
            )

    def set_disabled(self, username: str, disabled: bool = True, *, session: Session | None = None) -> None:
        with joined(self._sessions, session) as session:
            if disabled and self._would_leave_no_admin(session, username):
                raise AccountProblem("The last active administrator cannot be disabled.")
            changed = session.execute(
                update(OPERATOR).where(OPERATOR.c.username == username).values(disabled=disabled)
            ).rowcount
        if not changed:
            raise AccountProblem("No user {username}.", username=username)

    def _would_leave_no_admin(self, session: Session, username: str) -> bool:
        c = OPERATOR.c
        admins = session.execute(
            select(c.username).where(c.role == Role.ADMINISTRATOR.value, c.disabled.is_(False))
        ).scalars()
        return set(admins) == {username}

    def reset_password(self, username: str, temporary: str, *, session: Session | None = None) -> None:
        """An administrator's reset: the user must choose a new password at the next login; the
        backoff is cleared so a locked-out nurse can log in at once."""
        _check_password(temporary, username)
        self._store_password(username, hash_password(temporary), must_change=True, session=session)

    def change_password(
        self, username: str, current: str, new: str, *, session: Session | None = None
    ) -> None:
        """The user's own change (also the forced one after a reset): needs the current password."""
        with joined(self._sessions, session) as reading:
            row = reading.execute(
                select(OPERATOR.c.password_hash).where(OPERATOR.c.username == username)
            ).first()
        if row is None or not verify_password(row[0], current):
            raise AccountProblem("The current password is wrong.")
        _check_password(new, username)
        if verify_password(row[0], new):
            raise AccountProblem("The new password must differ from the current one.")
        self._store_password(username, hash_password(new), must_change=False, session=session)

    def _store_password(
        self, username: str, password_hash: str, *, must_change: bool, session: Session | None = None
    ) -> None:
        with joined(self._sessions, session) as session:
            changed = session.execute(
                update(OPERATOR)
                .where(OPERATOR.c.username == username)
                .values(
                    password_hash=password_hash, must_change=must_change, failed_count=0, locked_until=None
                )
            ).rowcount
        if not changed:
            raise AccountProblem("No user {username}.", username=username)

    # ---- logging in -----------------------------------------------------------------------------------
    def authenticate(self, username: str, password: str, *, session: Session | None = None) -> LoginOutcome:
        """Check a password.  ``session``: the caller's unit of work, in which a successful login's reset
        of the failure count is written, so it commits with the login's audit entry.  A failure's count
        is committed at once, on its own (a refused attempt must count even if nothing else happens)."""
        c = OPERATOR.c
        with self._sessions() as reading:
            row = reading.execute(select(OPERATOR).where(c.username == username.strip())).first()
        now = self._clock()
        if row is not None:
            wait = seconds_left(row.locked_until.timestamp() if row.locked_until else None, now.timestamp())
            if wait:
                return LoginOutcome(LoginStatus.WAIT, retry_after_s=wait)
        if not verify_password(row.password_hash if row else None, password):
            if row is None:
                return LoginOutcome(LoginStatus.WRONG)
            return LoginOutcome(LoginStatus.WRONG, retry_after_s=self._count_failure(row.id, now))
        values: dict[str, Any] = {"failed_count": 0, "locked_until": None}
        if needs_rehash(row.password_hash):
            values["password_hash"] = hash_password(password)
        reset = update(OPERATOR).where(c.id == row.id).values(**values)
        if session is not None:
            session.execute(reset)
        else:
            with self._sessions() as own, own.begin():
                own.execute(reset)
        operator = _operator(row)
        if operator.disabled:
            return LoginOutcome(LoginStatus.DISABLED)
        return LoginOutcome(LoginStatus.OK, operator)

    def _count_failure(self, operator_id: uuid.UUID, now: datetime) -> int:
        c = OPERATOR.c
        with self._sessions() as session, session.begin():
            session.execute(
                update(OPERATOR).where(c.id == operator_id).values(failed_count=c.failed_count + 1)
            )
            count = session.execute(select(c.failed_count).where(c.id == operator_id)).scalar_one()
            delay = backoff_seconds(count)
            if delay:
                session.execute(
                    update(OPERATOR)
                    .where(c.id == operator_id)
                    .values(locked_until=now + timedelta(seconds=delay))
                )
        return delay


def _operator_from(values: dict[str, Any]) -> Operator:
    return Operator(
        id=values["id"],
        username=values["username"],
        display_name=values["display_name"],
        role=Role(values["role"]),
        must_change=values["must_change"],
        disabled=values["disabled"],
    )
