"""SQLite file names on any OS: one builder for the sqlite3 URI and the SQLAlchemy URL.

``Path.resolve().as_uri()`` turned a mapped drive into ``file://server/share/…`` (SQLite refuses the
"server" authority), so backup, restore and opening a database on a share failed on Windows.  The
Windows cases are checked with ``ntpath`` on this Linux machine; the awkward characters are also
round-tripped through real files, sqlite3 and the ``fever-desk db`` commands.
"""

from __future__ import annotations

import ntpath
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path, PureWindowsPath

import pytest
from sqlalchemy import text

from db.engine import make_engine, sqlite_path
from db.location import chosen_database, sqlite_uri, sqlite_url
from db.migrate import upgrade
from tests.sqlite_files import connect_file

WINDOWS_CASES = [
    # (path as typed or stored, sqlite3 URI, SQLAlchemy URL)
    (
        r"C:\Users\nurse\fever_desk.sqlite3",
        "file:///C:/Users/nurse/fever_desk.sqlite3",
        "sqlite:///C:/Users/nurse/fever_desk.sqlite3",
    ),
    (
        r"Z:\预检\fever.sqlite3",
        "file:///Z:/%E9%A2%84%E6%A3%80/fever.sqlite3",
        "sqlite:///Z:/预检/fever.sqlite3",
    ),
    (
        r"\\nas\clinic share\fever.sqlite3",
        "file:////nas/clinic%20share/fever.sqlite3",
        "sqlite://///nas/clinic share/fever.sqlite3",
    ),
    (r"\\?\UNC\nas\backup\x.sqlite3", "file:////nas/backup/x.sqlite3", "sqlite://///nas/backup/x.sqlite3"),
    (r"\\?\D:\long\x.sqlite3", "file:///D:/long/x.sqlite3", "sqlite:///D:/long/x.sqlite3"),
    (r"D:\a #1\b?c\50%.db", "file:///D:/a%20%231/b%3Fc/50%25.db", "sqlite:///D:/a %231/b%3Fc/50%25.db"),
    ("e:/mixed\\slashes/x.db", "file:///e:/mixed/slashes/x.db", "sqlite:///e:/mixed/slashes/x.db"),
]


@pytest.mark.parametrize(("path", "uri", "url"), WINDOWS_CASES)
def test_windows_paths_give_uris_sqlite_accepts(path: str, uri: str, url: str) -> None:
    assert sqlite_uri(path, pathmod=ntpath) == uri
    assert sqlite_uri(path, pathmod=ntpath, read_only=True) == uri + "?mode=ro"
    assert sqlite_url(path, pathmod=ntpath) == url


def test_the_old_recipe_gave_a_share_an_authority() -> None:
    """What ``resolve().as_uri()`` produced once Windows resolved ``Z:`` to its share: refused by SQLite."""
    assert PureWindowsPath(r"\\nas\clinic\x.sqlite3").as_uri() == "file://nas/clinic/x.sqlite3"
    assert sqlite_uri(r"\\nas\clinic\x.sqlite3", pathmod=ntpath) == "file:////nas/clinic/x.sqlite3"


def test_sqlalchemy_reads_back_the_windows_file_name() -> None:
    from sqlalchemy.engine import make_url

    for path, _uri, url in WINDOWS_CASES:
        expected = ntpath.abspath(path).replace("\\", "/")
        expected = expected.replace("//?/UNC/", "//").replace("//?/", "")
        assert make_url(url).database == expected


AWKWARD = "数据 库 #1 ?50%"


def test_posix_paths_with_awkward_names_round_trip_through_sqlite(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FEVER_DESK_PLAIN_SQLITE", "1")  # read back below with the plain sqlite3 module
    folder = tmp_path / AWKWARD
    folder.mkdir()
    path = folder / "站 #?%.sqlite3"
    engine = make_engine(sqlite_url(path))
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (v TEXT)"))
            connection.execute(text("INSERT INTO t VALUES ('体温 37.5 °C')"))
    finally:
        engine.dispose()
    assert path.is_file()  # the very file named, not one cut at '#' or '?'
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".sqlite3") == [path.name]
    with closing(sqlite3.connect(sqlite_uri(path, read_only=True), uri=True)) as connection:
        assert connection.execute("SELECT v FROM t").fetchone() == ("体温 37.5 °C",)
        with pytest.raises(sqlite3.OperationalError):
            connection.execute("INSERT INTO t VALUES ('x')")  # read-only really is read-only
    assert sqlite_path(sqlite_url(path)) == path


def test_a_typed_path_is_made_absolute_without_resolving_links(tmp_path: Path, monkeypatch) -> None:
    """A symlink stands in for a mapped drive: the name the user gave is the name kept."""
    real = tmp_path / "share"
    real.mkdir()
    (tmp_path / "Z").symlink_to(real)
    monkeypatch.chdir(tmp_path)
    assert chosen_database("Z/fever.sqlite3") == f"sqlite:///{tmp_path}/Z/fever.sqlite3"


def run_cli(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", *argv], env=env, capture_output=True, text=True, timeout=120
    )


def test_backup_and_restore_with_awkward_folder_names(tmp_path: Path) -> None:
    """The real ``fever-desk db backup`` / ``restore`` between folders named as clinics name them."""
    station = tmp_path / AWKWARD / "fever_desk.sqlite3"
    station.parent.mkdir()
    engine = make_engine(sqlite_url(station))
    try:
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE ledger (n INTEGER)"))
            connection.execute(text("INSERT INTO ledger VALUES (42)"))
    finally:
        engine.dispose()
    out = tmp_path / "U盘 #2 ?%" / "备份 1.sqlite3"
    out.parent.mkdir()  # the USB stick's folder exists; a missing one is refused
    env = dict(os.environ)
    backup = run_cli("--db", str(station), "db", "backup", "--out", str(out), env=env)
    assert backup.returncode == 0, backup.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no temporary left beside it
    with closing(connect_file(out)) as connection:
        assert connection.execute("SELECT n FROM ledger").fetchone() == (42,)
    with closing(connect_file(station)) as connection:
        connection.execute("UPDATE ledger SET n = 7")
        connection.commit()
    restore = run_cli("--db", str(station), "db", "restore", str(out), env=env)
    assert restore.returncode == 0, restore.stderr
    with closing(connect_file(station)) as connection:
        assert connection.execute("SELECT n FROM ledger").fetchone() == (42,)


def test_sqlites_own_uri_parser_refuses_a_server_authority_and_takes_the_unc_form(tmp_path: Path) -> None:
    """The real parser on this machine: ``file://server/…`` (the old recipe's share) is refused, while
    the empty authority followed by ``//`` (our UNC form) is accepted — on POSIX ``//tmp/x`` is
    ``/tmp/x``, so the file opens; on Windows the same text is the share."""
    path = tmp_path / "x.sqlite3"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE t (v)")
    with pytest.raises(sqlite3.OperationalError, match="authority"):
        sqlite3.connect(f"file://nas{path}?mode=ro", uri=True)
    unc_style = "file:////" + sqlite_uri(path).removeprefix("file:///")
    with closing(sqlite3.connect(unc_style + "?mode=ro", uri=True)) as connection:
        assert connection.execute("SELECT count(*) FROM t").fetchone() == (0,)
