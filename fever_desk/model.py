"""The vocabulary of the counter, shared by every layer.

These are plain dataclasses so that the rules, the database adapters and the screens can exchange them
without any of them knowing how the others are built.  Everything a nurse can see on a saved screening is
here; nothing about how it is stored or drawn is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class Disposition(StrEnum):
    """Where the patient goes next; ordered from least to most severe."""

    ROUTINE = "routine"
    FEVER_CLINIC = "fever_clinic"
    SUSPECTED = "suspected"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Disposition.ROUTINE: 0, Disposition.FEVER_CLINIC: 1, Disposition.SUSPECTED: 2}


class TemperatureSource(StrEnum):
    """Where a temperature came from: a typed number is kept apart from a measured one."""

    MANUAL = "manual"
    DEVICE = "device"


class MeasureMode(StrEnum):
    """What a thermometer says it measured; body mode already includes the device's own offset."""

    BODY = "body"
    SURFACE = "surface"
    OBJECT = "object"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Temperature:
    celsius: float
    source: TemperatureSource = TemperatureSource.MANUAL
    mode: MeasureMode = MeasureMode.BODY
    measured_at: datetime | None = None
    device: str = ""


@dataclass(frozen=True)
class Reason:
    """One criterion that matched, in every language the station speaks.

    Both languages are kept with the record so that what the nurse saw is what the slip and the report
    say later, even if the UI language changes in between.
    """

    code: str
    text: dict[str, str]

    def in_language(self, language: str) -> str:
        return self.text.get(language) or self.text.get("zh_CN") or next(iter(self.text.values()), self.code)


@dataclass(frozen=True)
class Outcome:
    disposition: Disposition
    reasons: tuple[Reason, ...]
    guideline_id: str
    fever: bool


@dataclass(frozen=True)
class Answers:
    """What the nurse asked and measured, keyed by the item ids of the active guideline file.

    ``symptoms`` and ``epidemiological`` must each hold an explicit yes/no for every item: there are no
    silent defaults at the counter.  ``clinical`` holds only the items a counter cannot observe (imaging,
    blood counts); ``None`` there means "not known yet", which the fever clinic fills in later.
    """

    symptoms: dict[str, bool]
    epidemiological: dict[str, bool]
    clinical: dict[str, bool | None] = field(default_factory=dict)
    temperature_c: float | None = None


@dataclass
class Person:
    name: str
    sex: Sex = Sex.UNKNOWN
    age: int | None = None
    birth_date: date | None = None
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass
class Screening:
    """One pre-screening at the desk, as entered; ``id`` is a UUID so counters never collide."""

    person: Person
    answers: Answers
    temperature: Temperature | None
    onset_date: date | None = None
    outcome: Outcome | None = None
    note: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    station_id: str = ""
    operator: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1


@dataclass(frozen=True)
class ScreeningRevision:
    """An earlier version of a corrected screening: what it said, who replaced it, when and why."""

    screening_id: uuid.UUID
    version: int
    snapshot: Screening
    replaced_at: datetime
    replaced_by: str
    reason: str


@dataclass(frozen=True)
class DayCounts:
    screened: int
    fever: int
    fever_clinic: int
    suspected: int
