"""Every desk operation, called directly (no Qt) on the station's own worker context
(``ui.services.database.Database``), on SQLite and on PostgreSQL: its write and its audit entry appear
together, naming the same operator, or not at all.  "Not at all" is shown by making the trail refuse the entry
*after* it was appended in the operation's transaction: the write must be gone too (with separate transactions
it stayed).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from fever_desk.accounts import LoginStatus, Role
from fever_desk.settings import Settings
from tests.db.conftest import database_url, db_path, engine_name, pg_cluster  # noqa: F401 - fixtures
from tests.db.factories import make_screening
from tests.fever_desk import pharmacy_cases
from ui.services import admin
from ui.services import pharmacy as pharmacy_operations
from ui.services import reports as report_operations
from ui.services import screening as operations
from ui.services import slips as slip_service
from ui.services.audit_hooks import set_actor
from ui.services.database import Database

PASSWORD = "correct horse"
Case = Callable[[Any, Path], tuple[Callable[[], object], Callable[[], bool], str]]


@pytest.fixture
def ctx(database_url: str) -> Iterator[Database]:  # noqa: F811 - the imported fixture
    context = Database(database_url)
    set_actor(context, "nurse.li", "desk-1")
    yield context
    context.close()


def _saved(ctx: Any, **changes: Any) -> Any:
    screening = make_screening(**changes)
    return operations.save_screening(ctx, screening).screening


def _now() -> datetime:
    return datetime.now(UTC)


# Each case prepares what it needs and returns (the operation, "is its write there?", its audit action).
def save_screening(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    screening = make_screening()
    return (
        lambda: operations.save_screening(ctx, screening),
        lambda: ctx.screenings.get(screening.id) is not None,
        "create",
    )


def correct_screening(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    saved = _saved(ctx)
    changed = replace(saved, note="age misheard")
    return (
        lambda: operations.correct_screening(ctx, changed, "", "age misheard"),
        lambda: ctx.screenings.get(saved.id).version == 2 and len(ctx.screenings.revisions(saved.id)) == 1,
        "correct",
    )


def save_purchase(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    purchase = pharmacy_cases.purchase(at=_now())
    return (
        lambda: pharmacy_operations.save_purchase(ctx, purchase, 3, frozenset()),
        lambda: ctx.purchases.get(purchase.id) is not None,
        "create",
    )


def export_register(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    pharmacy_operations.save_purchase(ctx, pharmacy_cases.purchase(at=_now()), 3, frozenset())
    today, path = datetime.now().date(), tmp / "register.csv"
    return (
        lambda: pharmacy_operations.export_register(ctx, today, today, path, "城关镇同心大药房"),
        path.exists,
        "export",
    )


def refer_to_clinic(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    screening = make_screening()
    return (
        lambda: pharmacy_operations.refer_to_clinic(ctx, screening, uuid.uuid4()),
        lambda: ctx.screenings.get(screening.id) is not None,
        "create",
    )


STATION = report_operations.ReportingStation("desk-1", "预检分诊台", "城关镇卫生院", "", time(16, 0))


def generate_report(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    day = datetime.now().date()
    return (
        lambda: report_operations.generate_report(ctx, STATION, day),
        lambda: ctx.reports.latest("desk-1", day) is not None,
        "report",
    )


def export_report(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    day, path = datetime.now().date(), tmp / "日报告.csv"
    return (
        lambda: report_operations.export_report(ctx, STATION, day, path),
        lambda: path.exists() and ctx.reports.latest("desk-1", day) is not None,
        "export",
    )


def record_followup(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    saved = _saved(ctx)
    return (
        lambda: report_operations.record_followup(ctx, saved.id, "confirmed"),
        lambda: len(ctx.reports.followups(saved.id)) == 1,
        "followup",
    )


def print_slip(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    saved = _saved(ctx)
    content = SimpleNamespace(issued_at=_now())
    archived = SimpleNamespace(
        screening=saved,
        slip_number="9C3A-200207-4F1B2C",
        slip=SimpleNamespace(layout="80mm", content=content),
        archive_path=tmp / "slip.pdf",
    )
    settings = Settings(station_id="desk-1")
    return (
        lambda: slip_service.record(ctx, archived, settings, printer="XP-80"),  # type: ignore[arg-type]
        lambda: ctx.slip_prints.count(saved.id) == 1,
        "print",
    )


def add_user(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    return (
        lambda: admin.add_user(ctx, "wang", PASSWORD, Role.NURSE, "王护士"),
        lambda: ctx.accounts.get("wang") is not None,
        "user_add",
    )


def disable_user(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    ctx.accounts.add("wang", PASSWORD, Role.NURSE, must_change=False)
    return (
        lambda: admin.set_user_disabled(ctx, "wang", True),
        lambda: ctx.accounts.get("wang").disabled,
        "user_disable",
    )


def reset_password(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    ctx.accounts.add("wang", PASSWORD, Role.NURSE, must_change=False)
    return (
        lambda: admin.reset_user_password(ctx, "wang", "temporary-1"),
        lambda: ctx.accounts.get("wang").must_change,
        "password_reset",
    )


def change_password(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    ctx.accounts.add("wang", PASSWORD, Role.NURSE, must_change=False)
    return (
        lambda: admin.change_own_password(ctx, "wang", PASSWORD, "my own secret"),
        lambda: ctx.accounts.authenticate("wang", "my own secret").status == LoginStatus.OK,
        "password_change",
    )


def first_admin(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    return (
        lambda: admin.create_first_admin(ctx, "admin", PASSWORD, "管理员", "desk-1"),
        ctx.accounts.has_users,
        "user_add",
    )


def purge(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    old = ctx.screenings.add(make_screening(created_at=_now() - timedelta(days=400)))
    return (
        lambda: admin.purge_older_than(ctx, _now() - timedelta(days=180), 180),
        lambda: ctx.screenings.get(old.id) is None,
        "purge",
    )


def _failed_count(ctx: Any, username: str) -> int:
    from sqlalchemy import select

    from db.models_accounts import OPERATOR

    with ctx.handle.session_factory() as session:
        query = select(OPERATOR.c.failed_count).where(OPERATOR.c.username == username)
        return int(session.execute(query).scalar_one())


def log_in(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    """A login resets the count of failed attempts: that write and the login's entry commit together."""
    ctx.accounts.add("wang", PASSWORD, Role.NURSE, must_change=False)
    ctx.accounts.authenticate("wang", "not the password")
    assert _failed_count(ctx, "wang") == 1
    return (
        lambda: admin.log_in(ctx, "wang", PASSWORD, "desk-1"),
        lambda: _failed_count(ctx, "wang") == 0,
        "login",
    )


