"""The station's first-run setup: what it is, where it refers to, and when it reports — checked here.

A slip that says ``定点救治医院：-`` sends a feverish patient out without an address.  So the first start
asks for the station's particulars once, right after the administrator is created, and a settings file
from an older version (without them) makes the setup ask again.  The 6-digit administrative area code
is checked and stored (``Settings.area_code``) for the county's reports; no report or export prints
it yet.  The checks live in the pure core so that the setup
dialog, the settings dialog and the command line refuse the same values with the same words; each
message names its field, because the dialog may show several at once.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, fields

from fever_desk.i18n import current_language, tr
from fever_desk.settings import Hospital, Settings
from fever_desk.validation import check_phone

# GB/T 2260 province-level codes: the first two digits of every real administrative area code.
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}
)
MODES = ("screening", "pharmacy", "both")
# Public-service numbers a hotline may be: 120, 12320 (health), 12345 (government); 95xxx and 96xxx
# service lines; 400/800 numbers (10 digits).  Ordinary phones are checked by ``check_phone``.
_SERVICE = re.compile(r"^(1\d{2}|1\d{4}|9[56]\d{3,6}|[48]00-?\d{3}-?\d{4})$")
_CUTOFF = re.compile(r"^(\d{1,2}):(\d{2})$")


def field_labels() -> dict[str, str]:
    """Each setup field's name as the dialog shows it, in the current language (also used in messages)."""
    return {
        "institution": tr("Institution"),
        "station_name": tr("Station name"),
        "hospital_name": tr("Designated hospital"),
        "hospital_address": tr("Hospital address"),
        "hospital_phone": tr("Hospital phone"),
        "hotline": tr("Hotline"),
        "area_code": tr("Area code (GB/T 2260)"),
        "report_cutoff": tr("Daily report cutoff"),
        "station_mode": tr("Station mode"),
    }


@dataclass
class SetupDraft:
    """The setup's fields as typed; the dialog hands them over untouched so a correction loses nothing."""

    institution: str = ""
    station_name: str = ""
    hospital_name: str = ""
    hospital_address: str = ""
    hospital_phone: str = ""
    hotline: str = ""
    area_code: str = ""
    report_cutoff: str = "16:00"
    station_mode: str = "screening"

    @classmethod
    def from_settings(cls, settings: Settings) -> SetupDraft:
        hospital = settings.designated_hospital
        return cls(
            institution=settings.institution,
            station_name=settings.station_name,
            hospital_name=hospital.name,
            hospital_address=hospital.address,
            hospital_phone=hospital.phone,
            hotline=settings.hotline,
            area_code=settings.area_code,
            report_cutoff=settings.report_cutoff,
            station_mode=settings.station_mode,
        )


def check_area_code(raw: str) -> tuple[str, str]:
    """(the code, the problem or ""): six digits whose first two name a real province-level unit."""
    code = raw.strip()
    if not code:
        return "", tr("Enter the station's 6-digit administrative area code.")
    if not re.fullmatch(r"\d{6}", code):
        return code, tr("The area code must be exactly 6 digits, such as 430102.")
    if int(code[:2]) not in PROVINCES:
        return code, tr(
            "{prefix} is not a province code: the area code starts with 11–65, 71, 81 or 82.", prefix=code[:2]
        )
    if code.endswith("0000") and code[:2] not in ("71", "81", "82"):  # those have no county codes
        return code, tr("This is a whole province: enter the county or district code (the last digits).")
    return code, ""


def check_hotline(raw: str) -> tuple[str, str]:
    """(the hotline as stored, the problem or ""): a phone ``check_phone`` accepts, or a service number."""
    number = re.sub(r"\s", "", raw)
    if not number:
        return "", tr("Enter the hotline patients can call, such as 12320.")
    if _SERVICE.match(number):
        return number, ""
    phone, problem = check_phone(number, required=True)
    if problem:
        return phone, tr("The hotline should be a service number such as 12320, a mobile or a landline.")
    return phone, ""


