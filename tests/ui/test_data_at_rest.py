"""Personal data at rest: a copied database, WAL, outbox or backup gives no name or ID number away, and a
missing or wrong key is a clear message, not a crash.

Records are saved through the desk's own operation on the worker's context
(``ui.services.database.Database``), the backup is made by the real command, and then the files' bytes
are searched.  The same search on a plain
station (``FEVER_DESK_PLAIN_SQLITE=1``) finds the name: the search itself can fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from db.cipher import ENV_PLAIN
from db.crypt_key import KEY_FILE, KeyStore
from db.outbox import Outbox
from tests.db.factories import make_screening
from ui.cli.main import main
from ui.services import screening as operations
from ui.services.audit_hooks import set_actor
from ui.services.database import Database

NAME, ID_NUMBER, PHONE = "欧阳秘密", "430102199003074512", "13912345670"
SECRETS = (NAME.encode(), ID_NUMBER.encode(), PHONE.encode(), "长沙县黄花镇".encode())


def leaks(path: Path) -> list[str]:
    """Which of the known personal values appear in the file or any file beside it with its name."""
    found = []
    for file in sorted(path.parent.glob(path.name + "*")):
        data = file.read_bytes()
        found += [f"{file.name}: {secret.decode()}" for secret in SECRETS if secret in data]
    return found


RECORD = make_screening(NAME, id_number=ID_NUMBER, phone=PHONE)


def save_known_record(path: Path) -> Database:
    """The record saved as the desk saves it; the context stays open so the WAL still holds the pages."""
    ctx = Database(f"sqlite:///{path}")
    set_actor(ctx, "nurse.li", "desk-1")
    operations.save_screening(ctx, RECORD)
    return ctx


def name_in(path: Path) -> str:
    ctx = Database(f"sqlite:///{path}")
    try:
        return ctx.screenings.get(RECORD.id).person.name
    finally:
        ctx.close()


@pytest.mark.parametrize("plain", [False, True], ids=["encrypted", "plain-control"])
def test_no_name_or_id_number_in_the_database_its_wal_the_outbox_or_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], plain: bool
) -> None:
    if plain:
        monkeypatch.setenv(ENV_PLAIN, "1")
    station = tmp_path / "station.sqlite3"
    ctx = save_known_record(station)
    try:
        wal = Path(f"{station}-wal")
        assert wal.exists() and wal.stat().st_size > 0  # the record is (also) in the WAL right now
        in_database = leaks(station)
    finally:
        ctx.close()
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put("screening", "s-1", {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE})
    assert outbox.pending()[0].payload["name"] == NAME
    backup = tmp_path / "usb" / "backup.sqlite3"
    backup.parent.mkdir()
    assert main(["--db", str(station), "db", "backup", "--out", str(backup)]) == 0, capsys.readouterr()
    found = in_database + leaks(station) + leaks(outbox.path) + leaks(backup)
    if plain:
        assert any(NAME in line for line in found), "the control must find the name in a plain file"
        return
    assert found == []
    # ... and every one of them still reads back, with the key.
    restored = tmp_path / "restored.sqlite3"
    assert main(["--db", str(restored), "db", "restore", str(backup)]) == 0, capsys.readouterr()
    assert name_in(restored) == NAME


def test_a_missing_or_wrong_key_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    station = tmp_path / "station.sqlite3"
    save_known_record(station).close()
    before = station.read_bytes()
    key_file = KeyStore().file
    kept = key_file.read_bytes()
    key_file.unlink()  # a copy of the database on a PC without its key
    for language, expected in (("zh_CN", "没有解密它的密钥"), ("en", "no key to decrypt it")):
        status = main(["--language", language, "--db", str(station), "user", "list"])
        out, err = capsys.readouterr()
        assert status == 2 and out == "" and "Traceback" not in err
        assert err.strip().count("\n") == 0 and str(station) in err and expected in err, err
    key_file.write_text("ab" * 32 + "\n", encoding="ascii")  # another station's key
    for language, expected in (("zh_CN", "无法用本工作站的密钥解密"), ("en", "cannot be decrypted")):
        status = main(["--language", language, "--db", str(station), "report", "daily", "--out", "r.csv"])
        out, err = capsys.readouterr()
        assert status == 2 and out == "" and "Traceback" not in err
        assert err.strip().count("\n") == 0 and expected in err and "fever-desk key import" in err, err
    assert station.read_bytes() == before
    key_file.write_bytes(kept)
    assert main(["--db", str(station), "user", "list"]) == 0


def test_a_wrong_key_is_explained_in_the_desk_and_the_file_left_alone(qtbot, tmp_path: Path) -> None:
    from fever_desk.settings import Settings
    from tests.ui.test_startup_problems import start_on

    station = tmp_path / "station.sqlite3"
    save_known_record(station).close()
    before = station.read_bytes()
    KeyStore().file.write_text("cd" * 32 + "\n", encoding="ascii")
    window, worker = start_on(qtbot, station, Settings(), tmp_path)
    try:
        assert window.banner.isVisible()
        assert "无法用本工作站的密钥解密" in window.banner.text() and str(station) in window.banner.text()
    finally:
        worker.stop()
    assert station.read_bytes() == before


def test_a_backup_restores_on_a_new_pc_after_key_import_and_not_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    station, backup, paper = tmp_path / "old-pc.sqlite3", tmp_path / "backup.sqlite3", tmp_path / "key.txt"
    save_known_record(station).close()
    assert main(["--db", str(station), "db", "backup", "--out", str(backup)]) == 0
    assert main(["key", "export", "--out", str(paper)]) == 0
    assert paper.stat().st_mode & 0o777 == 0o600
    capsys.readouterr()

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "new-pc"))  # another PC: its own (empty) data folder
    assert not (tmp_path / "new-pc" / "fever-desk" / KEY_FILE).exists()
    new = tmp_path / "new-pc.sqlite3"
    assert main(["--language", "en", "--db", str(new), "db", "restore", str(backup)]) == 2
    assert "no key to decrypt it" in capsys.readouterr().err and not new.exists()
    assert main(["key", "import", str(paper)]) == 0
    assert main(["--db", str(new), "db", "restore", str(backup)]) == 0
    assert name_in(new) == NAME
