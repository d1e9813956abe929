"""Checks on what the nurse typed, before anything is saved.

The form hands over raw text exactly as typed; this module says per field what is wrong, in the user's
language, and never alters the draft, so that a correction loses nothing.  Only a draft without problems
becomes a ``Person`` and a ``Temperature``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from fever_desk.i18n import tr
from fever_desk.identity import InvalidIdNumber, age_on, is_mobile, parse_resident_id
from fever_desk.model import MeasureMode, Person, Sex, Temperature, TemperatureSource

BODY_MIN_C = 34.0
BODY_MAX_C = 43.0
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


@dataclass
class TemperatureDraft:
    """The temperature as a counter form holds it: the text, and where it came from.

    Both counters' drafts carry these fields (``ui.desk.thermometer.temperature_field`` fills them), so a
    reading from the thermometer is stored the same way whichever counter took it.
    """

    temperature: str = ""
    temperature_source: TemperatureSource = TemperatureSource.MANUAL
    temperature_mode: MeasureMode = MeasureMode.BODY
    temperature_at: datetime | None = None
    temperature_device: str = ""

    def checked_temperature(self, celsius: float) -> Temperature:
        """The domain value, once ``celsius`` has passed :func:`check_temperature`."""
        return Temperature(
            celsius=celsius,
            source=self.temperature_source,
            mode=self.temperature_mode,
            measured_at=self.temperature_at,
            device=self.temperature_device,
        )


def check_phone(raw: str, *, required: bool) -> tuple[str, str]:
    """(the phone as stored, the problem or "")."""
    phone = re.sub(r"\s", "", raw)
    if not phone:
        return "", tr("Enter a phone number.") if required else ""
    if not (is_mobile(phone) or _LANDLINE.match(phone)):
        return phone, tr("The phone number should be 11 digits starting with 1, or a landline.")
    return phone, ""


def check_temperature(raw: str, *, required: bool) -> tuple[float | None, str]:
    """(°C, the problem or ""): a number a body can have, or a request to measure again."""
    if not raw.strip():
        return None, tr("Enter the temperature.") if required else ""
    celsius = parse_temperature(raw)
    if celsius is None:
        return None, tr("The temperature must be a number such as 36.5.")
    if not BODY_MIN_C <= celsius <= BODY_MAX_C:
        return None, tr(
            "{value} °C is outside {low}–{high} °C: please measure again.",
            value=f"{celsius:.1f}",
            low=BODY_MIN_C,
            high=BODY_MAX_C,
        )
    return celsius, ""


@dataclass
class Draft(TemperatureDraft):
    """The form's fields as text; booleans and dates the widgets already hold as such."""

    name: str = ""
    sex: Sex | None = None
    age: str = ""
    birth_date: date | None = None
    id_number: str = ""
    phone: str = ""
    address: str = ""
    onset_date: date | None = None
    symptoms: dict[str, bool | None] = field(default_factory=dict)
    epidemiological: dict[str, bool | None] = field(default_factory=dict)
    clinical: dict[str, bool | None] = field(default_factory=dict)


@dataclass
class Checked:
    person: Person
    temperature: Temperature
    onset_date: date | None


def parse_temperature(text: str) -> float | None:
    text = text.strip().replace("，", ".").replace(",", ".").rstrip("°Cc℃ ")
    try:
        return round(float(text), 2)
    except ValueError:
        return None


def check_draft(draft: Draft, *, today: date) -> tuple[Checked | None, dict[str, str]]:
    """Return the checked values, or the problems keyed by field name (never both)."""
    errors: dict[str, str] = {}
    name = " ".join(draft.name.split())
    if not name:
        errors["name"] = tr("Enter the patient's name.")
    elif len(name) > 40:
        errors["name"] = tr("The name is too long (at most 40 characters).")

    sex = draft.sex
    birth = draft.birth_date
    id_number = draft.id_number.strip().upper()
    if id_number:
        try:
            rid = parse_resident_id(id_number, today=today)
        except InvalidIdNumber as exc:
            errors["id_number"] = exc.localized()
        else:
            id_number = rid.number
            if sex not in (None, Sex.UNKNOWN, rid.sex):
                errors["sex"] = tr("The sex does not match the ID number.")
            sex = rid.sex
            birth = rid.birth_date
    if sex is None:
        errors.setdefault("sex", tr("Choose the sex."))

    age: int | None = None
    if draft.age.strip():
        if not draft.age.strip().isdigit() or not 0 <= int(draft.age.strip()) <= 120:
            errors["age"] = tr("The age must be a whole number from 0 to 120.")
        else:
            age = int(draft.age.strip())
    if birth is not None:
        if birth > today:
            errors["age"] = tr("The birth date is in the future.")
        else:
            derived = age_on(birth, today)
            if age is not None and abs(age - derived) > 1:
                errors["age"] = tr("The age does not match the birth date ({age}).", age=derived)
            age = derived
    if age is None and "age" not in errors:
        errors["age"] = tr("Enter the age or the birth date.")

    phone, problem = check_phone(draft.phone, required=True)
    if problem:
        errors["phone"] = problem

    celsius, problem = check_temperature(draft.temperature, required=True)
    if problem:
        errors["temperature"] = problem

    has_symptom = any(v is True for v in draft.symptoms.values())
    if draft.onset_date is not None and draft.onset_date > today:
        errors["onset_date"] = tr("The onset date is in the future.")
    elif has_symptom and draft.onset_date is None:
        errors["onset_date"] = tr("Enter the date the symptoms began.")

    if errors:
        return None, errors
    assert sex is not None and celsius is not None
    person = Person(
        name=name,
        sex=sex,
        age=age,
        birth_date=birth,
        id_number=id_number,
        phone=phone,
        address=draft.address.strip(),
    )
    return Checked(person, draft.checked_temperature(celsius), draft.onset_date), {}
