"""Typing a patient through the form leaves the rest of the screen still (issue #15, item 5).

The outcome panel above today's list says what is still missing, a line fewer with nearly every field
filled in; when its height followed that text, today's list moved and its scroll bars were repainted on
nearly every key.  The slip panel below it did the same on each save and print.  A nurse saw the list jump
while she typed; the GUI thread spent its paint time on scroll bars.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import Desk

Key = Qt.Key


def placement(desk: Desk) -> tuple[QPoint, int, int]:
    """Where today's table starts in its pane, its width, and the outcome panel's height.

    Measured within the pane: banners the main window shows above every screen are not this screen's."""
    QApplication.sendPostedEvents()  # the layout requests a key posted, as the event loop runs them
    QApplication.processEvents()
    today = desk.window.today
    return (
        today.table.mapTo(today.parentWidget(), QPoint(0, 0)),
        today.table.width(),
        desk.window.form.outcome.height(),
    )


def test_typing_patients_through_the_form_leaves_todays_list_where_it_is(desk: Desk, qtbot) -> None:
    kb, form, window = desk.keyboard, desk.window.form, desk.window
    before = placement(desk)
    moves: list[tuple[str, object]] = []

    def press(*keys: str | Qt.Key) -> None:
        for key in keys:
            kb.type(key) if isinstance(key, str) else kb.key(key)
            now = placement(desk)
            if now != before:
                moves.append((str(key), now))

    for name, temperature in (("Wang Fang", "36.5"), ("Li Wei", "38.6")):
        press(*name, Key.Key_Tab, Key.Key_2, Key.Key_Tab, *"34", Key.Key_Tab, *"13912345678", Key.Key_Tab)
        press(*temperature, Key.Key_F8)
        assert form.outcome.outcome is not None  # the form is complete: the outcome is shown
        with qtbot.waitSignal(window.day_loaded, timeout=10000):
            kb.key(Key.Key_Return)
        assert form.outcome.caption.text()  # "Saved: …"
        now = placement(desk)
        if now != before:
            moves.append(("Return", now))
    assert window.today.model.rowCount() == 2
    assert moves == [], f"today's list moved from {before}: {moves[:5]}"


class Paints(QObject):
    """Counts the paint events of the widget it watches."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.count += event.type() == QEvent.Type.Paint
        return False


def test_typing_does_not_repaint_the_forms_scroll_bar(desk: Desk, qtbot) -> None:
    """A key that changed the outcome's lines used to relayout, and so repaint, the whole window: the
    window's tabs repaint themselves whole on every layout request that reaches them."""
    kb, form = desk.keyboard, desk.window.form
    bar = form.parentWidget().parentWidget().verticalScrollBar()
    assert bar.isVisible()  # the form is taller than the screen: the nurse sees this bar
    placement(desk)  # the first paints after showing are done
    paints = Paints()
    bar.installEventFilter(paints)
    keys: list[str | Qt.Key] = [*"Wang Fang", Key.Key_Tab, Key.Key_2, Key.Key_Tab, *"34", Key.Key_Tab]
    keys += [*"13912345678", Key.Key_Tab, *"36.5", Key.Key_F8]
    for key in keys:
        kb.type(key) if isinstance(key, str) else kb.key(key)
        placement(desk)  # each key's repaint happens before the next key, as at a real desk
    bar.removeEventFilter(paints)
    assert form.outcome.outcome is not None
    # The bar itself did not change; a repaint or two from the window's own timers is not the typing's.
    assert paints.count <= 2, (
        f"the form's scroll bar was repainted {paints.count} times over {len(keys)} keys"
    )
