"""Every ``fever-desk`` subcommand meets a database or an output path it cannot use: one line, exit 2.

The subcommands are read from the real parser, so a command added later is covered (or fails
:func:`test_every_subcommand_says_whether_it_uses_the_database` until it says whether it opens the
database).  The line must name the file, be the only thing on stderr, carry no traceback, and leave
the file exactly as it was.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from db import open_database
from tests.sqlite_files import connect_file
from ui.cli.failures import OPENS_DATABASE, REPLACES_DATABASE
from ui.cli.main import build_parser, main

#: Subcommands that never open the database (checked below against the parser, not trusted).
WITHOUT_DATABASE = {
    ("guideline", "check"),
    ("guideline", "list"),
    ("triage",),
    ("devices", "list"),
    ("devices", "read"),
    ("verify-slip",),
    ("key", "export"),  # the key, not the database: import is how a "no key" database is mended
    ("key", "import"),
    # the county's own PostgreSQL (--county-db), never the station's file
    ("county", "points", "add"),
    ("county", "points", "list"),
    ("county", "points", "code"),
    ("county", "status"),
    ("county", "export"),
}


def leaf_commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from leaf_commands(sub, (*prefix, name))
            return
    if prefix:
        yield prefix, parser


COMMANDS = dict(leaf_commands(build_parser()))


def command_line(words: tuple[str, ...], out: Path) -> list[str]:
    """The subcommand with every required argument filled in: choices, numbers, ``--out``, text."""
    parser = COMMANDS[words]
    argv = list(words)
    for action in parser._actions:
        if action.dest == "help" or not (
            action.required or not action.option_strings or action.dest == "out"
        ):
            continue
        if action.choices:
            value = sorted(action.choices)[0]
        elif action.type in (int, float):
            value = "1"
        elif action.dest == "out":
            value = str(out)
        else:
            value = "x"
        argv += [action.option_strings[0], value] if action.option_strings else [value]
    return argv


def uses(words: tuple[str, ...]) -> str | None:
    return COMMANDS[words].get_default("database")


def migrated(path: Path) -> Path:
    open_database(f"sqlite:///{path}").close()
    with connect_file(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return path


def random_bytes(path: Path) -> Path:
    path.write_bytes(random.Random(13).randbytes(64 * 1024))
    return path


def truncated(path: Path) -> Path:
    full = migrated(path).read_bytes()
    path.write_bytes(full[: len(full) // 3])
    return path


def newer(path: Path) -> Path:
    migrated(path)
    with connect_file(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff_from_a_newer_build'")
    connection.close()
    return path


def missing_folder(path: Path) -> Path:
    return path.parent / "no such folder" / path.name


BAD_DATABASES: dict[str, Callable[[Path], Path]] = {
    "missing-folder": missing_folder,
    "random-bytes": random_bytes,
    "truncated": truncated,
    "newer-schema": newer,
}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_every_subcommand_says_whether_it_uses_the_database() -> None:
    assert len(COMMANDS) >= 17
    unmarked = {words for words in COMMANDS if uses(words) is None}
    assert unmarked == WITHOUT_DATABASE
    assert {uses(words) for words in COMMANDS} <= {None, OPENS_DATABASE, REPLACES_DATABASE}


@pytest.mark.parametrize("kind", sorted(BAD_DATABASES))
def test_every_database_command_names_a_bad_database_in_one_line(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = BAD_DATABASES[kind](tmp_path / "station.sqlite3")
    before = database.read_bytes() if database.exists() else None
    backup = migrated(tmp_path / "backup.sqlite3")
    checked = []
    for words in [w for w in COMMANDS if uses(w) == OPENS_DATABASE]:
        status, out, err = run(["--db", str(database), *command_line(words, tmp_path / "out.pdf")], capsys)
        assert status == 2, (words, out, err)
        assert len(err.strip().splitlines()) == 1 and str(database) in err, (words, err)
        assert "Traceback" not in err and out == "", (words, out)
        assert (database.read_bytes() if database.exists() else None) == before, words
        assert not (tmp_path / "out.pdf").exists()
        checked.append(words)
    for words in [w for w in COMMANDS if uses(w) == REPLACES_DATABASE]:
        # db restore is how a broken database is replaced: it must work over each of them (last).
        status, _out, err = run(["--db", str(database), *words, str(backup)], capsys)
        assert status == 0 and err == "", (words, err)
        assert connect_file(database).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert len(checked) == len(COMMANDS) - len(WITHOUT_DATABASE) - 1


def test_messages_follow_the_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "station.sqlite3"
    text.write_text("name,phone\n王,138\n", encoding="utf-8")
    status, _out, err = run(["--db", str(text), "user", "list"], capsys)
    assert status == 2 and "不是预检分诊工作站的数据库" in err and "不是 SQLite 文件" in err
    status, _out, err = run(["--language", "en", "--db", str(text), "user", "list"], capsys)
    assert status == 2 and "is not a fever_desk database" in err and "not an SQLite file" in err
    database = random_bytes(tmp_path / "random.sqlite3")  # as an encrypted file looks without its key
    status, _out, err = run(["--db", str(database), "user", "list"], capsys)
    assert status == 2 and "没有解密它的密钥" in err and "fever-desk key import" in err
    status, _out, err = run(["--language", "en", "--db", str(database), "user", "list"], capsys)
    assert status == 2 and "no key to decrypt it" in err
    missing = missing_folder(tmp_path / "x.sqlite3")
    status, _out, err = run(["--language", "en", "--db", str(missing), "purge"], capsys)
    assert err.strip() == f"The database {missing} cannot be opened: its folder does not exist."


def unwritable_outputs(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "a folder.pdf"
    folder.mkdir()
    outputs = {"missing folder": tmp_path / "nonexistent" / "dir" / "x.pdf", "a folder": folder}
    if os.name == "posix" and os.geteuid() != 0:
        locked = tmp_path / "read-only"
        locked.mkdir()
        locked.chmod(0o555)
        outputs["read-only folder"] = locked / "x.pdf"
    elif os.name == "posix" and not writable(Path("/sys")):  # root writes into 0o555 folders: use sysfs
        outputs["read-only folder"] = Path("/sys/x.pdf")
    return outputs


def writable(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def test_every_command_writing_a_file_names_an_unusable_output_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = migrated(tmp_path / "station.sqlite3")
    writers = [words for words, parser in COMMANDS.items() if any(a.dest == "out" for a in parser._actions)]
    assert {("report", "daily"), ("export", "purchases"), ("slip",), ("db", "backup")} <= set(writers)
    before = database.read_bytes()
    for name, out in unwritable_outputs(tmp_path).items():
        for words in writers:
            status, stdout, err = run(["--db", str(database), *command_line(words, out)], capsys)
            assert status == 2, (name, words, err)
            assert len(err.strip().splitlines()) == 1 and str(out) in err, (name, words, err)
            assert "Traceback" not in err and stdout == ""
    assert database.read_bytes() == before  # nothing stored: no report revision for a file not written


def test_a_database_damaged_inside_fails_the_command_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Header and size intact, pages overwritten: only SQLite notices, while the command runs."""
    database = migrated(tmp_path / "station.sqlite3")
    data = bytearray(database.read_bytes())
    page = 4096  # SQLite's default page size, also SQLCipher's (whose header is encrypted)
    data[2 * page :] = random.Random(5).randbytes(len(data) - 2 * page)
    database.write_bytes(bytes(data))
    for argv in (
        ["user", "list"],
        ["audit", "verify"],
        ["report", "daily", "--out", str(tmp_path / "r.csv")],
    ):
        status, _out, err = run(["--language", "en", "--db", str(database), *argv], capsys)
        assert status == 2, (argv, err)
        assert len(err.strip().splitlines()) == 1 and str(database) in err and "Traceback" not in err
        assert "damaged" in err or "not a database" in err, err


