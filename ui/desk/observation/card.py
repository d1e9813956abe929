"""Which fields of the observation registration an ID card fills (``RegisterDialog.id_card_slots``).

Only a registration typed by hand takes a card: one made from a screening or a purchase shows the stored
record's person (read-only, masked) and the operation takes the person from that record, so a card there
would put on screen details that are not the ones saved.  By hand the card fills name, sex, age (the
card's birth date as an age today: the dialog's age field takes whole years, and the ID number fixes the
birth date anyway), ID number and address; the phone is not on a card.  The marks, the expired note and
the question before overwriting typed text are the reader's own (``ui.desk.idcard``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fever_desk.i18n import tr
from fever_desk.identity import age_on
from fever_desk.model import Sex
from ui.desk.idcard.fill import Slot
from ui.desk.idcard.targets import line_slot


def registration_slots(dialog: Any) -> list[Slot] | None:
    """The slots of a by-hand registration, or None for one taken from a saved record."""
    if dialog.origin.kind != "hand" or dialog.sex is None:
        return None
    fields, sex = dialog.person_fields, dialog.sex
    return [
        line_slot("name", fields["name"], lambda c: c.name, lambda: tr("Name")),
        Slot(
            "sex",
            sex,
            lambda c: c.sex if c.sex in (Sex.MALE, Sex.FEMALE) else None,
            sex.value,
            sex.set_value,
            sex.changed,
            lambda: tr("Sex"),
            style=False,
        ),
        line_slot("age", fields["age"], lambda c: str(age_on(c.birth_date, date.today())), lambda: tr("Age")),
        line_slot("id_number", fields["id_number"], lambda c: c.id_number, lambda: tr("ID number")),
        line_slot("address", fields["address"], lambda c: c.address, lambda: tr("Address")),
    ]
