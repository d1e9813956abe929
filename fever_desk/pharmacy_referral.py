"""A purchaser sent on to the fever clinic becomes a screening record.

The referral slip, its signed QR code, the print log and the day's report all rest on a screening, so
the pharmacy does not invent a second kind of referral: it records what the pharmacist found as a
screening with the same answers, judged by the same guideline, and notes where it came from.  The id is
derived from the purchase, so asking for the slip twice refers to one record, never two.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from fever_desk.documents import DocumentType
from fever_desk.guidelines import Guideline
from fever_desk.identity import InvalidIdNumber, age_on, parse_resident_id
from fever_desk.model import Answers, Disposition, Outcome, Person, Reason, Screening
from fever_desk.pharmacy import Purchase
from fever_desk.triage import FeverRule, evaluate

_NAMESPACE = uuid.UUID("5b0f3c1e-8d2a-4f5e-9a31-6c7d2e4f1a90")

PHARMACY_ADVICE = Reason(
    code="pharmacy:advice",
    text={
        "zh_CN": "药店购药登记时发现发热或流行病学史，建议到发热门诊就诊",
        "en": "Fever or epidemiological history found at the pharmacy counter: "
        "advised to attend the fever clinic",
    },
)


def referral_id(purchase: Purchase) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, str(purchase.id))


def screening_from_purchase(purchase: Purchase, guideline: Guideline, fever_rule: FeverRule) -> Screening:
    """The screening behind a pharmacy referral; at least "fever clinic", as the pharmacist advised."""
    answers = Answers(
        symptoms=dict(purchase.symptoms),
        epidemiological=dict(purchase.epidemiological),
        clinical={},
        temperature_c=purchase.temperature.celsius,
    )
    outcome = evaluate(guideline, answers, fever_rule)
    if outcome.disposition is Disposition.ROUTINE:
        outcome = Outcome(
            Disposition.FEVER_CLINIC, (*outcome.reasons, PHARMACY_ADVICE), outcome.guideline_id, outcome.fever
        )
    else:
        outcome = replace(outcome, reasons=(*outcome.reasons, PHARMACY_ADVICE))
    buyer = purchase.purchaser
    birth = buyer.birth_date
    resident = buyer.document_type is DocumentType.RESIDENT_ID
    if birth is None and resident:
        try:
            birth = parse_resident_id(buyer.id_number).birth_date
        except InvalidIdNumber:
            birth = None
    day = purchase.created_at or purchase.temperature.measured_at
    age = age_on(birth, day.date()) if birth and day else None
    person = Person(
        name=buyer.name,
        sex=buyer.sex,
        age=age,
        birth_date=birth,
        id_number=buyer.id_number if resident else "",
        phone=buyer.phone,
        address=" ".join(part for part in (buyer.address, buyer.community) if part),
    )
    return Screening(
        person=person,
        answers=answers,
        temperature=purchase.temperature,
        outcome=outcome,
        note=f"pharmacy purchase {purchase.id}",
        id=referral_id(purchase),
        station_id=purchase.station_id,
        operator=purchase.operator,
    )
