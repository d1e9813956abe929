"""One report card (传染病报告卡): what it says, which required fields it still lacks, its number, and the
correction (订正报告) that replaces nothing.

A card is created as soon as a screening is judged suspected, filled from what the station holds
(``from_screening``); the doctor completes the rest, and somebody marks it reported with the number the
national system gave.  A later change of classification is a *new* card (``correction_of``) pointing at the
first: the first card and its reporting stay as they were, as the paper trail requires.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from fever_desk.model import Screening, Sex
from fever_desk.problems import Problem
from fever_desk.report_card.fields import (
    Address,
    Age,
    AgeUnit,
    Belongs,
    CardKind,
    CaseClass,
    address_missing,
    age_in_years,
    age_with_unit,
    split_address,
)

DISEASE = "新型冠状病毒肺炎"
#: Under this age (whole years) the card names a parent (患儿家长姓名).
GUARDIAN_BELOW_YEARS = 14


@dataclass(frozen=True)
class ReportCard:
    """One card as stored.  ``number`` is given by the repository (``card_number``) when it is stored."""

    diagnosed_at: datetime  # 诊断日期 and hour: the 2-hour clock runs from here
    name: str = ""
    sex: Sex = Sex.UNKNOWN
    id_number: str = ""
    birth_date: date | None = None
    age: Age | None = None  # 实足年龄 when the birth date is unknown
    guardian_name: str = ""
    phone: str = ""
    work_unit: str = ""
    address: Address = field(default_factory=Address)
    belongs: Belongs | None = None
    occupation: str = ""  # one of fields.OCCUPATIONS
    case_class: CaseClass = CaseClass.SUSPECTED
    onset_date: date | None = None
    death_date: date | None = None
    disease: str = DISEASE
    remarks: str = ""
    reporting_unit: str = ""  # 报告单位
    unit_phone: str = ""
    doctor: str = ""  # 填卡医生
    filled_on: date | None = None  # 填卡日期
    kind: CardKind = CardKind.INITIAL
    corrects: uuid.UUID | None = None  # the first card, on a correction
    screening_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    number: str = ""
    station_id: str = ""
    created_at: datetime | None = None
    created_by: str = ""
    completed_at: datetime | None = None
    completed_by: str = ""
    reported_at: datetime | None = None
    reported_by: str = ""
    national_number: str = ""  # what the national system (网络直报) gave the card

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    @property
    def reported(self) -> bool:
        return self.reported_at is not None

    def age_shown(self) -> Age | None:
        """The age the card prints: from the birth date on the diagnosis day, else the age typed."""
        if self.birth_date is not None and self.birth_date <= self.diagnosed_at.date():
            return age_with_unit(self.birth_date, self.diagnosed_at.date())
        return self.age


# ---- required fields ----------------------------------------------------------------------------------
#: The card's name of every field a message can name (English source strings; Chinese in card.toml).
FIELD_LABELS: dict[str, str] = {
    "name": "Patient name",
    "guardian_name": "Parent's name (patients under 14)",
    "id_number": "Valid ID number",
    "sex": "Sex",
    "birth_date": "Birth date or age",
    "phone": "Contact phone",
    "belongs": "Patient belongs to",
    "address": "Current address (to the township/street)",
    "occupation": "Occupation group",
    "case_class": "Case classification",
    "onset_date": "Onset date",
    "diagnosed_at": "Diagnosis date and hour",
    "reporting_unit": "Reporting unit",
    "doctor": "Reporting doctor",
    "remarks": "Remarks (reason for exclusion)",
    "national_number": "National system number",
}


class CardFieldProblem(Problem):
    """A required field left empty or wrong; ``field`` names it so the desk can put the message beside it."""

    template = "{label}: required."

    def __init__(self, field_name: str, template: str | None = None, **values: object) -> None:
        super().__init__(template, label=FIELD_LABELS[field_name], **values)
        self.field = field_name

    def localized_values(self, language: str) -> dict[str, object]:
        from fever_desk.i18n import tr_in

        return {**self.values, "label": tr_in(language, str(self.values["label"]))}


def field_problem(field_name: str, template: str | None = None, **values: object) -> CardFieldProblem:
    """A :class:`CardFieldProblem` for ``field_name``: call this rather than the class, so that a literal
    first argument is never mistaken for a catalogue key (``tests/fever_desk/test_problems.py``)."""
    return CardFieldProblem(field_name, template, **values)


ADDRESS_TEMPLATE = "{label}: the address must reach the township or street (missing: {levels})."
ONSET_AFTER_DIAGNOSIS = "{label}: the onset date cannot be after the diagnosis."


def card_problems(card: ReportCard) -> list[CardFieldProblem]:
    """Every required field the card still lacks, each naming its field; empty when it can be reported.

    By classification: every class needs the person, 病人属于, the address to the township, 人群分类, the
    diagnosis time, the unit and the doctor; an onset date is required except for an asymptomatic
    infection (which has no onset), and an exclusion (排除) needs its reason in the remarks.  A patient
    under 14 needs a parent's name."""
    found: list[CardFieldProblem] = []

    def need(field_name: str, present: object) -> None:
        if not present or (isinstance(present, str) and not present.strip()):
            found.append(field_problem(field_name))

    need("name", card.name)
    need("id_number", card.id_number)
    need("sex", card.sex is not Sex.UNKNOWN)
    age = card.age_shown()
    need("birth_date", age is not None)
    if age is not None and age_in_years(age) < GUARDIAN_BELOW_YEARS:
        need("guardian_name", card.guardian_name)
    need("phone", card.phone)
    need("belongs", card.belongs)
    missing = address_missing(card.address)
    if missing:
        found.append(field_problem("address", ADDRESS_TEMPLATE, levels=", ".join(missing)))
    need("occupation", card.occupation)
    if card.case_class is not CaseClass.ASYMPTOMATIC:
        need("onset_date", card.onset_date)
        if card.onset_date is not None and card.onset_date > card.diagnosed_at.date():
            found.append(field_problem("onset_date", ONSET_AFTER_DIAGNOSIS))
    if card.case_class is CaseClass.EXCLUDED:
        need("remarks", card.remarks)
    need("reporting_unit", card.reporting_unit)
    need("doctor", card.doctor)
    return found


