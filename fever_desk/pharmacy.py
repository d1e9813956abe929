"""The pharmacy register of people buying fever and cough medicine (问询、登记、排查), 2020.

Pharmacies had to ask, register and screen every such purchaser and send the list to the market regulator
each day.  This module holds what one registration is, the checks on what the pharmacist typed (per
field, in the UI language, never altering the draft so a correction loses nothing), the advice to attend
a fever clinic, and the repeat-purchase rule.  It is pure Python: the screen and the database adapter
both use it, and the tests exercise it without Qt or SQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from fever_desk.documents import DocumentType, check_document
from fever_desk.i18n import tr
from fever_desk.model import Sex, Temperature
from fever_desk.triage import FeverRule
from fever_desk.validation import TemperatureDraft, check_phone, check_temperature

MAX_QUANTITY = 99


class DrugCategory(StrEnum):
    ANTIPYRETIC = "antipyretic"
    COUGH = "cough"
    ANTIVIRAL = "antiviral"
    ANTIBIOTIC = "antibiotic"


CATEGORY_LABELS_ZH = {
    DrugCategory.ANTIPYRETIC: "退热类",
    DrugCategory.COUGH: "止咳类",
    DrugCategory.ANTIVIRAL: "抗病毒类",
    DrugCategory.ANTIBIOTIC: "抗菌类",
}


def category_label(category: DrugCategory) -> str:
    labels = {
        DrugCategory.ANTIPYRETIC: tr("Antipyretic"),
        DrugCategory.COUGH: tr("Cough"),
        DrugCategory.ANTIVIRAL: tr("Antiviral"),
        DrugCategory.ANTIBIOTIC: tr("Antibiotic"),
    }
    return labels[category]


class Advice(StrEnum):
    NONE = "none"
    FEVER_CLINIC = "fever_clinic"


@dataclass(frozen=True)
class DrugLine:
    name: str
    category: DrugCategory
    quantity: int
    unit: str = "盒"


@dataclass
class Purchaser:
    name: str
    document_type: DocumentType
    id_number: str
    phone: str
    sex: Sex = Sex.UNKNOWN
    birth_date: date | None = None
    address: str = ""
    community: str = ""


@dataclass
class OtherPerson:
    """The person the medicine is for, when the purchaser buys for someone else (often the one who is ill)."""

    name: str
    relation: str
    id_number: str = ""
    phone: str = ""
    temperature_c: float | None = None
    symptoms: str = ""


@dataclass
class Purchase:
    """One registration at the counter; ``id`` is a UUID so pharmacies never collide when lists merge."""

    purchaser: Purchaser
    temperature: Temperature
    symptoms: dict[str, bool]
    epidemiological: dict[str, bool]
    drugs: list[DrugLine]
    for_other: bool = False
    other: OtherPerson | None = None
    guideline_id: str = ""
    advice: Advice = Advice.NONE
    #: Why the advice was given, as judged at the counter (see :func:`advice`); kept with the record
    #: so a later change of the station's fever line does not rewrite what the purchaser was told.
    advice_reasons: tuple[str, ...] = ()
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    station_id: str = ""
    operator: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True)
class AdviceResult:
    """What to tell the purchaser, and why (codes: ``fever``, ``epi:<item>``, ``other_fever``)."""

    advice: Advice
    reasons: tuple[str, ...]


def advice(purchase: Purchase, fever_rule: FeverRule) -> AdviceResult:
    """Fever at or above the station's line, or any "yes" in the 14-day history → the fever clinic.

    A fever in the person the medicine is for counts too: the notices' point was to find the ill, who
    were often at home while a relative queued.  Symptoms alone do not: cough medicine is bought for
    coughs, and sending every cough to the fever clinic was never the rule.
    """
    reasons: list[str] = []
    if fever_rule.is_fever(purchase.temperature.celsius):
        reasons.append("fever")
    reasons.extend(f"epi:{item}" for item, yes in purchase.epidemiological.items() if yes)
    if purchase.other is not None and fever_rule.is_fever(purchase.other.temperature_c):
        reasons.append("other_fever")
    return AdviceResult(Advice.FEVER_CLINIC if reasons else Advice.NONE, tuple(reasons))


def with_advice(purchase: Purchase, fever_rule: FeverRule) -> Purchase:
    """The purchase with its advice and reasons filled in (in place, and returned for chaining)."""
    result = advice(purchase, fever_rule)
    purchase.advice = result.advice
    purchase.advice_reasons = result.reasons
    return purchase


# ---- repeat purchases ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RepeatMatch:
    """An earlier purchase by the same person; ``by`` is "id" or "phone" (phones are shared in families)."""

    purchase: Purchase
    by: str


def find_repeats(
    id_number: str, phone: str, earlier: Iterable[Purchase], *, now: datetime, days: int
) -> list[RepeatMatch]:
    """Earlier purchases in the last ``days`` days by the same document number, else by the same phone.

    An ID match is certain and is listed first; a phone match alone may be a relative, so the pharmacist
    sees the name and decides.  Newest first within each kind.  ``now`` and the purchases' times must
    both be aware (or both naive).
    """
    since = now - timedelta(days=days)
    by_id: list[RepeatMatch] = []
    by_phone: list[RepeatMatch] = []
    for purchase in earlier:
        when = purchase.created_at
        if when is None or when < since or when > now:
            continue
        if id_number and purchase.purchaser.id_number == id_number:
            by_id.append(RepeatMatch(purchase, "id"))
        elif phone and purchase.purchaser.phone == phone:
            by_phone.append(RepeatMatch(purchase, "phone"))

    def newest(match: RepeatMatch) -> datetime:
        assert match.purchase.created_at is not None
        return match.purchase.created_at

    return sorted(by_id, key=newest, reverse=True) + sorted(by_phone, key=newest, reverse=True)


# ---- checking the form --------------------------------------------------------------------------------
@dataclass
class DrugDraft:
    name: str
    category: DrugCategory
    quantity: str
    unit: str = "盒"


@dataclass
class PurchaseDraft(TemperatureDraft):
    """The form's fields as text; answers are ``None`` until asked."""

    name: str = ""
    document_type: DocumentType = DocumentType.RESIDENT_ID
    id_number: str = ""
    phone: str = ""
    address: str = ""
    community: str = ""
    symptoms: dict[str, bool | None] = field(default_factory=dict)
    epidemiological: dict[str, bool | None] = field(default_factory=dict)
    drugs: list[DrugDraft] = field(default_factory=list)
    for_other: bool = False
    other_name: str = ""
    other_relation: str = ""
    other_id_number: str = ""
    other_phone: str = ""
    other_temperature: str = ""
    other_symptoms: str = ""


