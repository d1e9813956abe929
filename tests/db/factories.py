"""Screenings as a nurse would enter them, for the database tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

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

FEVER_REASON = Reason("fever", {"zh_CN": "发热（≥37.3℃）", "en": "Fever (≥37.3 °C)"})


def make_screening(
    name: str = "王小明",
    *,
    phone: str = "13812345678",
    id_number: str = "430102199003074512",
    celsius: float = 38.2,
    created_at: datetime | None = None,
    disposition: Disposition = Disposition.FEVER_CLINIC,
) -> Screening:
    fever = celsius >= 37.3
    return Screening(
        person=Person(
            name=name,
            sex=Sex.MALE,
            age=36,
            birth_date=date(1990, 3, 7),
            id_number=id_number,
            phone=phone,
            address="长沙县黄花镇杨柳村3组12号",
        ),
        answers=Answers(
            symptoms={"cough": True, "fatigue": False},
            epidemiological={"travel_wuhan": False, "contact_case": False},
            clinical={"ct_pneumonia": None, "low_wbc": True},
            temperature_c=celsius,
        ),
        temperature=Temperature(
            celsius,
            TemperatureSource.DEVICE,
            MeasureMode.BODY,
            measured_at=datetime(2020, 2, 1, 8, 59, 30, tzinfo=UTC),
            device="IR-200 #1",
        ),
        onset_date=date(2020, 1, 30),
        outcome=Outcome(disposition, (FEVER_REASON,) if fever else (), "national-v5-outside-hubei", fever),
        note="自述咳嗽两天",
        station_id="desk-1",
        operator="护士甲",
        created_at=created_at,
    )
