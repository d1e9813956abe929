"""Opening a row of today's list: the view's double-click, then the whole record loaded by the desk."""

from __future__ import annotations

from typing import Any


def open_first_row(qtbot: Any, today: Any) -> Any:
    """Double-click ``today``'s first row (the view's signal; a synthetic mouse double-click does not
    reach the view under the offscreen platform here); returns the screening the desk loaded for it."""
    index = today.model.index(0, 1)
    with qtbot.waitSignal(today.open_requested, timeout=10000) as opened:
        today.table.doubleClicked.emit(index)
    return opened.args[0]
