"""The 14-day medical observation register (医学观察登记): who is observed, why, where, and each half-day.

Plain dataclasses shared by every layer, like ``fever_desk.model``: the database adapters
(``db/observation/``), the operations (``ui/services/observation.py``) and the screens exchange these and
know nothing of each other.  The fields follow the paper registers listed in
``/work/shared/reference/observation.md`` (密切接触者医学观察登记表 and the grid workers' returnee sheets).
The date arithmetic lives in ``fever_desk.observation.rules``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from fever_desk.model import Person, Temperature


class Kind(StrEnum):
    """Why someone is observed: 暴露类型."""

    CLOSE_CONTACT = "close_contact"  # 密切接触者 of a suspected / diagnosed / confirmed case
    RETURNEE = "returnee"  # 返乡/返岗人员 from an affected area
    OTHER = "other"


class Setting(StrEnum):
    """观察方式: at home (居家) or in a designated place (集中)."""

    HOME = "home"
    CENTRAL = "central"


class Slot(StrEnum):
    """The two measurements a day (早晚各一次); the order of the members is the order of the day."""

    MORNING = "morning"  # 上午
    AFTERNOON = "afternoon"  # 下午

    @property
    def index(self) -> int:
        return 0 if self is Slot.MORNING else 1


class Status(StrEnum):
    """Where the observation stands; only ``ACTIVE`` people are on the worklist."""

    ACTIVE = "active"  # under observation
    RELEASED = "released"  # 解除医学观察
    REFERRED = "referred"  # 转诊 at a fever or symptom
    LOST = "lost"  # 失访, with a reason


class Source(StrEnum):
    """How the person came onto the register."""

    SCREENING = "screening"
    PURCHASE = "purchase"
    HAND = "hand"
    IMPORT = "import"


# Symptom questions of the daily follow-up (reference: fever, cough, chest pain/tightness, shortness of
# breath, diarrhoea, fatigue).  English labels are source strings for ``tr``; the ids are the guidelines'
# symptom ids where a guideline has the question, so a referral's slip names them like the desk's.
SYMPTOMS: dict[str, str] = {
    "cough": "Coughing",
    "shortness_of_breath": "Shortness of breath",
    "chest_tightness": "Chest pain or tightness",
    "diarrhoea": "Diarrhoea",
    "fatigue": "Fatigue",
    "sore_throat": "Sore throat",
}

KIND_LABELS: dict[Kind, str] = {
    Kind.CLOSE_CONTACT: "Close contact",
    Kind.RETURNEE: "Returnee",
    Kind.OTHER: "Other",
}
SETTING_LABELS: dict[Setting, str] = {Setting.HOME: "Home", Setting.CENTRAL: "Central"}
SLOT_LABELS: dict[Slot, str] = {Slot.MORNING: "Morning", Slot.AFTERNOON: "Afternoon"}
STATUS_LABELS: dict[Status, str] = {
    Status.ACTIVE: "Under observation",
    Status.RELEASED: "Released",
    Status.REFERRED: "Referred",
    Status.LOST: "Lost to follow-up",
}


@dataclass(frozen=True)
class Exposure:
    """暴露: what put the person under observation.  ``last_date`` is the last unprotected contact, or the
    day of return; the whole period counts from it (``rules.planned_release``)."""

    kind: Kind
    last_date: date
    relation: str = ""  # 与病例关系: family, colleague, classmate, medical staff, other
    mode: str = ""  # 接触方式: shared meal, same room, same vehicle, care, other
    origin: str = ""  # 返程地点 / where the contact happened
    transport: str = ""  # 交通工具
    transport_number: str = ""  # 车次/航班
    companions: str = ""


@dataclass(frozen=True)
class Placement:
    """Where and under whom: 观察方式, 观察地点, 医学观察责任人 and their phone."""

    setting: Setting = Setting.HOME
    place: str = ""
    responsible: str = ""
    responsible_phone: str = ""


@dataclass(frozen=True)
class Registration:
    """What the registering form adds to a person (the screen and the import fill it)."""

    exposure: Exposure
    placement: Placement = Placement()
    work_unit: str = ""  # 工作单位
    note: str = ""


@dataclass
class Observation:
    """One person's observation, as registered.  ``registered_at`` is when the station learned of them;
    the period still counts from ``exposure.last_date`` (a late registration does not extend it)."""

    person: Person
    registration: Registration
    registered_at: datetime
    source: Source = Source.HAND
    source_id: str = ""  # the screening or purchase it was taken from
    status: Status = Status.ACTIVE
    status_on: date | None = None  # the day it was released, referred or lost
    status_reason: str = ""  # why lost; where referred
    status_by: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    station_id: str = ""
    operator: str = ""
    version: int = 1

    @property
    def exposure(self) -> Exposure:
        return self.registration.exposure


@dataclass(frozen=True)
class CellEntry:
    """What is written into one half-day of the grid: a temperature and the symptom answers.

    ``symptoms`` holds an explicit yes/no per question of :data:`SYMPTOMS` that was asked."""

    day: date
    slot: Slot
    temperature: Temperature | None
    symptoms: dict[str, bool] = field(default_factory=dict)
    note: str = ""

    @property
    def any_symptom(self) -> bool:
        return any(self.symptoms.values())


@dataclass(frozen=True)
class Cell:
    """One filled half-day as stored: the entry, who wrote it and when, and its version (a correction
    makes version 2 and keeps version 1 in the cell's history)."""

    observation_id: uuid.UUID
    entry: CellEntry
    recorded_by: str
    recorded_at: datetime
    version: int = 1
    fever: bool = False
    reason: str = ""  # a correction's reason

    @property
    def alert(self) -> bool:
        """A fever or any symptom: the person must be referred."""
        return self.fever or self.entry.any_symptom
