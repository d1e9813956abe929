"""On Windows every file the station keeps lives in the desk user's own profile (``%LOCALAPPDATA%``).

POSIX modes mean nothing there; what keeps another account out is the profile's own access list, which
Windows grants to that user (and administrators) only.  So the check is *where* the files go: the real
location code of each (database, outbox, key file, slip archive and signing key, settings, logs) is run
with platformdirs' Windows rules and a known ``%LOCALAPPDATA%``, and every path must fall under
``%LOCALAPPDATA%\\fever-desk`` — never the roaming profile, ProgramData or the program folder.
"""

from __future__ import annotations

import ntpath
from pathlib import Path

import platformdirs
import platformdirs.windows as windows
import pytest

LOCAL = r"C:\Users\nurse\AppData\Local"
FOLDERS = {
    "CSIDL_LOCAL_APPDATA": LOCAL,
    "CSIDL_APPDATA": r"C:\Users\nurse\AppData\Roaming",
    "CSIDL_COMMON_APPDATA": r"C:\ProgramData",
}


def test_every_station_file_is_under_the_users_own_localappdata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("FEVER_DESK_DATA", "FEVER_DESK_CONFIG", "FEVER_DESK_LOG_DIR", "FEVER_DESK_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(windows, "get_win_folder", lambda csidl: FOLDERS[csidl])
    monkeypatch.setattr(platformdirs, "PlatformDirs", windows.Windows)
    monkeypatch.chdir(tmp_path)  # on Linux "C:\Users\…" is a relative name: the folders made land here

    from db.crypt_key import KeyStore
    from db.location import default_database_url, sqlite_path_of
    from db.outbox import FILE_NAME, data_dir
    from ui.services.logs import log_folder
    from ui.services.settings import config_path
    from ui.services.slips import data_dir as slip_folder

    places = {
        "database": sqlite_path_of(default_database_url()),
        "outbox": data_dir() / FILE_NAME,
        "database key file": KeyStore().file,
        "slip archive and signing key": slip_folder(),
        "settings": config_path(),
        "logs": log_folder(),
    }
    home = ntpath.join(LOCAL, "fever-desk")
    for what, place in places.items():
        assert place is not None, what
        text = str(place).removeprefix(f"{tmp_path}/")  # undo Linux's abspath of the relative name
        windows_path = ntpath.normpath(text.replace("/", "\\"))
        assert ntpath.commonpath([windows_path, home]) == home, (what, windows_path)
