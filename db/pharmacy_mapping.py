"""Translate between a domain :class:`~fever_desk.pharmacy.Purchase` and its ``purchase`` /
``purchase_drug`` rows.  One mapping serves the repository and the bulk loader."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from db.models import to_utc
from fever_desk.day_lines import medicines_text
from fever_desk.documents import DocumentType
from fever_desk.model import MeasureMode, Sex, Temperature, TemperatureSource
from fever_desk.pharmacy import (
    Advice,
    DrugCategory,
    DrugLine,
    OtherPerson,
    Purchase,
    Purchaser,
)
from fever_desk.search import name_initial, name_key, phone_rev


def purchase_values(purchase: Purchase) -> dict[str, Any]:
    """Every ``purchase`` column (``created_at`` as given, possibly None: the caller fills it).  The
    ``medicines`` text is made here from the drug lines, so every writer (the save, the outbox's replay,
    the bulk loader) stores the text the list shows beside the lines it was made from."""
    p, t, o = purchase.purchaser, purchase.temperature, purchase.other
    return {
        "id": purchase.id,
        "station_id": purchase.station_id,
        "operator": purchase.operator,
        "created_at": purchase.created_at,
        "name": p.name,
        "name_key": name_key(p.name),
        "name_initial": name_initial(p.name),
        "sex": str(p.sex),
        "birth_date": p.birth_date,
        "document_type": str(p.document_type),
        "id_number": p.id_number,
        "phone": p.phone,
        "phone_rev": phone_rev(p.phone),
        "address": p.address,
        "community": p.community,
        "temperature_c": t.celsius,
        "temperature_source": str(t.source),
        "temperature_mode": str(t.mode),
        "temperature_measured_at": t.measured_at,
        "temperature_device": t.device,
        "guideline_id": purchase.guideline_id,
        "answers": {
            "symptoms": dict(purchase.symptoms),
            "epidemiological": dict(purchase.epidemiological),
            "advice_reasons": list(purchase.advice_reasons),
        },
        "fever": "fever" in purchase.advice_reasons,
        "epidemiological": any(purchase.epidemiological.values()),
        "advice": str(purchase.advice),
        "for_other": purchase.for_other,
        "other": None
        if o is None
        else {
            "name": o.name,
            "relation": o.relation,
            "id_number": o.id_number,
            "phone": o.phone,
            "temperature_c": o.temperature_c,
            "symptoms": o.symptoms,
        },
        "medicines": medicines_text(purchase.drugs),
    }


def drug_values(purchase: Purchase) -> list[dict[str, Any]]:
    return [
        {
            "purchase_id": purchase.id,
            "line": index,
            "name": drug.name,
            "category": str(drug.category),
            "quantity": drug.quantity,
            "unit": drug.unit,
        }
        for index, drug in enumerate(purchase.drugs, start=1)
    ]


def purchase_from_row(row: Mapping[str, Any], drugs: Iterable[Mapping[str, Any]]) -> Purchase:
    measured = row["temperature_measured_at"]
    other = row["other"]
    answers = row["answers"] or {}
    birth: date | None = row["birth_date"]
    return Purchase(
        purchaser=Purchaser(
            name=row["name"],
            document_type=DocumentType(row["document_type"]),
            id_number=row["id_number"],
            phone=row["phone"],
            sex=Sex(row["sex"]),
            birth_date=birth,
            address=row["address"],
            community=row["community"],
        ),
        temperature=Temperature(
            celsius=row["temperature_c"],
            source=TemperatureSource(row["temperature_source"]),
            mode=MeasureMode(row["temperature_mode"]),
            measured_at=None if measured is None else to_utc(measured),
            device=row["temperature_device"] or "",
        ),
        symptoms=dict(answers.get("symptoms", {})),
        epidemiological=dict(answers.get("epidemiological", {})),
        drugs=[
            DrugLine(d["name"], DrugCategory(d["category"]), d["quantity"], d["unit"])
            for d in sorted(drugs, key=lambda d: d["line"])
        ],
        for_other=row["for_other"],
        other=None if other is None else OtherPerson(**other),
        guideline_id=row["guideline_id"],
        advice=Advice(row["advice"]),
        advice_reasons=tuple(answers.get("advice_reasons", ())),
        id=row["id"],
        station_id=row["station_id"],
        operator=row["operator"],
        created_at=to_utc(row["created_at"]),
    )
