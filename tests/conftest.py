"""Every test runs in isolation from the user's real station: its own settings file and data folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from fever_desk.i18n import set_language

    monkeypatch.setenv("FEVER_DESK_CONFIG", str(tmp_path / "config" / "settings.json"))
    monkeypatch.setenv("FEVER_DESK_DB", f"sqlite:///{tmp_path / 'station.sqlite3'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("FEVER_DESK_LOG_DIR", str(tmp_path / "logs"))
    set_language("zh_CN")
    yield
    set_language("zh_CN")
