"""Between the observation register's domain values (``fever_desk.observation.model``) and flat rows.

One mapping serves the repository and the import's bulk insert, so a field is added in one place.  The
worklist's numbers (``first_slot``, ``last_slot``, ``covered_through``, ``release_on``) are derived here from
the exposure and registration dates by the domain rules, never typed by anyone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from db.models import to_utc
from fever_desk.model import MeasureMode, Person, Sex, Temperature, TemperatureSource
from fever_desk.observation.model import (
    Cell,
    CellEntry,
    Exposure,
    Kind,
    Observation,
    Placement,
    Registration,
    Setting,
    Slot,
    Source,
    Status,
)
from fever_desk.observation.rules import first_expected, last_expected, local_slot, planned_release
from fever_desk.search import name_initial, name_key, phone_rev


def observation_values(observation: Observation) -> dict[str, Any]:
    """Every column of a new observation (``registered_at`` must be set)."""
    person, reg = observation.person, observation.registration
    exposure, placement = reg.exposure, reg.placement
    registered = to_utc(observation.registered_at)
    first = first_expected(exposure.last_date, local_slot(registered))
    return {
        "id": observation.id,
        "version": observation.version,
        "station_id": observation.station_id,
        "operator": observation.operator,
        "created_at": registered,
        "updated_at": registered,
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
        "work_unit": reg.work_unit,
        "kind": str(exposure.kind),
        "last_exposure": exposure.last_date,
        "relation": exposure.relation,
        "contact_mode": exposure.mode,
        "origin": exposure.origin,
        "transport": exposure.transport,
        "transport_number": exposure.transport_number,
        "companions": exposure.companions,
        "setting": str(placement.setting),
        "place": placement.place,
        "responsible": placement.responsible,
        "responsible_phone": placement.responsible_phone,
        "note": reg.note,
        "source": str(observation.source),
        "source_id": observation.source_id,
        "status": str(observation.status),
        "status_on": observation.status_on,
        "status_reason": observation.status_reason,
        "status_by": observation.status_by,
        "status_at": None,
        "release_on": planned_release(exposure.last_date),
        "first_slot": first,
        "last_slot": last_expected(exposure.last_date),
        "covered_through": first - 1,
        "alert": False,
        "last_temperature": None,
    }


def observation_from_row(row: Mapping[str, Any]) -> Observation:
    person = Person(
        name=row["name"],
        sex=Sex(row["sex"]),
        age=row["age"],
        birth_date=row["birth_date"],
        id_number=row["id_number"],
        phone=row["phone"],
        address=row["address"],
    )
    exposure = Exposure(
        kind=Kind(row["kind"]),
        last_date=row["last_exposure"],
        relation=row["relation"],
        mode=row["contact_mode"],
        origin=row["origin"],
        transport=row["transport"],
        transport_number=row["transport_number"],
        companions=row["companions"],
    )
    placement = Placement(
        setting=Setting(row["setting"]),
        place=row["place"],
        responsible=row["responsible"],
        responsible_phone=row["responsible_phone"],
    )
    created = row["created_at"]
    return Observation(
        person=person,
        registration=Registration(exposure, placement, work_unit=row["work_unit"], note=row["note"]),
        registered_at=created if created.tzinfo else created.replace(tzinfo=UTC),
        source=Source(row["source"]),
        source_id=row["source_id"],
        status=Status(row["status"]),
        status_on=row["status_on"],
        status_reason=row["status_reason"],
        status_by=row["status_by"],
        id=row["id"] if isinstance(row["id"], uuid.UUID) else uuid.UUID(str(row["id"])),
        station_id=row["station_id"],
        operator=row["operator"],
        version=row["version"],
    )


def cell_values(cell: Cell) -> dict[str, Any]:
    entry, temperature = cell.entry, cell.entry.temperature
    measured = temperature.measured_at if temperature else None
    return {
        "observation_id": cell.observation_id,
        "day": entry.day,
        "slot": str(entry.slot),
        "version": cell.version,
        "temperature_c": temperature.celsius if temperature else None,
        "temperature_source": str(temperature.source) if temperature else None,
        "temperature_mode": str(temperature.mode) if temperature else None,
        "temperature_measured_at": to_utc(measured) if measured else None,
        "temperature_device": temperature.device if temperature else "",
        "symptoms": dict(entry.symptoms),
        "fever": cell.fever,
        "note": entry.note,
        "recorded_by": cell.recorded_by,
        "recorded_at": to_utc(cell.recorded_at),
        "reason": cell.reason,
    }


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def cell_from_row(row: Mapping[str, Any]) -> Cell:
    temperature = None
    if row["temperature_c"] is not None:
        temperature = Temperature(
            celsius=row["temperature_c"],
            source=TemperatureSource(row["temperature_source"] or "manual"),
            mode=MeasureMode(row["temperature_mode"] or "body"),
            measured_at=_aware(row["temperature_measured_at"]),
            device=row["temperature_device"] or "",
        )
    entry = CellEntry(
        day=row["day"],
        slot=Slot(row["slot"]),
        temperature=temperature,
        symptoms={str(k): bool(v) for k, v in (row["symptoms"] or {}).items()},
        note=row["note"],
    )
    recorded = _aware(row["recorded_at"])
    assert recorded is not None
    return Cell(
        observation_id=row["observation_id"],
        entry=entry,
        recorded_by=row["recorded_by"],
        recorded_at=recorded,
        version=row["version"],
        fever=bool(row["fever"]),
        reason=row["reason"],
    )