def test_an_unexpected_error_is_one_line_naming_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.cli.users

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def broken(_args: argparse.Namespace) -> int:
        raise KeyError("operator_role")

    monkeypatch.setattr(ui.cli.users, "cmd_user_list", broken)
    status, _out, err = run(["--db", str(tmp_path / "s.sqlite3"), "user", "list"], capsys)
    assert status == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    folder = Path(os.environ.get("FEVER_DESK_LOG_DIR") or tmp_path / "state")  # tests/conftest.py sets it
    log = next(folder.rglob("*.log"))
    assert str(log) in err and "operator_role" in err
    assert "Traceback" in log.read_text(encoding="utf-8") and "broken" in log.read_text(encoding="utf-8")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_the_command_from_the_issue_in_a_real_process(tmp_path: Path) -> None:
    argv = ["--db", "sqlite:////proc/nope/x.db", "report", "daily", "--out", str(tmp_path / "r.pdf")]
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "无法打开数据库 /proc/nope/x.db：所在文件夹不存在。"
    assert result.stdout == ""


def test_a_damaged_settings_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Path(os.environ["FEVER_DESK_CONFIG"])
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("{ not json", encoding="utf-8")
    database = migrated(tmp_path / "station.sqlite3")
    status, out, err = run(
        ["--db", str(database), "report", "daily", "--out", str(tmp_path / "r.csv")], capsys
    )
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and str(settings) in err and "Traceback" not in err
