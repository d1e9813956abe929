"""#18: the observation register's lost-to-follow-up threshold has a field in Settings, bounded by the 14
days of an observation, saved to the settings file and used by the worklist (and the CLI's worklist)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from fever_desk.accounts import Role
from fever_desk.i18n import tr
from fever_desk.settings import Settings, load_settings
from tests.ui.conftest import Desk
from tests.ui.test_observation_desk import seed, show_register
from tests.ui.test_settings import log_in_as
from ui.desk.admin.settings_dialog import SettingsDialog


def _open_dialog(desk: Desk, qtbot) -> SettingsDialog:
    log_in_as(qtbot, desk.window, "admin", Role.ADMINISTRATOR)
    desk.window.open_settings()
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible())


def test_the_threshold_typed_in_settings_is_saved_and_used_by_the_worklist(desk: Desk, qtbot) -> None:
    long_ago = datetime.now().astimezone() - timedelta(days=5)
    seed(desk, qtbot, exposed=date.today() - timedelta(days=6), now=long_ago, name="Gao Yan")
    dialog = _open_dialog(desk, qtbot)
    field = dialog.lost_after
    assert field.value() == 2  # the default, from the file
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, "30")  # beyond the 14 days of an observation: the field refuses the 0
    assert field.value() == 3
    field.selectAll()
    QTest.keyClicks(field, "9")
    dialog.accept()
    assert load_settings(desk.settings_path).observation_lost_after_days == 9
    worklist = show_register(desk, qtbot).worklist
    worklist.refresh()
    qtbot.waitUntil(
        lambda: worklist.worklist is not None and worklist.worklist.lost_after_days == 9, timeout=10000
    )
    assert [i.name for i in worklist.worklist.overdue] == ["Gao Yan"] and worklist.worklist.lost == []


def test_a_threshold_outside_one_to_fourteen_is_refused_in_the_users_language(desk: Desk, qtbot) -> None:
    dialog = _open_dialog(desk, qtbot)
    dialog.lost_after.setValue(0)
    assert dialog.lost_after.value() == 1
    dialog.lost_after.setValue(15)
    assert dialog.lost_after.value() == 14
    # A hand-edited file may hold anything the field cannot: the settings' own check names it.
    for days in (0, 15):
        problems = Settings(observation_lost_after_days=days).problems()
        assert [field for field, _message in problems] == ["observation_lost_after_days"]
        assert tr(problems[0][1]) == "提示失访前的无记录天数须在 1 至 14 天之间。"
    assert Settings(observation_lost_after_days=14).problems() == []


def test_the_settings_file_carries_the_threshold_by_its_own_key(tmp_path) -> None:
    """Files written before the field (the key kept among the extra keys) read the same value."""
    path = tmp_path / "settings.json"
    data = Settings().to_json()
    data["observation_lost_after_days"] = "4"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.observation_lost_after_days == 4 and "observation_lost_after_days" not in loaded.extra