# ---- numbers ------------------------------------------------------------------------------------------
def card_number(day: date, sequence: int) -> str:
    """卡片编号: the diagnosis day and the day's sequence in this database, ``20261201-0003``.  The
    repository gives the sequence (one more than the day's highest) in the transaction that stores the
    card; counters sharing a server share the sequence."""
    return f"{day:%Y%m%d}-{sequence:04d}"


# ---- filling and correcting ---------------------------------------------------------------------------
def from_screening(screening: Screening, diagnosed_at: datetime) -> ReportCard:
    """The card as far as the station knows it from a suspected screening: the person, the address split
    into its levels, the onset date; the doctor completes the rest."""
    person = screening.person
    age = None
    if person.birth_date is None and person.age is not None:
        age = Age(person.age, AgeUnit.YEARS)
    return ReportCard(
        diagnosed_at=diagnosed_at,
        name=person.name,
        sex=person.sex,
        id_number=person.id_number,
        birth_date=person.birth_date,
        age=age,
        phone=person.phone,
        address=split_address(person.address),
        onset_date=screening.onset_date,
        screening_id=screening.id,
        station_id=screening.station_id,
    )


class CorrectionRefused(Problem, ValueError):
    """A correction that would not change the classification, or of a card that is itself excluded."""


def correction_of(first: ReportCard, case_class: CaseClass, at: datetime, remarks: str = "") -> ReportCard:
    """The 订正报告 of ``first``: a new card (new id, no number, not completed, not reported) with the new
    classification, pointing at the first card of the chain; ``first`` itself is not touched.

    Its clock runs from ``at``, the time the classification changed."""
    if case_class is first.case_class:
        raise CorrectionRefused("The correction must change the case classification.")
    if first.case_class is CaseClass.EXCLUDED:
        raise CorrectionRefused("An excluded case cannot be corrected again.")
    return replace(
        first,
        id=uuid.uuid4(),
        kind=CardKind.CORRECTION,
        corrects=first.corrects or first.id,
        case_class=case_class,
        diagnosed_at=at,
        remarks=remarks,
        number="",
        created_at=None,
        created_by="",
        completed_at=None,
        completed_by="",
        reported_at=None,
        reported_by="",
        national_number="",
        doctor="",
        filled_on=None,
    )
