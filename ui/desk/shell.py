"""What a feature may ask of the main window when it installs itself: the window's side of the wiring.

Each feature folder has a ``wiring.py`` whose ``install_*`` function takes the window as a :class:`Shell`
and puts the feature in place — its tab, its status-bar widget or strip above the tabs, its menu actions
and shortcuts, what it stops on close and what it retranslates.  The window (``ui/desk/main_window.py``)
calls them in order and keeps only what spans features: the home tab each role and station mode gets,
the "next patient" and "find" keys, settings, and closing.  No ``wiring.py`` imports the window: this
protocol is all a feature's installation sees of it.  (The first-run station setup, installed by
``ui/desk/app.py``, still takes the window itself: not yet moved here.)  Screens refresh themselves from
``Station.changed``: nothing here wires a refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu, QMenuBar, QTabWidget, QWidget

    from ui.desk.station import Station


class Shell(Protocol):
    """The main window as the features see it."""

    station: Station
    tabs: QTabWidget
    station_menu: QMenu  # Station: next patient, find, settings, quit; features insert theirs before those
    help_menu: QMenu  # a feature's own menu goes before Help
    new_action: QAction
    find_action: QAction
    settings_action: QAction

    def add_status_widget(self, widget: QWidget) -> None:
        """A permanent widget in the status bar, right of those added before."""

    def add_strip(self, widget: QWidget) -> None:
        """A strip right above the tabs (below the problem banner), above those added before."""

    def on_close(self, stop: Callable[[], None]) -> None:
        """``stop`` is called when the window closes (threads joined, timers stopped), newest first."""

    def on_retranslate(self, retranslate: Callable[[], None]) -> None:
        """``retranslate`` is called on every language change, in the order installed."""

    def open_settings(self) -> None: ...

    def open_device_settings(self) -> None: ...

    def centralWidget(self) -> QWidget: ...

    def menuBar(self) -> QMenuBar: ...

    def addAction(self, action: QAction) -> None: ...
