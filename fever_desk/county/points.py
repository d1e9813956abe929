"""Reporting points and where they are.

A county registers each point that must report daily (the plans name clinics, township health centres
and pharmacies).  Its place is written as a 9-digit code: the 6-digit administrative area code of the
county (GB/T 2260, e.g. 430903 赫山区) followed by the 3-digit township number (GB/T 10114 style, e.g.
430903103 兰溪镇).  The township is therefore the code's prefix of 9 digits and the county its prefix of 6,
so "totals by township" and, later, "a city's counties" are both a GROUP BY on a prefix, and a
distributed database can shard by the 6-digit prefix and keep a county's rows together (docs/scale.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

_AREA = re.compile(r"^[1-9]\d{5}$")
_TOWNSHIP = re.compile(r"^[1-9]\d{8}$")


class PointKind(StrEnum):
    CLINIC = "clinic"
    TOWNSHIP_CENTRE = "township_centre"
    PHARMACY = "pharmacy"


KIND_LABELS: dict[PointKind, str] = {  # English source strings for tr()
    PointKind.CLINIC: "Clinic",
    PointKind.TOWNSHIP_CENTRE: "Township health centre",
    PointKind.PHARMACY: "Pharmacy",
}


class PlaceError(ValueError):
    """``str()`` is an English source string for ``tr`` (with ``values`` to fill in)."""

    def __init__(self, template: str, **values: str) -> None:
        super().__init__(template)
        self.template = template
        self.values = values


def check_area_code(code: str) -> str:
    """A 6-digit county code, stripped; raises :class:`PlaceError` for anything else."""
    value = (code or "").strip()
    if not _AREA.match(value):
        raise PlaceError("The area code must be 6 digits (GB/T 2260), not {code}.", code=code)
    return value


def check_township_code(code: str) -> str:
    """A 9-digit township code: the county's 6 digits and the township's 3."""
    value = (code or "").strip()
    if not _TOWNSHIP.match(value):
        raise PlaceError(
            "The township code must be 9 digits: the 6-digit area code and the township's 3, not {code}.",
            code=code,
        )
    return value


def area_of(township_code: str) -> str:
    """The county (first 6 digits) a township code belongs to."""
    return township_code[:6]


@dataclass(frozen=True)
class Point:
    """A registered reporting point.  ``active_from``: the first report day it is expected to report
    (a point registered today is not "missing" for last week)."""

    id: int
    name: str
    kind: PointKind
    township_code: str
    township: str
    contact: str
    active_from: date
    enrolled: bool = False
    fingerprint: str = ""

    @property
    def area_code(self) -> str:
        return area_of(self.township_code)
