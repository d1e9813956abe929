"""SQLCipher for the station's SQLite files: a copied file or a stolen PC gives no records away.

Every SQLite file the station writes — the database, the offline outbox, backups — is encrypted with
SQLCipher 4 (``sqlcipher3``, a fork of Python's ``sqlite3`` with the same API) under the station key of
``db.crypt_key``.  The key is given raw (``x'…'``, 32 bytes), so opening costs no key derivation.

Which files are opened how is decided by what is on disk, not by a setting, so nothing is ever opened
the wrong way: a file beginning with SQLite's plain header is plain, any other non-empty file is
encrypted and needs the key, and a new (missing or empty) file is encrypted unless
``FEVER_DESK_PLAIN_SQLITE=1`` (:data:`ENV_PLAIN`) asks for plain files — for tests and tools that read the
file with ``sqlite3``; PostgreSQL is not affected by any of this.  An existing plain database is
encrypted at start-up by :func:`encrypt_in_place`, which can be killed at any moment without losing a
record (see there).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from db.crypt_key import KeyStore
from db.location import sqlite_uri
from db.migrate import DatabaseProblem, DatabaseUnreadable

ENV_PLAIN = "FEVER_DESK_PLAIN_SQLITE"
SQLITE_MAGIC = b"SQLite format 3\x00"
#: what either driver raises
DRIVER_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher.Error)
ENCRYPTING, KEPT = ".encrypting", ".plain-kept"

log = logging.getLogger("fever_desk.cipher")


class DatabaseKeyMissing(DatabaseProblem):
    """Not a plain SQLite file, and no key to try: encrypted elsewhere, or not a database at all (an
    encrypted file looks like random bytes, so the two cannot be told apart without the key)."""

    template = (
        "The file {path} is not a plain SQLite database and this station has no key to decrypt it: a "
        "database encrypted on another PC (import that PC's key with 'fever-desk key import'), or not a "
        "fever_desk database. It has not been changed."
    )


class DatabaseKeyWrong(DatabaseProblem):
    template = (
        "The file {path} cannot be decrypted with this station's key: a database encrypted on another PC "
        "(import that PC's key with 'fever-desk key import'), or not a fever_desk database. It has not "
        "been changed."
    )


def encrypt_new_files() -> bool:
    """Whether new SQLite files are encrypted (the default) or plain (``FEVER_DESK_PLAIN_SQLITE=1``)."""
    return os.environ.get(ENV_PLAIN, "").strip().lower() not in ("1", "yes", "true")


def is_plain(path: Path) -> bool:
    """A non-empty file that starts with SQLite's plain header."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def is_new(path: Path) -> bool:
    return not path.exists() or (path.is_file() and path.stat().st_size == 0)


def may_be_sqlite(path: Path) -> bool:
    """Plain SQLite, or shaped like SQLCipher (whole 512-byte pages, at least one of 1 KiB): a text file,
    an empty one or a copy cut mid-page is not, and is refused without asking for a key."""
    size = path.stat().st_size
    return is_plain(path) or (size >= 1024 and size % 512 == 0)


def key_for(path: Path, *, create: bool = True) -> bytes | None:
    """The key ``path`` is (or will be) encrypted with, or None for a plain file.

    Raises :class:`DatabaseKeyMissing` for an encrypted file when the station has no key.
    """
    if path.exists() and not path.is_file():
        return None  # a folder given as the database: ``db.migrate`` says so, not "no key"
    store = KeyStore()
    if is_new(path):
        if not encrypt_new_files():
            return None
        return store.load_or_create() if create else store.load()
    if is_plain(path):
        return None
    key = store.load()
    if key is None:
        raise DatabaseKeyMissing(path=str(path))
    return key


def key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


#: SQLite's page cache per connection, in KiB, for an encrypted file.  Plain SQLite rereads a page from the
#: operating system's cache almost for free; SQLCipher must decrypt and authenticate it again, so its
#: connections keep more decrypted pages (the default is 2 MiB): the day list and the indexes a save
#: walks stay decrypted between the nurse's saves (see ``make bench``, bench_crypt).
CACHE_KIB = 32 * 1024


def apply_key(connection: Any, key: bytes | None) -> None:
    """Key a fresh SQLCipher connection before anything reads the file (SQLCipher's own error log to
    stderr is switched off: a wrong key is reported once, in the user's language, by the caller)."""
    if key is None:
        return
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(key_pragma(key))
    connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


def connect(path: Path, key: bytes | None, *, read_only: bool = False, **kwargs: Any) -> Any:
    """A DB-API connection to ``path``: ``sqlcipher3`` keyed with ``key``, or plain ``sqlite3``.

    The key is proven at once (reading the schema), so a wrong one raises :class:`DatabaseKeyWrong`
    here instead of a driver error in the middle of a command.
    """
    module: Any = sqlcipher if key is not None else sqlite3
    connection = module.connect(sqlite_uri(path, read_only=read_only), uri=True, **kwargs)
    try:
        apply_key(connection, key)
        if key is not None and path.exists():
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        connection.close()
        if "not a database" in str(exc):
            raise DatabaseKeyWrong(path=str(path)) from exc
        raise
    return connection