def check_drugs(drafts: Sequence[DrugDraft]) -> tuple[list[DrugLine], str]:
    lines: list[DrugLine] = []
    for draft in drafts:
        name = draft.name.strip()
        if not name:
            continue
        quantity = draft.quantity.strip()
        if not quantity.isdigit() or not 1 <= int(quantity) <= MAX_QUANTITY:
            return [], tr("The quantity of {drug} must be a whole number from 1 to {max}.", drug=name, max=99)
        lines.append(DrugLine(name, DrugCategory(draft.category), int(quantity), draft.unit or "盒"))
    if not lines:
        return [], tr("Add at least one medicine bought.")
    return lines, ""


def _check_other(draft: PurchaseDraft, today: date, errors: dict[str, str]) -> OtherPerson | None:
    if not draft.for_other:
        return None
    name = " ".join(draft.other_name.split())
    if not name:
        errors["other_name"] = tr("Enter the name of the person the medicine is for.")
    relation = draft.other_relation.strip()
    if not relation:
        errors["other_relation"] = tr("Enter how they are related to the buyer.")
    id_number = ""
    if draft.other_id_number.strip():
        checked, problem = check_document(DocumentType.RESIDENT_ID, draft.other_id_number, today=today)
        if checked is None:
            errors["other_id_number"] = problem
        else:
            id_number = checked.number
    phone, problem = check_phone(draft.other_phone, required=False)
    if problem:
        errors["other_phone"] = problem
    celsius, problem = check_temperature(draft.other_temperature, required=False)
    if problem:
        errors["other_temperature"] = problem
    return OtherPerson(name, relation, id_number, phone, celsius, draft.other_symptoms.strip())


def check_purchase(
    draft: PurchaseDraft, *, today: date, guideline_id: str = ""
) -> tuple[Purchase | None, dict[str, str]]:
    """The purchase to save (advice still ``NONE``; see :func:`advice`), or problems by field name."""
    errors: dict[str, str] = {}
    name = " ".join(draft.name.split())
    if not name:
        errors["name"] = tr("Enter the buyer's name.")
    elif len(name) > 40:
        errors["name"] = tr("The name is too long (at most 40 characters).")
    document, problem = check_document(draft.document_type, draft.id_number, today=today)
    if problem:
        errors["id_number"] = problem
    phone, problem = check_phone(draft.phone, required=True)
    if problem:
        errors["phone"] = problem
    if not draft.address.strip() and not draft.community.strip():
        errors["address"] = tr("Enter the address or the residential community.")
    celsius, problem = check_temperature(draft.temperature, required=True)
    if problem:
        errors["temperature"] = problem
    unanswered = [
        k for group in (draft.symptoms, draft.epidemiological) for k, v in group.items() if v is None
    ]
    if unanswered:
        errors["questions"] = tr(
            "{count} questions are not answered yet. Ask each one, then press F8 to answer the rest No.",
            count=len(unanswered),
        )
    drugs, problem = check_drugs(draft.drugs)
    if problem:
        errors["drugs"] = problem
    other = _check_other(draft, today, errors)
    if errors:
        return None, errors
    assert document is not None and celsius is not None
    purchaser = Purchaser(
        name=name,
        document_type=document.kind,
        id_number=document.number,
        phone=phone,
        sex=document.sex,
        birth_date=document.birth_date,
        address=draft.address.strip(),
        community=draft.community.strip(),
    )
    purchase = Purchase(
        purchaser=purchaser,
        temperature=draft.checked_temperature(celsius),
        symptoms={k: bool(v) for k, v in draft.symptoms.items()},
        epidemiological={k: bool(v) for k, v in draft.epidemiological.items()},
        drugs=drugs,
        for_other=draft.for_other,
        other=other,
        guideline_id=guideline_id,
    )
    return purchase, {}
