"""Where the database is, worked out without importing SQLAlchemy.

The desk must show its window before anything heavy loads (SQLAlchemy and Alembic take longer to import
than Qt does), so the GUI path resolves the URL here and leaves opening and validating it to the
database worker; ``db.engine`` adds the strict URL check for the command line.
"""

from __future__ import annotations

import ntpath
import os
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

ENV_VAR = "FEVER_DESK_DB"
FILE_NAME = "fever_desk.sqlite3"


def default_database_url() -> str:
    """The SQLite file in the per-user data folder, created on first use so SQLite can make the file."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("fever-desk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return sqlite_url(folder / FILE_NAME)


def chosen_database(cli_value: str | None) -> str:
    """``--db`` beats ``FEVER_DESK_DB`` beats the default, so a one-off run never needs the environment.

    A bare path (no ``://``) is accepted as a SQLite file, because that is what people type.
    """
    for candidate in (cli_value, os.environ.get(ENV_VAR)):
        if candidate and candidate.strip():
            value = candidate.strip()
            if "://" in value:
                return value
            return sqlite_url(Path(value).expanduser())
    return default_database_url()


def _absolute_slashed(path: str | os.PathLike[str], pathmod: ModuleType) -> str:
    """``path`` made absolute *without* resolving links, with forward slashes and no ``\\\\?\\`` prefix.

    ``Path.resolve()`` turns a mapped drive (``Z:\\db\\x.sqlite3``) into its UNC target, and
    ``as_uri()`` then writes ``file://server/share/…``, a URI whose "server" SQLite refuses as an
    authority; ``abspath`` keeps the drive letter the user chose.  ``pathmod`` is ``ntpath`` in the
    tests that check Windows paths on Linux.
    """
    text = pathmod.abspath(os.fspath(path))
    if pathmod is ntpath:
        if text.startswith("\\\\?\\UNC\\"):
            text = "\\\\" + text[len("\\\\?\\UNC\\") :]
        elif text.startswith("\\\\?\\"):
            text = text[len("\\\\?\\") :]
        text = text.replace("\\", "/")
    return text


def sqlite_uri(
    path: str | os.PathLike[str], *, read_only: bool = False, pathmod: ModuleType = os.path
) -> str:
    """The ``file:`` URI that ``sqlite3.connect(..., uri=True)`` opens ``path`` with, on any OS.

    SQLite takes the part after ``file:`` as ``//authority/path``, where the authority must be empty
    or ``localhost``: a drive letter goes after an empty authority (``file:///C:/x.db``, SQLite drops
    the slash before the drive) and a UNC share keeps its two leading slashes (``file:////server/share/
    x.db``).  ``%``, ``?`` and ``#`` would end or alter the path, so every byte that is not plainly safe
    is percent-encoded as UTF-8, which SQLite decodes back (Chinese folder names included).
    """
    text = _absolute_slashed(path, pathmod)
    if not text.startswith("/"):
        text = "/" + text  # C:/x.db -> /C:/x.db
    return f"file://{quote(text, safe='/:')}" + ("?mode=ro" if read_only else "")


def sqlite_url(path: str | os.PathLike[str], *, pathmod: ModuleType = os.path) -> str:
    """The SQLAlchemy URL of the SQLite file ``path``: ``sqlite:///`` plus the absolute path.

    The path is not resolved (see :func:`_absolute_slashed`); SQLAlchemy percent-decodes the database
    part and cuts it at ``?``, so only ``%``, ``?`` and ``#`` are escaped and the rest stays readable.
    A POSIX path's own leading slash makes the familiar four (``sqlite:////home/…``); a UNC path gives
    ``sqlite://///server/share/…``, which pysqlite hands to Windows as ``//server/share/…``.
    """
    text = _absolute_slashed(path, pathmod)
    return "sqlite:///" + text.replace("%", "%25").replace("?", "%3F").replace("#", "%23")


def sqlite_path_of(url: str) -> Path | None:
    """The file behind a ``sqlite:///`` URL without SQLAlchemy (``db.engine.sqlite_path`` is the strict
    one); None for anything else or an in-memory database."""
    from urllib.parse import unquote

    if not url.startswith("sqlite:///"):
        return None
    database = unquote(url[len("sqlite:///") :].split("?", 1)[0])
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)
