"""An observed person with a fever or a symptom becomes a screening, so the referral slip, its signed QR
code, the print log and the daily report work exactly as at the desk (as ``fever_desk.pharmacy_referral``
does for the pharmacy).  The screening's id is derived from the observation, so referring twice refers to
one record.  The disposition is at least the fever clinic, whatever the guideline's rules would say: the
plans send every observed person with a fever or symptom there at once.
"""

from __future__ import annotations

import uuid

from fever_desk.guidelines import Guideline
from fever_desk.i18n import tr_in
from fever_desk.model import Answers, Disposition, Outcome, Reason, Screening
from fever_desk.observation.model import SYMPTOMS, Cell, Observation
from fever_desk.observation.rules import day_number
from fever_desk.triage import FeverRule

_NAMESPACE = uuid.UUID("0c9e7d52-3f1a-4b8e-a6d4-2e5f7a1b9c30")
LANGUAGES = ("zh_CN", "en")


def referral_id(observation_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, str(observation_id))


def _both(template: str, **values: object) -> dict[str, str]:
    return {lang: tr_in(lang, template, **values) for lang in LANGUAGES}


def screening_from_cell(
    observation: Observation, cell: Cell, guideline: Guideline, fever_rule: FeverRule
) -> Screening:
    """The screening behind a referral from the observation grid, judged on the alerting ``cell``."""
    entry = cell.entry
    celsius = entry.temperature.celsius if entry.temperature else None
    known = {item.id for item in guideline.symptoms}
    reasons = [
        Reason(
            "observation:referral",
            _both(
                "Fever or symptom on day {day} of medical observation: referred to the fever clinic",
                day=day_number(observation.exposure.last_date, entry.day),
            ),
        )
    ]
    fever = fever_rule.is_fever(celsius)
    if fever and celsius is not None:
        reasons.append(
            Reason(
                "temperature:fever",
                _both(
                    "Temperature {value}°C meets the fever line ({sign}{line}°C)",
                    value=f"{celsius:.1f}",
                    sign=fever_rule.sign,
                    line=f"{fever_rule.threshold_c:.1f}",
                ),
            )
        )
    for symptom, yes in entry.symptoms.items():
        if yes:
            label = SYMPTOMS.get(symptom, symptom)
            text = {lang: tr_in(lang, "Symptom: {text}", text=tr_in(lang, label)) for lang in LANGUAGES}
            reasons.append(Reason(f"symptom:{symptom}", text))
    answers = Answers(
        symptoms={k: v for k, v in entry.symptoms.items() if k in known},
        epidemiological={},
        clinical={},
        temperature_c=celsius,
    )
    outcome = Outcome(Disposition.FEVER_CLINIC, tuple(reasons), guideline.id, fever)
    return Screening(
        person=observation.person,
        answers=answers,
        temperature=entry.temperature,
        outcome=outcome,
        note=f"observation {observation.id}",
        id=referral_id(observation.id),
        station_id=observation.station_id,
        operator=cell.recorded_by,
    )
