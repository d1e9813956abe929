"""The rows of a counter's day list: only what the list shows, numbers already masked.

Today's screenings and today's purchases show a handful of columns of up to 500 records, read again on
every search and whenever another counter saves.  Building the whole record for each row (answers,
reasons, drug lines, every date) was most of the cost of the first read of a day, and the list needed
none of it.  So the lists read a :class:`ScreeningLine` or :class:`PurchaseLine` per row (the database
selects just these columns, ``db.day_lines``), and the full record is loaded by id only when a row is
opened (corrected, printed, a result recorded, the full ID shown).  The ID number and the phone are
masked here, when the line is made, so a list row never holds the full numbers.

A record saved on this counter is shown as ``ScreeningLine.of(record)``: the same line the database
would give for it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from fever_desk.identity import mask_id, mask_phone
from fever_desk.model import Disposition, Screening, Sex
from fever_desk.pharmacy import Advice, DrugLine, Purchase


@dataclass(frozen=True, slots=True)
class ScreeningLine:
    """One row of today's screenings (``ui.desk.screening.today_list``)."""

    id: uuid.UUID
    version: int
    created_at: datetime | None
    name: str
    sex: Sex
    age: int | None
    temperature_c: float | None
    disposition: Disposition | None
    phone_masked: str
    id_masked: str

    @classmethod
    def of(cls, screening: Screening) -> ScreeningLine:
        person, outcome, temperature = screening.person, screening.outcome, screening.temperature
        return cls(
            id=screening.id,
            version=screening.version,
            created_at=screening.created_at,
            name=person.name,
            sex=person.sex,
            age=person.age,
            temperature_c=None if temperature is None else temperature.celsius,
            disposition=None if outcome is None else outcome.disposition,
            phone_masked=mask_phone(person.phone),
            id_masked=mask_id(person.id_number) if person.id_number else "",
        )


@dataclass(frozen=True, slots=True)
class PurchaseLine:
    """One row of today's purchases (``ui.desk.pharmacy.purchase_list``); ``medicines`` as shown."""

    id: uuid.UUID
    created_at: datetime | None
    name: str
    id_masked: str
    phone_masked: str
    temperature_c: float
    advice: Advice
    medicines: str

    @classmethod
    def of(cls, purchase: Purchase) -> PurchaseLine:
        who = purchase.purchaser
        return cls(
            id=purchase.id,
            created_at=purchase.created_at,
            name=who.name,
            id_masked=mask_id(who.id_number),
            phone_masked=mask_phone(who.phone),
            temperature_c=purchase.temperature.celsius,
            advice=purchase.advice,
            medicines=medicines_text(purchase.drugs),
        )


def medicines_text(drugs: list[DrugLine] | list[tuple[str, int]]) -> str:
    """``布洛芬×1、连花清瘟×2``: drug lines (or (name, quantity) pairs) as the register list shows them."""
    pairs = [(d.name, d.quantity) if isinstance(d, DrugLine) else d for d in drugs]
    return "、".join(f"{name}×{quantity}" for name, quantity in pairs)
