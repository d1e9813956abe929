"""A database the desk cannot use is explained in the window and left exactly as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fever_desk.settings import Settings
from ui.desk.app import build_window


def start_on(qtbot, db_path: Path, settings: Settings, tmp_path: Path):
    window, worker = build_window(f"sqlite:///{db_path}", settings, tmp_path / "settings.json")
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(worker.context_failed, timeout=20000):
        worker.start()
    return window, worker


@pytest.mark.parametrize("language, expected", [("zh_CN", "数据库"), ("en", "database")])
def test_unreadable_file_is_explained_and_untouched(
    qtbot, tmp_path: Path, language: str, expected: str
) -> None:
    from fever_desk.i18n import set_language

    set_language(language)
    db_path = tmp_path / "station.sqlite3"
    db_path.write_bytes(b"this is a shopping list, not a database\n" * 50)
    before = db_path.read_bytes()
    window, worker = start_on(qtbot, db_path, Settings(language=language), tmp_path)
    try:
        assert window.banner.isVisible()
        assert expected in window.banner.text()
        # Saving is refused politely and the form keeps its contents.
        window.form.name.setText("Zhou")
        window.desk.save(object())  # type: ignore[arg-type]
        assert window.form.name.text() == "Zhou"
    finally:
        worker.stop()
    assert db_path.read_bytes() == before


def test_database_from_a_newer_version_is_refused_untouched(qtbot, tmp_path: Path) -> None:
    db_path = tmp_path / "station.sqlite3"
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    conn.close()
    before = db_path.read_bytes()
    window, worker = start_on(qtbot, db_path, Settings(), tmp_path)
    try:
        assert "新版本" in window.banner.text() or "更新" in window.banner.text()
    finally:
        worker.stop()
    assert db_path.read_bytes() == before
