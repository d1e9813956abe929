"""Translate between a domain :class:`~fever_desk.model.Screening` and a flat ``screening`` row.

One mapping serves the repository, the bulk loader and the revision snapshots, so a field added to the
model is added in one place.  A snapshot is the row itself made JSON-safe (UUIDs and dates as ISO
strings) with a format number, so old revisions stay readable after later schema changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from db.models import to_utc
from fever_desk.model import (
    Answers,
    Disposition,
    MeasureMode,
    Outcome,
    Person,
    Reason,
    Screening,
    Sex,
    Temperature,
    TemperatureSource,
)

# The derived search keys are defined with the search grammar; db.resilient still imports two from here.
from fever_desk.search import name_initial, name_key, phone_rev

SNAPSHOT_FORMAT = 1
_DATETIMES = ("created_at", "updated_at", "temperature_measured_at")
_DATES = ("birth_date", "onset_date")
#: Columns a correction never changes: they describe the original screening (the corrector is recorded
#: in the revision as ``replaced_by``).
KEPT_ON_CORRECTION = ("id", "station_id", "operator", "created_at")


def row_values(screening: Screening) -> dict[str, Any]:
    """Every column of ``screening`` (timestamps as given, possibly None; the caller fills them)."""
    person, temperature, outcome, answers = (
        screening.person,
        screening.temperature,
        screening.outcome,
        screening.answers,
    )
    return {
        "id": screening.id,
        "version": screening.version,
        "station_id": screening.station_id,
        "operator": screening.operator,
        "created_at": screening.created_at,
        "updated_at": screening.updated_at,
        "name": person.name,
        "name_key": name_key(person.name),
        "name_initial": name_initial(person.name),
        "sex": str(person.sex),
        "age": person.age,
        "birth_date": person.birth_date,
        "id_number": person.id_number,
        "phone": person.phone,
        "phone_rev": phone_rev(person.phone),
        "address": person.address,
        "temperature_c": None if temperature is None else temperature.celsius,
        "temperature_source": None if temperature is None else str(temperature.source),
        "temperature_mode": None if temperature is None else str(temperature.mode),
        "temperature_measured_at": None if temperature is None else temperature.measured_at,
        "temperature_device": None if temperature is None else temperature.device,
        "onset_date": screening.onset_date,
        "answers": {
            "symptoms": dict(answers.symptoms),
            "epidemiological": dict(answers.epidemiological),
            "clinical": dict(answers.clinical),
            "temperature_c": answers.temperature_c,
        },
        "guideline_id": None if outcome is None else outcome.guideline_id,
        "disposition": None if outcome is None else str(outcome.disposition),
        "fever": None if outcome is None else outcome.fever,
        "reasons": []
        if outcome is None
        else [{"code": r.code, "text": dict(r.text)} for r in outcome.reasons],
        "note": screening.note,
    }


def screening_from_row(row: Mapping[str, Any]) -> Screening:
    """The domain object for a row (a result mapping or a decoded snapshot); datetimes come back aware UTC."""
    temperature = None
    if row["temperature_c"] is not None:
        measured = row["temperature_measured_at"]
        temperature = Temperature(
            celsius=row["temperature_c"],
            source=TemperatureSource(row["temperature_source"]),
            mode=MeasureMode(row["temperature_mode"]),
            measured_at=None if measured is None else to_utc(measured),
            device=row["temperature_device"] or "",
        )
    outcome = None
    if row["disposition"] is not None:
        outcome = Outcome(
            disposition=Disposition(row["disposition"]),
            reasons=tuple(Reason(r["code"], dict(r["text"])) for r in row["reasons"]),
            guideline_id=row["guideline_id"],
            fever=bool(row["fever"]),
        )
    answers = row["answers"]
    return Screening(
        person=Person(
            name=row["name"],
            sex=Sex(row["sex"]),
            age=row["age"],
            birth_date=row["birth_date"],
            id_number=row["id_number"],
            phone=row["phone"],
            address=row["address"],
        ),
        answers=Answers(
            symptoms=dict(answers.get("symptoms", {})),
            epidemiological=dict(answers.get("epidemiological", {})),
            clinical=dict(answers.get("clinical", {})),
            temperature_c=answers.get("temperature_c"),
        ),
        temperature=temperature,
        onset_date=row["onset_date"],
        outcome=outcome,
        note=row["note"],
        id=row["id"],
        station_id=row["station_id"],
        operator=row["operator"],
        created_at=to_utc(row["created_at"]),
        updated_at=to_utc(row["updated_at"]),
        version=row["version"],
    )


def json_safe(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with ids as text and times as ISO text (UTC for moments), for JSON columns and payloads."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, uuid.UUID):
            value = str(value)
        elif isinstance(value, datetime):
            value = to_utc(value).isoformat()
        elif isinstance(value, date):
            value = value.isoformat()
        out[key] = value
    return out


def snapshot(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row made JSON-safe, for ``screening_revision.snapshot``."""
    return {"format": SNAPSHOT_FORMAT, "columns": json_safe(row)}


def row_from_snapshot(data: Mapping[str, Any]) -> dict[str, Any]:
    """Inverse of :func:`snapshot`."""
    row = dict(data["columns"])
    row["id"] = uuid.UUID(row["id"])
    for key in _DATETIMES:
        if row.get(key) is not None:
            row[key] = datetime.fromisoformat(row[key])
    for key in _DATES:
        if row.get(key) is not None:
            row[key] = date.fromisoformat(row[key])
    return row
