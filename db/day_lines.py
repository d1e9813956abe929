"""The day lists' rows read light: only the columns a list shows (``fever_desk.day_lines``).

The list query is the one search grammar's bounded, index-driven query (``db.search.list_query``) with
a short column list instead of the whole row, so the first read of a 500-row day converts a few columns
per row and builds no record: no answers or reasons JSON, no revision dates, no drug objects.  The
numbers are masked as each line is made.  A purchase's medicines are read as the text the list shows,
stored with the purchase when it was saved (``purchase.medicines``, migration 0011).  The list used to
join each shown row's drug lines in the database (a correlated ``group_concat`` / ``string_agg``): one
lookup into ``purchase_drug`` per row, which at a million purchases was about 40% of a 500-row first
read on both engines (on PostgreSQL 2,004 of the query's 2,048 buffer reads).  That join is kept only
for a row whose stored text is empty (:func:`_medicines`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, case, cast, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import Label

from db.models import SCREENING
from db.models_pharmacy import PURCHASE, PURCHASE_DRUG
from db.search import list_query
from fever_desk.day_lines import PurchaseLine, ScreeningLine
from fever_desk.identity import mask_id, mask_phone
from fever_desk.model import Disposition, Sex
from fever_desk.pharmacy import Advice

_S = SCREENING.c
_SCREENING_COLUMNS = (
    _S.id, _S.version, _S.created_at, _S.name, _S.sex, _S.age, _S.temperature_c, _S.disposition, _S.phone,
    _S.id_number,
)  # fmt: skip
_P = PURCHASE.c
_PURCHASE_COLUMNS = (
    _P.id, _P.created_at, _P.name, _P.id_number, _P.phone, _P.temperature_c, _P.advice,
)  # fmt: skip


def screening_lines(
    session: Session, start: datetime, end: datetime, search: str, limit: int
) -> list[ScreeningLine]:
    """Screenings created in [start, end) matching ``search``, newest first, at most ``limit``."""
    query = list_query(SCREENING, start, end, search, limit, _SCREENING_COLUMNS)
    return [
        ScreeningLine(
            id=sid,
            version=version,
            created_at=created,
            name=name,
            sex=Sex(sex),
            age=age,
            temperature_c=celsius,
            disposition=None if disposition is None else Disposition(disposition),
            phone_masked=mask_phone(phone),
            id_masked=mask_id(id_number) if id_number else "",
        )
        for sid, version, created, name, sex, age, celsius, disposition, phone, id_number in session.execute(
            query
        )
    ]


def purchase_lines(
    session: Session, start: datetime, end: datetime, search: str, limit: int
) -> list[PurchaseLine]:
    """Purchases created in [start, end) matching ``search``, newest first, at most ``limit``."""
    medicines = _medicines(session.get_bind().dialect.name)
    query = list_query(PURCHASE, start, end, search, limit, (*_PURCHASE_COLUMNS, medicines))
    return [
        PurchaseLine(
            id=pid,
            created_at=created,
            name=name,
            id_masked=mask_id(id_number),
            phone_masked=mask_phone(phone),
            temperature_c=celsius,
            advice=Advice(advice),
            medicines=text or "",
        )
        for pid, created, name, id_number, phone, celsius, advice, text in session.execute(query)
    ]


def _medicines(dialect: str) -> Label[str]:
    """The stored ``purchase.medicines``, or, where it is empty, the drug lines joined by the database.

    Every purchase this build writes has its text, and the rows of before are filled by 0011.  A counter
    still running the build before 0011 against an updated shared server leaves the column at its
    default '', though, and a pharmacist must not see those purchases without their drugs.  ``CASE``
    evaluates the lookup only for such a row (and for a purchase with no drug line at all), so a list
    of stored texts reads the column alone.  The join is 0010's: PostgreSQL orders the aggregate by
    line; SQLite's ``group_concat`` follows ``purchase_drug``'s primary key (purchase, line)."""
    drug = PURCHASE_DRUG.c
    item = drug.name + literal("×") + cast(drug.quantity, String)
    if dialect == "postgresql":
        joined = func.string_agg(item, aggregate_order_by(literal("、"), drug.line))
    else:
        joined = func.group_concat(item, literal("、"))
    lookup = select(joined).where(drug.purchase_id == _P.id).scalar_subquery()
    return case((_P.medicines == "", lookup), else_=_P.medicines).label("medicines")
