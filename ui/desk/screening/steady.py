"""A splitter that passes a child's layout change up only when it changes what the splitter does.

Every text set on a label asks for a new layout up the parent chain (``QWidget::updateGeometry``): up
the right column, to this splitter, then the screen, the window's tabs and the window.  The tabs answer
a layout request by repainting themselves whole (``QTabWidget::setUpLayout``), so each key that changed
the outcome panel's "missing" lines repainted the entire window, the form's scroll bars included, though
nothing had moved (the outcome and slip panels hold their height: ``outcome_panel``, ``slips.panel``).

The splitter lays its children out from their visibility, minimum and maximum sizes and size policies;
when none of those changed, its own layout and minimum size cannot have changed either, and the request
stops here.  Its size *hint* is not compared: it only sizes a window not yet shown, and a request that
does go up (a child's minimum grew, a panel appeared) brings the ancestors' cached hints up to date.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QSplitter, QWidget


def _layout_facts(widget: QWidget) -> tuple[object, ...]:
    policy = widget.sizePolicy()
    return (
        widget.isHidden(),
        widget.minimumSizeHint().toTuple(),
        widget.minimumSize().toTuple(),
        widget.maximumSize().toTuple(),
        policy.horizontalPolicy(),
        policy.verticalPolicy(),
        policy.horizontalStretch(),
        policy.verticalStretch(),
    )


class SteadySplitter(QSplitter):
    """A :class:`QSplitter` that ignores layout requests changing none of its children's layout facts."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self._facts: tuple[object, ...] | None = None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            facts = tuple(_layout_facts(self.widget(i)) for i in range(self.count()))
            if facts == self._facts:
                return True  # nothing the splitter lays out by has changed: do not ask the window
            self._facts = facts
        return super().event(event)
