"""What the observation register's registration dialog checks, away from its widgets: the person typed by
hand (as at the desk: name, GB 11643 ID number agreeing with the sex, age, phone), the exposure date that
fixes the 14 days, how a record's ID and phone are shown (masked, as in the list they came from), and what
the counter says once the person is registered.  Every problem is a sentence in the user's language, keyed
by the field it concerns (``ui/desk/observation/register_dialog.py`` writes it under that field).
"""

from __future__ import annotations

from datetime import date

from fever_desk.i18n import tr
from fever_desk.identity import InvalidIdNumber, age_on, mask_id, mask_phone, parse_resident_id
from fever_desk.model import Person, Sex
from fever_desk.observation.rules import OBSERVATION_DAYS, day_number, planned_release
from fever_desk.validation import check_phone
from ui.desk.screening.form import parse_date
from ui.services import observation as ops


def today() -> date:
    return date.today()


def shown(key: str, value: str, by_hand: bool) -> str:
    """A record's ID number and phone are masked here as in the lists they were chosen from: the
    operation takes the full values from the stored record, and revealing one is a logged action."""
    if by_hand or not value:
        return value
    if key == "id_number":
        return mask_id(value)
    return mask_phone(value) if key == "phone" else value


def check_person(fields: dict[str, str], sex: Sex | None, now: date) -> tuple[Person | None, dict[str, str]]:
    """The typed person, or the problems keyed by field (never both), in the user's language."""
    errors: dict[str, str] = {}
    name = " ".join(fields["name"].split())
    if not name:
        errors["name"] = tr("Enter the name.")
    elif len(name) > 40:
        errors["name"] = tr("The name is too long (at most 40 characters).")
    id_number, birth = fields["id_number"].strip().upper(), None
    if id_number:
        try:
            rid = parse_resident_id(id_number, today=now)
        except InvalidIdNumber as exc:
            errors["id_number"] = exc.localized()
        else:
            id_number, birth = rid.number, rid.birth_date
            if sex not in (None, Sex.UNKNOWN, rid.sex):
                errors["sex"] = tr("The sex does not match the ID number.")
            sex = rid.sex
    age: int | None = None
    age_text = fields["age"].strip()
    if age_text:
        if not age_text.isdigit() or not 0 <= int(age_text) <= 120:
            errors["age"] = tr("The age must be a whole number from 0 to 120.")
        else:
            age = int(age_text)
    if birth is not None:
        age = age_on(birth, now)
    phone, problem = check_phone(fields["phone"], required=True)
    if problem:
        errors["phone"] = problem
    if errors:
        return None, errors
    person = Person(
        name=name,
        sex=sex or Sex.UNKNOWN,
        age=age,
        birth_date=birth,
        id_number=id_number,
        phone=phone,
        address=fields["address"].strip(),
    )
    return person, {}


def check_exposure_date(text: str, now: date) -> tuple[date | None, str]:
    """The last exposure or return date, or why it cannot be used."""
    if not text.strip():
        return None, tr("Enter the date of the last exposure or of the return.")
    try:
        last = parse_date(text, now)
    except ValueError:
        return None, tr("Write the date as 2026-11-28.")
    if last is None or last > now:
        return None, tr("The last exposure cannot be in the future.")
    if day_number(last, now) > OBSERVATION_DAYS:
        return None, tr(
            "The 14 days after {day} are over (released on {release}): no observation is needed.",
            day=last.isoformat(),
            release=planned_release(last).isoformat(),
        )
    return last, ""


def registered_text(saved: ops.ObservationSaved) -> str:
    """What the counter or the worklist says after a registration (or finding the person already on)."""
    observation = saved.observation
    name, day = observation.person.name, planned_release(observation.exposure.last_date).isoformat()
    if saved.existing:
        return tr("{name} was already under observation (planned release {day}).", name=name, day=day)
    if saved.queued:
        return tr(
            "{name} registered on this counter; planned release {day}. Sent when the server is back.",
            name=name,
            day=day,
        )
    return tr("{name} registered for observation; planned release {day}.", name=name, day=day)
