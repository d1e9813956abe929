"""The two counters in the window — the screening desk and the pharmacy register — and the keys that
follow whichever is in front: which tabs a role and the station mode show, the operator's home tab, F2
(next patient), Ctrl+F (find), and the thermometer, the card reader and the keyboard focus following the
counter form in front.

This is the one piece of the window that knows several features at once, so it stands beside the window
(``ui/desk/main_window.py``) rather than in a feature's folder; each feature installs itself
(``ui/desk/<feature>/wiring.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTabWidget, QWidget

if TYPE_CHECKING:
    from fever_desk.privacy import Permissions
    from fever_desk.settings import Settings


@dataclass
class Counters:
    """The screens the policy shows or hides, and the devices that fill the counter form in front."""

    tabs: QTabWidget
    desk: Any  # ui.desk.screening.desk.ScreeningDesk
    pharmacy: Any  # ui.desk.pharmacy.screen.PharmacyScreen
    people: QWidget
    reports: QWidget
    observation: QWidget
    county: QWidget
    devices: Any  # ui.desk.thermometer.controller.DeviceController
    card_reader: Any  # ui.desk.idcard.controller.CardReaderController

    def show_for(self, permissions: Permissions, settings: Settings) -> QWidget:
        """Show the counter tabs the role and the station mode allow; returns the operator's home tab.

        Nobody sees more than the role needs, and a station set up as a desk or a pharmacy shows only
        that counter (``fever_desk.station_setup.counters_shown``) — but never none: a role the mode
        leaves without a counter keeps its own.
        """
        from fever_desk.privacy import Permission
        from fever_desk.station_setup import counters_shown

        may_screen, may_sell = permissions.allows(Permission.SCREEN), permissions.allows(Permission.PHARMACY)
        desk_mode, pharmacy_mode = counters_shown(settings)
        desk, pharmacy = may_screen and desk_mode, may_sell and pharmacy_mode
        if not (desk or pharmacy):
            desk, pharmacy = may_screen, may_sell
        shown = (
            (self.desk, desk),
            (self.pharmacy, pharmacy),
            (self.people, may_screen or may_sell),
            (self.reports, permissions.allows(Permission.REPORT)),
            (self.observation, permissions.allows(Permission.OBSERVE)),
            (self.county, permissions.allows(Permission.COUNTY)),
        )
        for screen, allowed in shown:
            self.tabs.setTabVisible(self.tabs.indexOf(screen), allowed)
        if not (desk or pharmacy) and permissions.allows(Permission.COUNTY):
            return self.county  # the county's user: no counter, the county's view
        return self.pharmacy if pharmacy and (not desk or settings.station_mode == "pharmacy") else self.desk

    def mode_changed(self, permissions: Permissions, settings: Settings) -> None:
        """A new station mode shows or hides counters at once; the operator stays on a tab still shown."""
        home = self.show_for(permissions, settings)
        if not self.tabs.isTabVisible(self.tabs.currentIndex()):
            self.tabs.setCurrentWidget(home)

    def screen_changed(self, _index: int = -1) -> None:
        """The thermometer fills the temperature of whichever counter form is in front of the user."""
        screen = self.tabs.currentWidget()
        form = getattr(screen, "form", None)
        if form is not None and hasattr(form, "set_device_reading"):
            self.devices.form = form
            self.card_reader.form = form
        first = getattr(form, "name", None) or getattr(screen, "search", None)
        if isinstance(first, QWidget):
            first.setFocus()

    def _pharmacy_in_front(self) -> bool:
        """The pharmacy is in front, or the desk is not shown at all: F2 and Ctrl+F are the pharmacy's."""
        screen = self.tabs.currentWidget()
        return screen is self.pharmacy or not self.tabs.isTabVisible(self.tabs.indexOf(self.desk))

    def next_patient(self) -> None:
        """F2: a new, empty form on the counter in front."""
        if self._pharmacy_in_front():
            self.tabs.setCurrentWidget(self.pharmacy)
            self.pharmacy.next_record()
            return
        self.tabs.setCurrentWidget(self.desk)
        self.desk.form.clear()

    def find(self) -> None:
        """Ctrl+F: the search box of the counter in front (Find a person keeps its own)."""
        if self._pharmacy_in_front():
            self.tabs.setCurrentWidget(self.pharmacy)
            self.pharmacy.find()
            return
        if self.tabs.currentWidget() is not self.people:
            self.tabs.setCurrentWidget(self.desk)
            self.desk.today.search.setFocus()