def open_station_file(path: Path, **kwargs: Any) -> Any:
    """The connection for a small station file (the outbox): a plain one is encrypted first."""
    if encrypt_new_files() and not is_new(path) and is_plain(path):
        encrypt_in_place(path)
    return connect(path, key_for(path), **kwargs)


def table_counts(connection: Any, schema: str = "main") -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        name: connection.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0] for name in names
    }


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries (POSIX; Windows flushes a rename itself)."""
    if path.is_dir() and os.name != "posix":
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def recover(path: Path) -> None:
    """Finish or undo an :func:`encrypt_in_place` that was cut short, before anything opens ``path``."""
    partial, kept = path.with_name(path.name + ENCRYPTING), path.with_name(path.name + KEPT)
    for leftover in (partial, Path(f"{partial}-journal")):
        leftover.unlink(missing_ok=True)
    if not kept.exists():
        return
    if not path.exists():
        os.replace(kept, path)  # not reached by encrypt_in_place's order; kept for safety
        log.warning("restored %s from %s", path, kept)
    elif is_plain(path):
        kept.unlink()  # killed before the switch: the plain file is still in place, kept is its twin
    else:
        try:
            key = key_for(path, create=False)
            connect(path, key).close()
        except (DatabaseProblem, *DRIVER_ERRORS):
            os.replace(kept, path)  # the encrypted file does not open: back to the plain one
            log.warning("the encrypted %s did not open; the plain file is back in place", path)
            return
        kept.unlink()  # the encrypted file opens: the plain one is no longer needed
    _fsync(path.parent)


def encrypt_in_place(path: Path) -> bool:
    """Encrypt the plain SQLite database ``path``; False (changing nothing) when another program has it.

    The order makes a kill or power cut at any moment harmless: (1) take the file exclusively and fold
    its WAL in; (2) ``sqlcipher_export`` into ``<name>.encrypting``, verified (integrity check, every
    table's row count) and synced — until here the plain file is untouched; (3) keep the plain file as
    ``<name>.plain-kept`` (a hard link: no copy of the data), then rename the encrypted file over the
    name; (4) open it with the key and only then delete the kept file.  :func:`recover`, run first,
    finishes or undoes steps 2-4 after a crash.  The deleted plain file's blocks stay on the disk until
    overwritten (not yet: secure erase).
    """
    recover(path)
    if is_new(path) or not is_plain(path):
        return False
    key = KeyStore().load_or_create()
    partial, kept = path.with_name(path.name + ENCRYPTING), path.with_name(path.name + KEPT)
    plain = sqlcipher.connect(str(path), timeout=0, isolation_level=None)
    try:
        try:
            mode = plain.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            plain.execute("PRAGMA locking_mode = EXCLUSIVE")
            plain.execute("BEGIN EXCLUSIVE")
            plain.execute("COMMIT")  # the exclusive lock stays held until the connection closes
        except sqlcipher.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                log.warning("%s is in use by another program; it stays plain until the next start", path)
                return False
            raise
        if str(mode).lower() != "delete":
            log.warning("%s is in use by another program; it stays plain until the next start", path)
            return False
        before = table_counts(plain)
        version = plain.execute("PRAGMA user_version").fetchone()[0]
        quoted = str(partial).replace("'", "''")
        plain.execute(f"ATTACH DATABASE '{quoted}' AS encrypted KEY \"x'{key.hex()}'\"")
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        verdict = plain.execute("PRAGMA encrypted.integrity_check").fetchone()[0]
        after = table_counts(plain, "encrypted")
        plain.execute("DETACH DATABASE encrypted")
        if verdict != "ok" or after != before:
            partial.unlink(missing_ok=True)
            raise DatabaseUnreadable(path=str(path), detail=f"the encrypted copy did not verify ({verdict})")
        _fsync(partial)
        stamp = path.stat()
    finally:
        plain.close()
    try:
        os.link(path, kept)
    except OSError:
        import shutil

        shutil.copy2(path, kept)
    _fsync(path.parent)
    try:
        os.replace(partial, path)
    except PermissionError:  # Windows: another program opened the file meanwhile; try at the next start
        partial.unlink(missing_ok=True)
        kept.unlink(missing_ok=True)
        log.warning("%s is in use by another program; it stays plain until the next start", path)
        return False
    _fsync(path.parent)
    try:
        check = connect(path, key)
        try:
            opened = table_counts(check)
        finally:
            check.close()
    except (DatabaseProblem, *DRIVER_ERRORS):
        opened = None
    if opened != before:  # never seen; but the plain file goes back rather than a doubtful one staying
        os.replace(kept, path)
        raise DatabaseUnreadable(path=str(path), detail="the encrypted copy did not open")
    now = kept.stat()
    if (now.st_size, now.st_mtime_ns) != (stamp.st_size, stamp.st_mtime_ns):
        log.warning("%s changed while it was encrypted; the plain copy %s is kept for IT", path, kept)
    else:
        kept.unlink()
        _fsync(path.parent)
    log.info("%s is now encrypted (%d rows in %d tables)", path, sum(before.values()), len(before))
    return True
