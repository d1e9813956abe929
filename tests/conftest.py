"""Every test runs in isolation from the user's real station: its own settings file and data folder."""

from __future__ import annotations

import inspect
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The database key (db.crypt_key) never goes to the real user's keyring: no keyring backend, so the key is a
# file in the data folder, which is a temporary one here (each test gets its own below).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="fever-desk-tests-")


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


PTY_WORDS = ("PtySimulator", "card_pty", "openpty", "pty.fork")


def _uses_a_pty(item: pytest.Item) -> bool:
    """The test, or one of its fixtures, drives a pseudo-terminal (the thermometer simulator's tty)."""
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    for definitions in getattr(info, "name2fixturedefs", {}).values():
        functions += [definition.func for definition in definitions]
    for function in functions:
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            continue
        if any(word in source for word in PTY_WORDS):
            return True
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On Windows there are no ptys: those tests are skipped, with the reason, instead of erroring."""
    if hasattr(os, "openpty"):
        return
    skip = pytest.mark.skip(reason="needs a pseudo-terminal (POSIX only)")
    for item in items:
        if _uses_a_pty(item):
            item.add_marker(skip)
