"""``fever-desk user …``, ``fever-desk audit verify`` and ``fever-desk purge``: accounts and privacy
from a console, for clinic IT over SSH.  No Qt here.

Every change made here is written to the audit trail as ``cli:<system user>`` so that work done behind
the desk's back is as visible as work done at it.  ``purge`` is a dry run unless ``--yes`` is given:
deleting patients' records is the one command that must show what it would do first.  The dry run
(also ``--dry-run``) lists the files that go with the records: archived slips and the exports written
under the data folder.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime, timedelta
from typing import Any

from fever_desk.accounts import ROLE_LABELS, Role
from fever_desk.i18n import tr
from fever_desk.problems import Problem
from ui.cli.common import open_context
from ui.cli.failures import OPENS_DATABASE
from ui.services import admin


def add_user_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``user``, ``audit`` and ``purge`` on the ``fever-desk`` command's subparsers."""
    user = subparsers.add_parser("user", help=tr("add, list, disable operators or reset a password"))
    usub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = usub.add_parser("add", help=tr("add an operator (asks for the password twice)"))
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--name", default="", help=tr("full name shown at the desk"))
    add.add_argument(
        "--password-stdin", action="store_true", help=tr("read the password from standard input")
    )
    add.set_defaults(func=cmd_user_add, database=OPENS_DATABASE)
    usub.add_parser("list", help=tr("list operators")).set_defaults(
        func=cmd_user_list, database=OPENS_DATABASE
    )
    for name, helptext, flag in (
        ("disable", tr("stop an operator from logging in"), True),
        ("enable", tr("allow a disabled operator to log in again"), False),
    ):
        action = usub.add_parser(name, help=helptext)
        action.add_argument("username")
        action.set_defaults(func=cmd_user_disable, disabled=flag, database=OPENS_DATABASE)
    reset = usub.add_parser(
        "reset-password", help=tr("set a temporary password; the operator must change it at next login")
    )
    reset.add_argument("username")
    reset.add_argument(
        "--password-stdin", action="store_true", help=tr("read the password from standard input")
    )
    reset.set_defaults(func=cmd_user_reset, database=OPENS_DATABASE)

    audit = subparsers.add_parser("audit", help=tr("check the audit trail"))
    asub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = asub.add_parser("verify", help=tr("check that no audit entry was changed or deleted"))
    verify.add_argument(
        "--anchor",
        metavar="N:HASH",
        help=tr("an anchor printed by an earlier check and kept off this computer"),
    )
    verify.set_defaults(func=cmd_audit_verify, database=OPENS_DATABASE)

    purge = subparsers.add_parser("purge", help=tr("delete records past the retention period"))
    purge.add_argument("--older-than-days", type=int, metavar="N", help=tr("default: the settings"))
    how = purge.add_mutually_exclusive_group()
    how.add_argument("--yes", action="store_true", help=tr("really delete (without it: only count)"))
    how.add_argument(
        "--dry-run",
        action="store_true",
        help=tr("only count the records and list the files a purge would delete (the default)"),
    )
    purge.set_defaults(func=cmd_purge, database=OPENS_DATABASE)


def _open(args: argparse.Namespace) -> Any:
    from db import open_database
    from db.engine import database_url_from

    return open_database(database_url_from(args.db))


def _context(args: argparse.Namespace) -> Any:
    """The desk's own worker context, acting as ``cli:<system user>``: a change made here goes through
    the same operation (one transaction with its audit entry) as one made at the desk."""
    from ui.services.settings import load_station_settings

    return open_context(args, load_station_settings().station_id)