def reveal_full_id(ctx: Any, tmp: Path) -> tuple[Callable[[], object], Callable[[], bool], str]:
    """An action whose only write is its entry (a full ID shown) is a unit of work of its own too."""
    from ui.services.audit_hooks import record

    return (
        lambda: record(ctx, "view_full_id", "screening", "a-record"),
        lambda: bool(ctx.audit.entries(action="view_full_id")),
        "view_full_id",
    )


CASES: list[Case] = [
    save_screening,
    correct_screening,
    save_purchase,
    export_register,
    refer_to_clinic,
    generate_report,
    export_report,
    record_followup,
    print_slip,
    add_user,
    disable_user,
    reset_password,
    change_password,
    first_admin,
    purge,
    log_in,
    reveal_full_id,
]


class RefusingTrail:
    """The real audit repository, except that it raises right after appending in the caller's session:
    the entry existed inside the transaction, so only rolling the whole unit back removes both."""

    def __init__(self, real: Any, error: Exception) -> None:
        self.real, self.error = real, error

    def append(self, draft: Any, *, session: Any = None) -> Any:
        self.real.append(draft, session=session)
        raise self.error

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def _entries(ctx: Any, action: str) -> list[Any]:
    return ctx.audit.entries(action=action)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_the_write_and_its_audit_entry_commit_together(case: Case, ctx: Any, tmp_path: Path) -> None:
    act, written, action = case(ctx, tmp_path)
    before = len(_entries(ctx, action))
    assert not written()
    act()
    assert written()
    entries = _entries(ctx, action)
    assert len(entries) == before + 1
    assert entries[0].operator == ctx.actor.operator and entries[0].station_id == "desk-1"
    assert ctx.audit.verify() is None


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_when_the_audit_entry_fails_the_write_is_undone(case: Case, ctx: Any, tmp_path: Path) -> None:
    act, written, _action = case(ctx, tmp_path)
    sequence_before = ctx.audit.head()
    real = ctx.audit
    ctx.audit = RefusingTrail(real, RuntimeError("the trail refused"))
    with pytest.raises(RuntimeError, match="the trail refused"):
        act()
    ctx.audit = real
    assert not written()
    assert ctx.audit.head() == sequence_before
    assert ctx.audit.verify() is None


