"""``fever-desk --self-test`` says whether the database is encrypted and where its key is, and names any
station file another account could read — without changing it (the desk tightens it at its next start)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from db.crypt_key import KeyStore
from fever_desk.i18n import tr_in
from tests.installer.helpers import make_database
from ui.cli.main import main


@pytest.fixture(autouse=True)
def _app(qapp):
    """The printer check needs an application object; share pytest-qt's rather than make another."""
    return qapp


def report(capsys: pytest.CaptureFixture[str], db: Path) -> tuple[int, dict[str, str]]:
    code = main(["--language", "en", "--db", str(db), "--self-test"])
    lines = capsys.readouterr().out.splitlines()
    return code, {line[2:].split(":", 1)[0]: line for line in lines if line[:1] in "✓!✗"}


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_file_others_can_read_is_named_and_left_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "station.sqlite3"
    make_database(db)  # by this process, whose umask may be 022: ...
    assert main(["--db", str(db), "user", "list"]) == 0  # ... a start of the station makes it private
    key = KeyStore().file
    code, lines = report(capsys, db)
    assert code == 0
    assert lines["Encryption"].startswith("✓") and "encrypted (SQLCipher)" in lines["Encryption"]
    assert str(key) in lines["Encryption"] and "no keyring on this PC" in lines["Encryption"]
    assert lines["File permissions"].startswith("✓"), lines
    key.chmod(0o644)
    code, lines = report(capsys, db)
    assert code == 0  # a warning for IT, not a failed installation
    assert lines["File permissions"].startswith("✗") and str(key) in lines["File permissions"]
    assert stat.S_IMODE(key.stat().st_mode) == 0o644  # the self-test changes nothing
    assert tr_in("zh_CN", "File permissions") == "文件权限"


def test_a_plain_database_is_a_warning_that_the_desk_will_encrypt_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "station.sqlite3"
    monkeypatch.setenv("FEVER_DESK_PLAIN_SQLITE", "1")
    make_database(db)
    monkeypatch.delenv("FEVER_DESK_PLAIN_SQLITE")
    code, lines = report(capsys, db)
    assert (
        code == 0
        and lines["Encryption"].startswith("!")
        and "encrypts it at its next start" in lines["Encryption"]
    )
    assert db.read_bytes().startswith(b"SQLite format 3")  # still plain: the self-test only looks