def _password(args: argparse.Namespace) -> str | None:
    """From stdin (one line) or asked twice without echo; None when the two differ."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(tr("Password: "))
    if getpass.getpass(tr("Password again: ")) != first:
        print(tr("The two passwords differ."), file=sys.stderr)
        return None
    return first


def _accounts(database: Any) -> Any:
    from db.account_repository import SqlAccountRepository

    return SqlAccountRepository(database.session_factory)


def _problem(exc: Exception) -> int:
    print(exc.localized() if isinstance(exc, Problem) else str(exc), file=sys.stderr)
    return 1


def cmd_user_add(args: argparse.Namespace) -> int:
    from db.account_repository import AccountProblem

    password = _password(args)
    if password is None:
        return 1
    context = _context(args)
    try:
        first = not context.accounts.has_users()
        # The first account (made here instead of at the desk) needs no forced change: IT chose it.
        operator = admin.add_user(
            context, args.username, password, args.role, args.name, must_change=not first
        )
    except AccountProblem as exc:
        return _problem(exc)
    finally:
        context.close()
    print(
        tr(
            "Operator {username} added ({role}).",
            username=operator.username,
            role=tr(ROLE_LABELS[operator.role]),
        )
    )
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    database = _open(args)
    try:
        operators = _accounts(database).operators()
    finally:
        database.close()
    for op in operators:
        state = (
            tr("disabled")
            if op.disabled
            else (tr("must change password") if op.must_change else tr("active"))
        )
        print(f"{op.username}\t{op.role.value}\t{state}\t{op.display_name}")
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    from db.account_repository import AccountProblem

    context = _context(args)
    try:
        admin.set_user_disabled(context, args.username, args.disabled)
    except AccountProblem as exc:
        return _problem(exc)
    finally:
        context.close()
    done = "Operator {username} disabled." if args.disabled else "Operator {username} enabled."
    print(tr(done, username=args.username))
    return 0


def cmd_user_reset(args: argparse.Namespace) -> int:
    from db.account_repository import AccountProblem

    password = _password(args)
    if password is None:
        return 1
    context = _context(args)
    try:
        admin.reset_user_password(context, args.username, password)
    except AccountProblem as exc:
        return _problem(exc)
    finally:
        context.close()
    print(tr("Password of {username} reset; it must be changed at the next login.", username=args.username))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Check the chain; with ``--anchor``, also that it still holds an entry recorded earlier.

    The chain alone proves that no entry was changed in place.  Someone able to bypass the database's
    guards could still cut the newest entries off (and move the head back) or rewrite the whole chain
    consistently; an anchor (sequence and hash) written down elsewhere, e.g. on the weekly backup's
    label, catches both, because every later hash depends on every earlier entry.
    """
    from db.audit_repository import SqlAuditRepository

    anchor = _anchor(args.anchor) if getattr(args, "anchor", None) else None
    database = _open(args)
    try:
        repository = SqlAuditRepository(database.session_factory)
        broken = repository.verify()
        count, last_hash = repository.head()
        anchored = repository.hash_at(anchor[0]) if anchor else None
    finally:
        database.close()
    if broken is not None:
        print(tr(broken.message, **broken.values()), file=sys.stderr)
        return 1
    if anchor is not None and anchored != anchor[1]:
        if anchored is None:
            problem = tr(
                "Entry {sequence} of the anchor is missing: the trail now ends at entry {count}; "
                "entries were removed.",
                sequence=anchor[0],
                count=count,
            )
        else:
            problem = tr(
                "Entry {sequence} no longer matches the anchor: the trail was rewritten up to it.",
                sequence=anchor[0],
            )
        print(problem, file=sys.stderr)
        return 1
    print(tr("The audit trail is intact ({count} entries).", count=count))
    print(tr("Anchor to keep off this computer (the next line):"))
    print(f"{count}:{last_hash}")
    return 0


def _anchor(text: str) -> tuple[int, str]:
    sequence, _, digest = text.strip().partition(":")
    if not sequence.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise SystemExit(tr("An anchor looks like 42:<64 hexadecimal digits>, as printed by audit verify."))
    return int(sequence), digest


def cmd_purge(args: argparse.Namespace) -> int:
    from ui.cli.progress import progress
    from ui.services.settings import load_station_settings
    from ui.services.slips import files_left_message

    days = (
        args.older_than_days if args.older_than_days is not None else load_station_settings().retention_days
    )
    if days < 1:
        print(tr("The retention period must be at least one day."), file=sys.stderr)
        return 2
    cutoff = datetime.now().astimezone() - timedelta(days=days)
    context = _context(args)
    files: list[str] = []
    try:
        if not args.yes:
            counts = admin.count_older_than(context, cutoff)
            files = admin.files_older_than(context, cutoff)
        else:

            def total() -> int:
                return sum(admin.count_older_than(context, cutoff).values())

            with progress(total, tr("Deleting old records"), tr("rows")) as bar:
                result = admin.purge_older_than(context, cutoff, days, progress=bar and bar.advance)
            counts, files_left = result.counts, result.files_left
    finally:
        context.close()
    for table, count in counts.items():
        print(f"{table}\t{count}")
    if args.yes:
        print(tr("Deleted the records created before {cutoff}.", cutoff=f"{cutoff:%Y-%m-%d %H:%M}"))
        print(tr("Files deleted: {count}", count=len(result.files_deleted)))
        if files_left:
            print(files_left_message(files_left), file=sys.stderr)
    else:
        print(tr("Files to delete (archived slips, exports in the data folder): {count}", count=len(files)))
        for path in files:
            print(f"  {path}")
        print(tr("Dry run: nothing was deleted. Add --yes to delete these records."))
    return 0
