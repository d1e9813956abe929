"""The station's own files, kept private: which they are, tightened at each start, checked by the self-test.

Names, ID numbers and health answers sit in the database, the outbox, the slip archive, exports and the
logs, and clinic PCs are shared between shifts.  ``fever_desk.files.use_private_modes`` (umask 077, set by
``ui.cli.main`` before anything is written) makes every new file 0600 and every new folder 0700;
:func:`tighten_station_files` takes group and other permissions away from what an older version left
wider (an upgrade), once, with one log line.  Folders the user pointed us at (``FEVER_DESK_CONFIG``,
``FEVER_DESK_LOG_DIR``, ``--db`` outside the data folder) may be shared with other things: there only our
own files are touched, never the folder.  No Qt here: the command line and the self-test use it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger("fever_desk.files")


def _ours(folder: Path, prefixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return [entry for entry in folder.iterdir() if entry.name.startswith(prefixes)]


def station_paths(database_url: str | None = None) -> list[Path]:
    """The folders that are the station's alone, and the station's files in folders that are not."""
    from db.outbox import data_dir
    from ui.services.logs import LOG_ENV, LOG_NAME, log_folder
    from ui.services.settings import config_path

    paths = [data_dir()]
    config = config_path()
    if os.environ.get("FEVER_DESK_CONFIG"):
        paths += _ours(config.parent, (config.name,))
    else:
        paths.append(config.parent)
    logs = log_folder()
    if os.environ.get(LOG_ENV):
        paths += _ours(logs, (LOG_NAME,))
    else:  # ~/.local/state/fever-desk/log: the fever-desk folder above it is ours too
        paths.append(logs.parent if logs.parent.name == "fever-desk" else logs)
    if database_url:
        from db.location import sqlite_path_of

        database = sqlite_path_of(database_url)
        if database is not None and database.parent != paths[0]:
            paths += _ours(database.parent, (database.name, database.stem + ".before-restore-"))
    return paths


def tighten_station_files(database_url: str | None = None) -> list[Path]:
    """Make what an earlier version left readable by others private; logged once when anything changed."""
    from fever_desk.files import tighten

    try:
        changed = tighten(station_paths(database_url))
    except OSError:
        log.warning("the station's file permissions could not be checked", exc_info=True)
        return []
    if changed:
        log.info(
            "%d files and folders were readable by other accounts and are now private (0600/0700): %s",
            len(changed),
            ", ".join(str(path) for path in changed[:10]) + (" …" if len(changed) > 10 else ""),
        )
    return changed


def too_open_station_files(database_url: str | None = None) -> list[Path]:
    """For the self-test: what another account on this PC could read or enter."""
    from fever_desk.files import too_open

    return too_open(station_paths(database_url))


#: what the self-test's lines say, mapped to its marks there (this module must not import the desk)
OK, WARN, FAIL = "ok", "warn", "fail"


def check_file_modes(database_url: str) -> tuple[str, str]:
    """The self-test's line: files another account could read (the desk tightens them at its next start)."""
    from fever_desk.i18n import tr

    if os.name != "posix":
        return OK, tr("the data is in this user's own profile")
    wide = too_open_station_files(database_url)
    if not wide:
        return OK, tr("only this user can read the station's files")
    shown = ", ".join(str(path) for path in wide[:5]) + (" …" if len(wide) > 5 else "")
    detail = tr(
        "{count} files or folders can be read by other accounts: {paths}; "
        "the desk makes them private at its next start",
        count=len(wide),
        paths=shown,
    )
    return FAIL, detail


def check_encryption(database_url: str) -> tuple[str, str]:
    """The self-test's line: is the database encrypted, and where is its key kept."""
    from db.cipher import ENV_PLAIN, encrypt_new_files, is_new, is_plain
    from db.crypt_key import KeyStore
    from db.location import sqlite_path_of
    from fever_desk.i18n import tr

    path = sqlite_path_of(database_url)
    if path is None:
        return OK, tr("a database server: its own storage and access control apply")
    place = KeyStore().place()
    where = (
        tr("key kept by the system keyring ({backend})", backend=place.keyring)
        if place.keyring
        else tr(
            "key in the file {path}, readable by this user only (no keyring on this PC)", path=str(place.file)
        )
    )
    if is_new(path):
        if encrypt_new_files():
            return OK, tr("the new database will be encrypted; {where}", where=where)
        return WARN, tr("the new database will be plain ({env}=1)", env=ENV_PLAIN)
    if is_plain(path):
        if encrypt_new_files():
            return WARN, tr("the database is plain; the desk encrypts it at its next start")
        return WARN, tr("the database is plain ({env}=1)", env=ENV_PLAIN)
    return OK, tr("the database is encrypted (SQLCipher); {where}", where=where)
