"""``fever-desk key export`` and ``fever-desk key import``: the database key on paper or a USB stick.

The database, the outbox and every backup are encrypted with the station's key (``db.cipher``), kept by
the operating system's keyring or a 0600 file (``db.crypt_key``).  A PC that dies takes the key with it,
and a backup without its key is useless: IT writes the key down (or copies it to a USB stick kept apart
from the backups) once, and types it in on the new PC before restoring.  The key is shown as 64
hexadecimal digits in groups of eight, easy to read out and to type back; import ignores the spaces.
No Qt here.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from fever_desk.i18n import tr


def add_key_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``key export`` and ``key import`` on the ``fever-desk`` command's subparsers."""
    key = subparsers.add_parser("key", help=tr("export or import the database key (for a new PC)"))
    ksub = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    export = ksub.add_parser("export", help=tr("show the database key, or write it to a file"))
    export.add_argument("--out", metavar="FILE", help=tr("write the key to FILE (0600) instead"))
    export.set_defaults(func=cmd_key_export)
    load = ksub.add_parser("import", help=tr("keep a key exported on another PC as this station's key"))
    load.add_argument("file", nargs="?", metavar="FILE", help=tr("the exported key; without it, type it"))
    load.add_argument(
        "--force", action="store_true", help=tr("even if the current database does not open with it")
    )
    load.set_defaults(func=cmd_key_import)


def grouped(key: bytes) -> str:
    text = key.hex()
    return " ".join(text[i : i + 8] for i in range(0, len(text), 8))


def cmd_key_export(args: argparse.Namespace) -> int:
    from db.crypt_key import KeyStore

    store = KeyStore()
    key = store.load()
    if key is None:
        print(tr("This station has no database key yet (it is made when the database is created)."))
        return 1
    if args.out:
        out = Path(args.out).expanduser()
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(grouped(key) + "\n")
        print(tr("The database key was written to {path}. Keep it apart from the backups.", path=str(out)))
        return 0
    print(grouped(key))
    print(
        tr("Write this key on paper and keep it locked away, apart from the backups."),
        file=sys.stderr,
    )
    return 0


def _current_database_refuses(key: bytes, args: argparse.Namespace) -> str | None:
    """The current SQLite database's path when it is encrypted and ``key`` does not open it."""
    from db.cipher import DRIVER_ERRORS, connect, is_new, is_plain
    from db.engine import database_url_from, sqlite_path
    from db.migrate import DatabaseProblem

    path = sqlite_path(database_url_from(args.db))
    if path is None or is_new(path) or is_plain(path):
        return None
    try:
        connect(path, key, read_only=True).close()
    except (DatabaseProblem, *DRIVER_ERRORS):
        return str(path)
    return None


def cmd_key_import(args: argparse.Namespace) -> int:
    from db.crypt_key import KeyFormatError, KeyStore, parse_key

    try:
        if args.file:
            text = Path(args.file).expanduser().read_text(encoding="ascii", errors="replace")
        else:
            print(tr("Type the 64-digit key (spaces allowed), then Enter:"), file=sys.stderr)
            text = sys.stdin.readline()
        key = parse_key(text)
    except KeyFormatError:
        print(tr("That is not a database key: it must be 64 hexadecimal digits (0-9, a-f)."), file=sys.stderr)
        return 2
    refused = _current_database_refuses(key, args)
    if refused and not args.force:
        print(
            tr(
                "The database {path} does not open with that key, so the key was not changed. Move the "
                "database aside (or add --force) and restore the backup after importing.",
                path=refused,
            ),
            file=sys.stderr,
        )
        return 2
    store = KeyStore()
    store.store(key)
    print(tr("The database key is now kept in {place}.", place=store.place().describe()))
    return 0
