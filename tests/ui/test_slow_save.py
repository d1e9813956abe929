"""A slow save that succeeds after the nurse typed on: what she typed after pressing save stays.

The save is slowed where a slow server slows it, on the database worker (the real
``ui.services.screening.save_screening`` runs once the test lets it go), while the GUI thread takes the
nurse's keys.  Before the fix the success cleared the whole form, taking the new typing with it.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from db.engine import make_engine
from tests.ui.conftest import Desk
from tests.ui.test_pharmacy_screen import (  # noqa: F401 - counter: the imported fixture
    commit,
    counter,
    fill_routine_purchaser,
    key,
    saved_rows,
)
from ui.services import screening as operations

Key = Qt.Key


def test_text_typed_while_a_slow_save_runs_is_not_cleared_when_it_succeeds(
    desk: Desk, qtbot, monkeypatch
) -> None:
    window, form, kb = desk.window, desk.window.form, desk.keyboard
    release, started = threading.Event(), threading.Event()
    real_save = operations.save_screening

    def slow_save(ctx, screening, **kwargs):
        started.set()
        assert release.wait(30), "the test never let the save go"
        return real_save(ctx, screening, **kwargs)

    monkeypatch.setattr(operations, "save_screening", slow_save)
    kb.routine_patient()
    saved_id = form.record_id
    kb.key(Key.Key_Return)
    qtbot.waitUntil(started.is_set, timeout=10000)
    # The save hangs; the nurse corrects nothing of it but starts on what comes next.
    form.address.setFocus()
    kb.type("Room 5")
    form.onset.setFocus()
    kb.type("2026-11-30")
    with qtbot.waitSignal(window.saved, timeout=30000) as saved:
        release.set()
    assert saved.args[0].id == saved_id
    # Typed after pressing save: still there, and where she was typing still has the keyboard.
    assert (form.address.text(), form.onset.text()) == ("Room 5", "2026-11-30")
    # What belonged to the saved record is cleared, and the form is a new record now.
    assert (form.name.text(), form.age.text(), form.phone.text(), form.temperature.text()) == ("", "", "", "")
    assert form.record_id != saved_id
    caption = form.outcome.caption.text()
    assert "Wang Fang" in caption and "新记录" in caption
    kb.type("!")
    assert form.onset.text() == "2026-11-30!"
    engine = make_engine(desk.db_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, age, address FROM screening")).all()
    engine.dispose()
    assert rows == [("Wang Fang", 34, "")]  # the record as it was when save was pressed


def test_a_save_with_nothing_typed_meanwhile_clears_the_form_as_before(desk: Desk, qtbot) -> None:
    form, kb = desk.window.form, desk.keyboard
    kb.routine_patient("Li Lei", sex=Key.Key_1, age="40", phone="13812345678", temperature="36.6")
    with qtbot.waitSignal(desk.window.saved, timeout=30000):
        kb.key(Key.Key_Return)
    assert (form.name.text(), form.address.text(), form.age.text()) == ("", "", "")
    assert "新记录" not in form.outcome.caption.text() and "Li Lei" in form.outcome.caption.text()


def test_the_pharmacy_keeps_what_was_typed_while_a_slow_registration_was_saved(
    qtbot,
    counter,  # noqa: F811 - the imported fixture
    monkeypatch,
) -> None:
    """The same at the pharmacy counter: text typed while the registration was being saved is still
    there when the save succeeds; the saved buyer's fields are cleared."""
    from ui.services import pharmacy as pharmacy_operations

    screen = counter.screen
    release, started = threading.Event(), threading.Event()
    real_save = pharmacy_operations.save_purchase

    def slow_save(*args, **kwargs):
        started.set()
        assert release.wait(30), "the test never let the save go"
        return real_save(*args, **kwargs)

    monkeypatch.setattr(pharmacy_operations, "save_purchase", slow_save)
    fill_routine_purchaser()
    key(Key.Key_Return)  # nothing in the medicine field: Enter saves
    qtbot.waitUntil(started.is_set, timeout=10000)
    screen.form.community.setFocus()
    commit("新桥村")
    with qtbot.waitSignal(screen.saved, timeout=30000) as saved:
        release.set()
    assert saved.args[0].purchaser.name == "王建国"
    assert screen.form.community.text() == "新桥村"  # typed after pressing save: kept
    assert screen.form.name.text() == "" and screen.form.phone.text() == ""  # the saved buyer's: cleared
    assert "新记录" in screen.status.text()


def test_the_pharmacy_keeps_the_answers_and_medicines_given_while_a_slow_registration_was_saved(
    qtbot,
    counter,  # noqa: F811 - the imported fixture
    monkeypatch,
) -> None:
    """Not only the text: a question answered and a medicine line added (and one being typed) after
    pressing save stay for the next buyer, while the saved buyer's answers and medicine are cleared.
    Before, the form cleared the questions and the medicine lines whatever was done meanwhile."""
    from ui.services import pharmacy as pharmacy_operations

    screen = counter.screen
    form = screen.form
    release, started = threading.Event(), threading.Event()
    real_save = pharmacy_operations.save_purchase

    def slow_save(*args, **kwargs):
        started.set()
        assert release.wait(30), "the test never let the save go"
        return real_save(*args, **kwargs)

    monkeypatch.setattr(pharmacy_operations, "save_purchase", slow_save)
    fill_routine_purchaser()  # F8 answered every question "no"; one medicine line, 布洛芬 x2
    key(Key.Key_Return)  # nothing in the medicine field: Enter saves
    qtbot.waitUntil(started.is_set, timeout=10000)
    # The next buyer is at the counter: the pharmacist answers a question and adds his medicines.
    first_symptom, question = next(iter(form.symptoms.fields.items()))
    question.setFocus()
    qtbot.waitUntil(question.hasFocus, timeout=5000)
    key(Key.Key_Y)
    form.drugs.drug.setFocus()
    qtbot.waitUntil(form.drugs.drug.hasFocus, timeout=5000)
    commit("急支糖浆")
    key(Key.Key_Return)  # adds the line
    commit("连花清瘟胶囊")  # typed, not added yet
    with qtbot.waitSignal(screen.saved, timeout=30000) as saved:
        release.set()
    bought = saved.args[0]
    assert [d.name for d in bought.drugs] == ["布洛芬缓释胶囊"]  # the registration as it was pressed
    assert not any(bought.symptoms.values())
    # What came after pressing save: still there.  What belonged to the saved buyer: cleared.
    assert [line.name for line in form.drugs.lines()] == ["急支糖浆"]
    assert form.drugs.drug.text() == "连花清瘟胶囊"
    answers = form.symptoms.values()
    assert answers[first_symptom] is True
    assert all(value is None for item, value in answers.items() if item != first_symptom)
    assert all(value is None for value in form.epidemiological.values().values())
    assert form.name.text() == "" and "新记录" in screen.status.text()
    assert QApplication.focusWidget() is form.drugs.drug  # where she was typing keeps the keyboard
    rows = saved_rows(counter)
    assert [[d.name for d in r.drugs] for r in rows] == [["布洛芬缓释胶囊"]]