def check_cutoff(raw: str) -> tuple[str, str]:
    """(``HH:MM``, the problem or ""): the daily report's cutoff, a time of day on the 24-hour clock."""
    match = _CUTOFF.match(raw.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return raw.strip(), tr("The cutoff must be a time such as 16:00 (hours 00–23, minutes 00–59).")
    return f"{int(match.group(1)):02d}:{match.group(2)}", ""


def _text(raw: str, required: str, limit: int = 60) -> tuple[str, str]:
    value = " ".join(raw.split())
    if not value:
        return "", required
    if len(value) > limit:
        return value, tr("Too long (at most {limit} characters).", limit=limit)
    return value, ""


def check_setup(draft: SetupDraft) -> tuple[SetupDraft | None, dict[str, str]]:
    """The cleaned values, or per field a message that starts with the field's name (never both)."""
    checks = {
        "institution": _text(draft.institution, tr("Enter the name of the clinic or pharmacy.")),
        "station_name": _text(
            draft.station_name, tr("Enter the name of this counter, as the slip shows it.")
        ),
        "hospital_name": _text(
            draft.hospital_name, tr("Enter the designated hospital patients are sent to.")
        ),
        "hospital_address": _text(draft.hospital_address, tr("Enter the hospital's address."), 120),
        "hospital_phone": check_phone(draft.hospital_phone, required=True),
        "hotline": check_hotline(draft.hotline),
        "area_code": check_area_code(draft.area_code),
        "report_cutoff": check_cutoff(draft.report_cutoff),
        "station_mode": (
            draft.station_mode,
            "" if draft.station_mode in MODES else tr("Choose desk, pharmacy or both."),
        ),
    }
    labels = field_labels()
    errors = {
        name: tr("{field}: {problem}", field=labels[name], problem=problem)
        for name, (_value, problem) in checks.items()
        if problem
    }
    if errors:
        return None, errors
    return SetupDraft(**{name: value for name, (value, _problem) in checks.items()}), {}


def apply_setup(settings: Settings, values: SetupDraft) -> Settings:
    """A copy of ``settings`` with the checked setup values, marked as set up (the original is untouched)."""
    new = copy.deepcopy(settings)
    new.institution, new.station_name = values.institution, values.station_name
    new.designated_hospital = Hospital(values.hospital_name, values.hospital_address, values.hospital_phone)
    new.hotline, new.area_code = values.hotline, values.area_code
    new.report_cutoff, new.station_mode = values.report_cutoff, values.station_mode
    new.setup_done = True
    return new


def needs_setup(settings: Settings) -> bool:
    """True until the setup was completed once and every value in it still passes the checks.

    A settings file from before the setup existed has no ``setup_done`` (nor an area code), so the
    station asks for them at the administrator's next login.
    """
    return not settings.setup_done or bool(check_setup(SetupDraft.from_settings(settings))[1])


def slip_gaps(settings: Settings) -> list[str]:
    """The names (current language) of what a referral slip needs and the settings lack; [] when complete.

    Printing with any of these empty would send the patient out with a dash where the hospital should be.
    """
    labels = field_labels()
    hospital = settings.designated_hospital
    values = {
        "station_name": settings.station_name,
        "hospital_name": hospital.name,
        "hospital_address": hospital.address,
        "hospital_phone": hospital.phone,
        "hotline": settings.hotline,
    }
    return [labels[name] for name, value in values.items() if not value.strip()]


def listed(names: list[str]) -> str:
    """Field names run together as the language writes a list (顿号 in Chinese)."""
    return ("、" if current_language().startswith("zh") else ", ").join(names)


def counters_shown(settings: Settings) -> tuple[bool, bool]:
    """(pre-screening desk, pharmacy register) as the station mode allows them.

    Before the setup is done the mode is only a guess (older versions saved ``screening`` by default
    while using both counters), so both are allowed until an administrator has chosen.
    """
    mode = settings.station_mode if settings.setup_done else "both"
    return mode in ("screening", "both"), mode in ("pharmacy", "both")


SETUP_FIELDS = tuple(f.name for f in fields(SetupDraft))
