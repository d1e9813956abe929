"""Reading a station's SQLite file in a test the way the station does: encrypted (``db.cipher``) or plain."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def connect_file(path: Path, **kwargs: Any) -> Any:
    """A DB-API connection to ``path``, keyed with the test station's key when the file is encrypted."""
    from db.cipher import connect, key_for

    return connect(Path(path), key_for(Path(path)), **kwargs)


def use_data_folder(monkeypatch: Any, folder: Path) -> None:
    """``FEVER_DESK_DATA=folder`` for a station whose database already exists: the station's key file
    (``db.crypt_key``, kept in the data folder when there is no keyring, as in tests) goes along, as IT
    would move it with the folder."""
    import shutil

    from db.crypt_key import KEY_FILE, KeyStore

    key = KeyStore().file
    folder.mkdir(parents=True, exist_ok=True)
    if key.exists():
        shutil.copy2(key, folder / KEY_FILE)
    monkeypatch.setenv("FEVER_DESK_DATA", str(folder))
