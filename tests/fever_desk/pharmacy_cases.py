"""Purchases for the pharmacy tests: a valid draft and a saved purchase, built in one place."""

from __future__ import annotations

from datetime import UTC, datetime

from fever_desk.documents import DocumentType
from fever_desk.identity import check_digit
from fever_desk.model import Sex, Temperature
from fever_desk.pharmacy import DrugCategory, DrugDraft, DrugLine, Purchase, PurchaseDraft, Purchaser

ID_FIRST17 = "43010219800503123"
ID_NUMBER = ID_FIRST17 + check_digit(ID_FIRST17)
PHONE = "13800138000"
SYMPTOMS = ("fever_chills", "cough")
EPI = ("travel", "contact")


def draft(**changes: object) -> PurchaseDraft:
    values: dict[str, object] = {
        "name": "王建国",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "address": "城关镇幸福路1号",
        "community": "幸福里社区",
        "temperature": "36.6",
        "symptoms": dict.fromkeys(SYMPTOMS, False),
        "epidemiological": dict.fromkeys(EPI, False),
        "drugs": [DrugDraft("布洛芬缓释胶囊", DrugCategory.ANTIPYRETIC, "2")],
    }
    values.update(changes)
    return PurchaseDraft(**values)  # type: ignore[arg-type]


def purchase(
    *,
    name: str = "王建国",
    id_number: str = ID_NUMBER,
    phone: str = PHONE,
    at: datetime = datetime(2020, 2, 3, 9, 30, tzinfo=UTC),
    celsius: float = 36.6,
    epi: bool = False,
    station: str = "pharmacy-1",
) -> Purchase:
    return Purchase(
        purchaser=Purchaser(
            name=name,
            document_type=DocumentType.RESIDENT_ID,
            id_number=id_number,
            phone=phone,
            sex=Sex.MALE,
            address="城关镇幸福路1号",
            community="幸福里社区",
        ),
        temperature=Temperature(celsius),
        symptoms=dict.fromkeys(SYMPTOMS, False),
        epidemiological={"travel": epi, "contact": False},
        drugs=[
            DrugLine("布洛芬缓释胶囊", DrugCategory.ANTIPYRETIC, 2),
            DrugLine("急支糖浆", DrugCategory.COUGH, 1, "瓶"),
        ],
        station_id=station,
        operator="张药师",
        created_at=at,
    )
