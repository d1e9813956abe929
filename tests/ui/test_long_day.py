"""What a long day at a counter must not keep: the previous person's keys in the next person's fields.

A form emptied for the next patient with ``QLineEdit.clear()`` kept the cleared text, and every key
typed before it, in each field's undo history: Ctrl+Z in the next patient's empty name field brought the
previous patient's name back, and the histories grew all day (found in ``bench.bench_soak``'s memory).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.ui.conftest import Desk
from tests.ui.test_pharmacy_screen import Counter, counter, fill_routine_purchaser, key  # noqa: F401

Key = Qt.Key


def undo_in(edit: QLineEdit) -> str:
    """Ctrl+Z pressed in ``edit`` (focused first, as the nurse would click or Tab there): what it shows."""
    edit.setFocus(Qt.FocusReason.OtherFocusReason)
    key(Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    return edit.text()


def test_ctrl_z_after_a_save_does_not_bring_back_the_previous_patient(desk: Desk, qtbot) -> None:
    kb, form = desk.keyboard, desk.window.form
    kb.routine_patient()
    with qtbot.waitSignal(desk.window.saved, timeout=10000):
        kb.key(Key.Key_Return)
    assert QApplication.focusWidget() is form.name
    for edit in (form.name, form.age, form.phone, form.temperature):
        assert undo_in(edit) == "", edit.objectName()


def test_ctrl_z_after_esc_esc_does_not_bring_back_the_cleared_form(desk: Desk) -> None:
    kb, form = desk.keyboard, desk.window.form
    kb.type("Li Wei")
    kb.key(Key.Key_Escape)
    kb.key(Key.Key_Escape)
    assert form.name.text() == ""
    assert undo_in(form.name) == ""


def test_ctrl_z_after_a_purchase_does_not_bring_back_the_previous_purchaser(qtbot, counter: Counter) -> None:  # noqa: F811
    screen = counter.screen
    fill_routine_purchaser()
    form = screen.form
    with qtbot.waitSignal(screen.saved, timeout=10000):
        key(Key.Key_Return)
    assert form.name.text() == ""
    for edit in (form.name, form.id_number, form.phone, form.address, form.temperature, form.drugs.drug):
        assert undo_in(edit) == "", edit.objectName()


def test_the_soak_s_keyboard_closes_the_catalogue_s_popup_as_a_real_one_does(qtbot, counter: Counter) -> None:  # noqa: F811
    """``bench.soak_driver`` types purchasers as the window system delivers keys: to an open popup first.

    Sent straight to the medicine field, keys left the completer's popup open all day and the completer
    was connected to the field once more at each focus return: a growth of the soak's making, which the
    soak then measured as the desk's (``bench.bench_soak``)."""
    from PySide6.QtCore import SIGNAL

    from bench import soak_driver as drive

    screen = counter.screen
    completer = screen.form.drugs.completer
    connected = []
    for n in range(3):
        drive.type_purchaser(n)
        assert QApplication.activePopupWidget() is None
        with qtbot.waitSignal(screen.saved, timeout=10000):
            drive.key(Key.Key_Return)
        connected.append(completer.receivers(SIGNAL("activated(QString)")))
    assert connected == [connected[0]] * 3 and connected[0] <= 1, connected
    assert all("布洛芬缓释胶囊" in line.medicines for line in screen.today.rows)  # the completion was taken
