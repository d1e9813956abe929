"""What a referral slip says, worked out from a saved screening as plain data, before any drawing.

Keeping the words apart from the layout lets tests check the content directly and lets the 80 mm and A5
layouts print exactly the same facts.  Every string here is already in the slip's language, which may differ
from the UI's (a Chinese desk may print an English slip for a foreign patient), hence ``tr_in``.

Slip numbers are ``<station>-<YYMMDD>-<6 hex>``, e.g. ``9C3A-200207-4F1B2C``:

- ``<station>``: the first four characters of the station id, upper-cased (the default id is random hex);
  an id that does not start with four ASCII letters or digits is replaced by four hex digits of its SHA-256.
- ``<YYMMDD>``: the local date of the screening, so a number read out on the phone narrows the search.
- ``<6 hex>``: the first six hex digits of the screening's UUID.  The number is thus derived, not counted:
  no counter between desks, reprints get the same number, and the desk finds the record with a prefix
  match on the UUID.  Six digits rather than four because collisions are a birthday problem: 100 slips in
  one day at one station collide with probability about 7 % with four digits but 0.03 % with six.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fever_desk.guidelines import Guideline, get_guideline
from fever_desk.i18n import LANGUAGES, tr_in
from fever_desk.identity import age_on, mask_id, mask_phone
from fever_desk.model import Disposition, Screening, Sex, TemperatureSource
from fever_desk.settings import Settings
from fever_desk.slips.fonts import printable
from fever_desk.slips.signing import SigningKeys, sign_payload
from fever_desk.triage import disposition_label

_TIME = "%Y-%m-%d %H:%M"


def station_short_id(station_id: str) -> str:
    head = station_id[:4]
    if len(head) == 4 and re.fullmatch(r"[A-Za-z0-9]{4}", head):
        return head.upper()
    return hashlib.sha256(station_id.encode("utf-8")).hexdigest()[:4].upper()


def slip_number(screening: Screening, station_id: str, day: datetime) -> str:
    """See the module docstring; ``day`` is used only for its date (the screening's, when known)."""
    return f"{station_short_id(station_id)}-{day:%y%m%d}-{screening.id.hex[:6].upper()}"


@dataclass(frozen=True)
class SlipContent:
    """Every printed value, in the slip's language, masked where the issue asks; ``labels`` are headings."""

    language: str
    slip_number: str
    institution: str
    station: str
    issued_at: datetime
    name: str
    sex: str
    age: str
    id_number: str
    phone: str
    temperature: str
    symptoms: tuple[str, ...]
    epidemiological: tuple[str, ...]
    disposition: Disposition
    disposition_label: str
    reasons: tuple[str, ...]
    hospital_name: str
    hospital_address: str
    hospital_phone: str
    instructions: tuple[str, ...]
    operator: str
    hotline: str
    qr_payload: str
    key_fingerprint: str
    labels: Mapping[str, str]


def _labels(lang: str) -> dict[str, str]:
    return {
        "title": tr_in(lang, "Pre-screening referral slip"),
        "number": tr_in(lang, "Slip No."),
        "station": tr_in(lang, "Station"),
        "issued": tr_in(lang, "Date and time"),
        "name": tr_in(lang, "Name"),
        "sex": tr_in(lang, "Sex"),
        "age": tr_in(lang, "Age"),
        "id_number": tr_in(lang, "ID number"),
        "phone": tr_in(lang, "Phone"),
        "temperature": tr_in(lang, "Temperature"),
        "symptoms": tr_in(lang, "Symptoms"),
        "epidemiological": tr_in(lang, "Epidemiological history"),
        "reasons": tr_in(lang, "Reasons"),
        "hospital": tr_in(lang, "Designated hospital"),
        "address": tr_in(lang, "Address"),
        "hospital_phone": tr_in(lang, "Phone"),
        "instructions": tr_in(lang, "Please"),
        "operator": tr_in(lang, "Operator"),
        "hotline": tr_in(lang, "Hotline"),
        "verify": tr_in(lang, "Scan to verify this slip; station key"),
        "none": tr_in(lang, "None"),
    }


def default_instructions(language: str) -> tuple[str, ...]:
    return (
        tr_in(language, "Wear a medical mask all the way and keep at least 1 metre from other people."),
        tr_in(language, "Do not take public transport (bus, metro, taxi): go by private car or call 120."),
        tr_in(language, "Go straight to the hospital named on this slip; show the slip at its fever clinic."),
        tr_in(language, "If you feel worse on the way, call 120."),
    )


def _setting(settings: Settings, name: str) -> Any:
    """A slip setting from a dedicated field if the settings have one, else from the kept JSON keys."""
    return getattr(settings, name, None) or settings.extra.get(name)


def instructions_for(settings: Settings, language: str) -> tuple[str, ...]:
    """``slip_instructions`` may be text, a list of lines, or ``{"zh_CN": ..., "en": ...}`` of either."""
    value = _setting(settings, "slip_instructions")
    if isinstance(value, dict):
        value = value.get(language)
    if isinstance(value, str):
        value = value.splitlines()
    if isinstance(value, list | tuple):
        lines = tuple(printable(str(line).strip()) for line in value if str(line).strip())
        if lines:
            return lines
    return default_instructions(language)


def _sex(sex: Sex, lang: str) -> str:
    if sex is Sex.MALE:
        return tr_in(lang, "Male")
    if sex is Sex.FEMALE:
        return tr_in(lang, "Female")
    return tr_in(lang, "Unknown")


def _local(moment: datetime) -> datetime:
    return moment.astimezone() if moment.tzinfo else moment


def _temperature(screening: Screening, lang: str) -> str:
    reading = screening.temperature
    if reading is None:
        return tr_in(lang, "Not measured")
    source = (
        tr_in(lang, "thermometer") if reading.source is TemperatureSource.DEVICE else tr_in(lang, "typed in")
    )
    parts = [f"{reading.celsius:.1f} °C", source]
    if reading.measured_at is not None:
        parts.append(f"{_local(reading.measured_at):%H:%M}")
    return " · ".join(parts)


def _answered_yes(items: Any, answers: Mapping[str, bool], lang: str) -> tuple[str, ...]:
    known = {item.id: item.text.get(lang) or item.text.get("zh_CN") or item.id for item in items}
    ordered = [known[i] for i in known if answers.get(i) is True]
    ordered += [i for i, yes in answers.items() if yes is True and i not in known]
    return tuple(printable(text) for text in ordered)


def compose_slip(
    screening: Screening,
    settings: Settings,
    keys: SigningKeys,
    *,
    guideline: Guideline | None = None,
    language: str | None = None,
    issued_at: datetime | None = None,
) -> SlipContent:
    """The slip for a saved, evaluated screening; signs the QR payload with ``keys``.

    ``guideline`` defaults to the one the outcome was evaluated with, because the item texts must be the
    ones the nurse asked; passing a different one is refused.  ``language`` defaults to the settings'.
    """
    outcome = screening.outcome
    if outcome is None:
        raise ValueError("a slip needs an evaluated screening (outcome is None)")
    guideline = guideline or get_guideline(outcome.guideline_id)
    if guideline.id != outcome.guideline_id:
        raise ValueError(f"the outcome was evaluated with {outcome.guideline_id}, not {guideline.id}")
    lang = language or settings.language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    issued = _local(issued_at or datetime.now().astimezone())
    screened = _local(screening.created_at) if screening.created_at else issued
    number = slip_number(screening, screening.station_id or settings.station_id, screened)
    person = screening.person
    age = person.age
    if age is None and person.birth_date is not None:
        age = age_on(person.birth_date, screened.date())
    hospital = settings.designated_hospital
    station = settings.station_name or settings.station_id
    return SlipContent(
        language=lang,
        slip_number=number,
        institution=printable(settings.institution),
        station=printable(station),
        issued_at=issued,
        name=printable(person.name),
        sex=_sex(person.sex, lang),
        age="" if age is None else tr_in(lang, "{age} years", age=age),
        id_number=mask_id(person.id_number.strip()),
        phone=mask_phone(person.phone.strip()),
        temperature=_temperature(screening, lang),
        symptoms=_answered_yes(guideline.symptoms, screening.answers.symptoms, lang),
        epidemiological=_answered_yes(guideline.epidemiological, screening.answers.epidemiological, lang),
        disposition=outcome.disposition,
        disposition_label=printable(disposition_label(outcome.disposition, lang)),
        reasons=tuple(printable(r.in_language(lang)) for r in outcome.reasons),
        hospital_name=printable(hospital.name),
        hospital_address=printable(hospital.address),
        hospital_phone=hospital.phone,
        instructions=instructions_for(settings, lang),
        operator=printable(screening.operator or settings.operator),
        hotline=settings.hotline,
        qr_payload=sign_payload(keys, number, settings.station_id, issued, outcome.disposition),
        key_fingerprint=keys.fingerprint(),
        labels=_labels(lang),
    )


def format_time(moment: datetime) -> str:
    return f"{moment:{_TIME}}"