def test_records_name_the_logged_in_operator_as_their_entries_do(ctx: Any) -> None:
    set_actor(ctx, "nurse.wang", "desk-1")
    # What the form carried (an old settings name) does not override who is logged in.
    saved = operations.save_screening(ctx, replace(make_screening(), operator="王护士")).screening
    purchase = pharmacy_operations.save_purchase(ctx, pharmacy_cases.purchase(at=_now()), 3, frozenset())
    followup = report_operations.record_followup(ctx, saved.id, "excluded", "someone else").followup
    assert saved.operator == purchase.saved.operator == followup.recorded_by == "nurse.wang"
    assert {e.operator for e in ctx.audit.entries()} == {"nurse.wang"}


def test_a_save_that_loses_the_server_inside_its_unit_is_kept_in_the_outbox(
    pg_cluster: Any,  # noqa: F811 - the imported fixture; the outbox is the shared server's
) -> None:
    url = pg_cluster.fresh_database()
    ctx = Database(url)
    set_actor(ctx, "nurse.li", "desk-1")
    try:
        _lose_the_server_at_the_audit_entry(ctx)
    finally:
        ctx.close()
        pg_cluster.drop_database(url)


def _lose_the_server_at_the_audit_entry(ctx: Any) -> None:
    screening = make_screening()
    lost = OperationalError("INSERT INTO audit_log", {}, ConnectionError("server closed the connection"))
    real = ctx.audit
    ctx.audit = RefusingTrail(real, lost)
    result = operations.save_screening(ctx, screening)
    ctx.audit = real
    # A save that was kept is a save: no error, flagged as waiting on this counter.
    assert result.queued and result.screening.id == screening.id
    assert screening.id in ctx.screenings.pending_ids()  # not lost: it is sent when the server is back
    entries_before = len(ctx.audit.for_record("screening", str(screening.id)))
    ctx.store.replay()
    assert ctx.screenings.pending_ids() == set()
    assert ctx.screenings.primary.get(screening.id) is not None
    # Its entry travelled with it and was appended with it, once.
    assert len(ctx.audit.for_record("screening", str(screening.id))) == entries_before + 1 == 1
    assert ctx.audit.verify() is None
    # Saving the same form again (a second Enter) neither doubles the record nor its entry.
    again = operations.save_screening(ctx, screening)
    assert not again.queued and again.screening.id == screening.id
    assert len(ctx.audit.for_record("screening", str(screening.id))) == 1


def test_saving_the_same_form_twice_is_one_record_with_one_entry(ctx: Any) -> None:
    """The form fixes the record's id when it is filled: a second Enter, or a retry after an unclear
    error, returns the stored record and writes neither a second row nor a second entry."""
    screening = make_screening()
    first = operations.save_screening(ctx, screening)
    again = operations.save_screening(ctx, screening)
    assert again.screening == first.screening and not again.queued
    assert len(ctx.audit.for_record("screening", str(screening.id))) == 1
    purchase = pharmacy_cases.purchase(at=_now())
    bought = pharmacy_operations.save_purchase(ctx, purchase, 3, frozenset())
    twice = pharmacy_operations.save_purchase(ctx, purchase, 3, frozenset())
    assert twice.saved is not None and bought.saved is not None and twice.saved.id == bought.saved.id
    assert twice.repeats == []  # its own earlier save is not a "repeat purchase"
    assert len(ctx.audit.for_record("purchase", str(purchase.id))) == 1


def test_a_correction_that_loses_the_server_at_its_entry_is_kept_not_reported_failed(
    pg_cluster: Any,  # noqa: F811 - the imported fixture; the outbox is the shared server's
) -> None:
    """The 8-counter fault test once saw a correction answered "not saved" when the server went away
    between the correction and its audit entry: online corrections were not noted on the unit, so
    the unit had nothing to keep.  Now the nurse is told it is kept, and it arrives once."""
    url = pg_cluster.fresh_database()
    ctx = Database(url)
    set_actor(ctx, "nurse.li", "desk-1")
    try:
        saved = operations.save_screening(ctx, make_screening()).screening
        lost = OperationalError("UPDATE audit_head", {}, ConnectionError("server closed the connection"))
        real = ctx.audit
        ctx.audit = RefusingTrail(real, lost)
        changed = replace(saved, note="corrected while the server went away")
        result = operations.correct_screening(ctx, changed, "nurse.li", "typo")
        ctx.audit = real
        assert result.queued and result.screening.note == changed.note
        ctx.store.replay()
        ctx.store.replay()  # a replay after a crash applies it once
        stored = ctx.screenings.primary.get(saved.id)
        assert stored is not None and stored.note == changed.note and stored.version == saved.version + 1
        assert len(ctx.screenings.primary.revisions(saved.id)) == 1
        assert len(ctx.audit.for_record("screening", str(saved.id))) == 2  # create + correct, once each
        assert ctx.audit.verify() is None
    finally:
        ctx.close()
        pg_cluster.drop_database(url)
