"""Screenings and settings shared by the slip tests: a suspected case and a fever-clinic case."""

from __future__ import annotations

import uuid
from datetime import datetime

from fever_desk.guidelines import get_guideline
from fever_desk.model import Answers, Person, Screening, Sex, Temperature, TemperatureSource
from fever_desk.settings import Hospital, Settings
from fever_desk.triage import FeverRule, evaluate

GUIDELINE = get_guideline("national-v5-outside-hubei")
ISSUED = datetime(2020, 2, 7, 9, 30).astimezone()
SCREENING_ID = uuid.UUID("4f1b2c9d-0000-4000-8000-000000000001")


def answers(*, symptoms: tuple[str, ...], exposures: tuple[str, ...], imaging: bool | None = None) -> Answers:
    return Answers(
        symptoms={s.id: s.id in symptoms for s in GUIDELINE.symptoms},
        epidemiological={e.id: e.id in exposures for e in GUIDELINE.epidemiological},
        clinical={} if imaging is None else {"imaging": imaging},
        temperature_c=38.6,
    )


def screening(*, suspected: bool = True) -> Screening:
    given = answers(
        symptoms=("cough", "fatigue"), exposures=("infected_contact",), imaging=True if suspected else None
    )
    return Screening(
        person=Person("张三丰", Sex.MALE, 45, None, "43010219800101123X", "13812345678"),
        answers=given,
        temperature=Temperature(38.6, TemperatureSource.DEVICE, measured_at=datetime(2020, 2, 7, 9, 12)),
        outcome=evaluate(GUIDELINE, given, FeverRule()),
        id=SCREENING_ID,
        station_id="9c3a1e7d22b0",
        operator="李护士",
        created_at=datetime(2020, 2, 7, 9, 10),
    )


def settings() -> Settings:
    return Settings(
        station_id="9c3a1e7d22b0",
        station_name="门诊楼预检分诊台1",
        institution="长沙市某区人民医院",
        designated_hospital=Hospital("长沙市第一医院（北院）", "长沙市开福区营盘路311号", "0731-84411111"),
        hotline="12320",
    )
