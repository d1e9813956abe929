from __future__ import annotations

from datetime import UTC, datetime

from fever_desk.documents import DocumentType
from fever_desk.guidelines import get_guideline
from fever_desk.model import Disposition, Sex, Temperature
from fever_desk.pharmacy import Purchase, Purchaser
from fever_desk.pharmacy_referral import screening_from_purchase
from fever_desk.triage import FeverRule

GUIDELINE = get_guideline("national-v5-outside-hubei")


def purchase(celsius: float, epi_yes: bool, document: DocumentType = DocumentType.RESIDENT_ID) -> Purchase:
    epi = {item.id: False for item in GUIDELINE.epidemiological}
    epi[GUIDELINE.epidemiological[0].id] = epi_yes
    return Purchase(
        purchaser=Purchaser(
            "王建国", document, "11010519491231002X", "13800138000", Sex.MALE, address="幸福路1号"
        ),
        temperature=Temperature(celsius),
        symptoms={item.id: False for item in GUIDELINE.symptoms},
        epidemiological=epi,
        drugs=[],
        guideline_id=GUIDELINE.id,
        station_id="pharmacy-1",
        operator="张药师",
        created_at=datetime(2020, 2, 3, 9, 30, tzinfo=UTC),
    )


def test_history_alone_still_refers_to_the_fever_clinic_with_the_pharmacy_reason() -> None:
    screening = screening_from_purchase(purchase(36.6, True), GUIDELINE, FeverRule())
    assert screening.outcome is not None
    assert screening.outcome.disposition is Disposition.FEVER_CLINIC
    codes = [reason.code for reason in screening.outcome.reasons]
    assert codes[-1] == "pharmacy:advice" and any(code.startswith("epidemiological:") for code in codes)
    assert screening.person.age == 70 and screening.operator == "张药师"


def test_a_fever_keeps_the_guideline_outcome_and_one_record_per_purchase() -> None:
    bought = purchase(38.4, False)
    first = screening_from_purchase(bought, GUIDELINE, FeverRule())
    again = screening_from_purchase(bought, GUIDELINE, FeverRule())
    assert first.outcome is not None and first.outcome.fever
    assert first.outcome.disposition is Disposition.FEVER_CLINIC
    assert first.id == again.id
    assert screening_from_purchase(purchase(38.4, False), GUIDELINE, FeverRule()).id != first.id


def test_only_a_resident_id_goes_into_the_id_number_field() -> None:
    screening = screening_from_purchase(purchase(38.0, False, DocumentType.PASSPORT), GUIDELINE, FeverRule())
    assert screening.person.id_number == ""
