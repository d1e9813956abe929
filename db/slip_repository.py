"""``SqlSlipPrintRepository``: the record of every referral slip printed, reprinted or exported.

Whether a print is a *reprint* is decided inside the same transaction that writes the row, so two clicks
racing (or two desks sharing a PostgreSQL database) cannot both record a "first" print.  Also here:
finding a screening from what a person reads out (a UUID prefix or a printed slip number), which the
slip command needs and the screening repository does not offer.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, cast, func, insert, select
from sqlalchemy.orm import Session

from db.mapping import screening_from_row
from db.models import SCREENING, to_utc
from db.models_slips import KINDS, SLIP_PRINT
from db.transactions import joined
from fever_desk.model import Screening

PAPER_KINDS = ("print", "reprint")
_SLIP_NUMBER = re.compile(r"^[A-Za-z0-9]{4}-\d{6}-([0-9A-Fa-f]{6})$")


@dataclass(frozen=True)
class SlipPrint:
    """One recorded slip; ``printed_at`` is aware UTC."""

    id: uuid.UUID
    screening_id: uuid.UUID
    slip_number: str
    kind: str
    printed_at: datetime
    operator: str
    station_id: str
    printer: str
    layout: str
    archive_path: str


def _from_row(row: Any) -> SlipPrint:
    return SlipPrint(**{key: row[key] for key in SlipPrint.__dataclass_fields__})


class SqlSlipPrintRepository:
    """Slip prints in SQL; each method is one short transaction on a fresh session."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def record(
        self,
        screening_id: uuid.UUID,
        slip_number: str,
        *,
        kind: str | None = None,
        operator: str = "",
        station_id: str = "",
        printer: str = "",
        layout: str = "80mm",
        archive_path: str = "",
        printed_at: datetime | None = None,
        session: Session | None = None,
        record_id: uuid.UUID | None = None,
    ) -> SlipPrint:
        """Add a row.  ``kind=None`` means "a paper copy": ``print`` if none was recorded for this
        screening yet, else ``reprint``, decided in this transaction.  Raises ``ValueError`` for an
        unknown kind and an integrity error if the screening does not exist.  ``record_id``: the row's
        id when the caller fixed it already (``db.offline.slips``: the same row if it is replayed)."""
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown slip print kind {kind!r}; choose one of {', '.join(KINDS)}")
        values = {
            "id": record_id or uuid.uuid4(),
            "screening_id": screening_id,
            "slip_number": slip_number,
            "printed_at": to_utc(printed_at) if printed_at else datetime.now(UTC),
            "operator": operator,
            "station_id": station_id,
            "printer": printer,
            "layout": layout,
            "archive_path": archive_path,
        }
        with joined(self._sessions, session) as session:
            if kind is None:
                kind = "reprint" if self._paper_count(session, screening_id) else "print"
            values["kind"] = kind
            session.execute(insert(SLIP_PRINT), values)
        return SlipPrint(**values)

    def for_screening(self, screening_id: uuid.UUID) -> Sequence[SlipPrint]:
        """Every recorded slip of one screening, oldest first."""
        query = (
            select(SLIP_PRINT)
            .where(SLIP_PRINT.c.screening_id == screening_id)
            .order_by(SLIP_PRINT.c.printed_at, SLIP_PRINT.c.id)
        )
        with self._sessions() as session, session.begin():
            return [_from_row(row) for row in session.execute(query).mappings()]

    def count(self, screening_id: uuid.UUID, kinds: Sequence[str] = PAPER_KINDS) -> int:
        """How many slips of ``kinds`` were recorded; non-zero paper prints make the next one a reprint."""
        with self._sessions() as session, session.begin():
            return self._paper_count(session, screening_id, kinds)

    @staticmethod
    def _paper_count(session: Session, screening_id: uuid.UUID, kinds: Sequence[str] = PAPER_KINDS) -> int:
        query = select(func.count()).where(
            SLIP_PRINT.c.screening_id == screening_id, SLIP_PRINT.c.kind.in_(list(kinds))
        )
        return int(session.execute(query).scalar_one())

    def by_slip_number(self, slip_number: str) -> Sequence[SlipPrint]:
        """Prints of a slip number read out by the hospital, oldest first."""
        query = (
            select(SLIP_PRINT)
            .where(SLIP_PRINT.c.slip_number == slip_number.strip().upper())
            .order_by(SLIP_PRINT.c.printed_at)
        )
        with self._sessions() as session, session.begin():
            return [_from_row(row) for row in session.execute(query).mappings()]


def uuid_prefix(text: str) -> str:
    """The hex prefix to look for: a UUID or its start (dashes ignored), or the last part of a slip
    number (``9C3A-200207-4F1B2C`` → ``4f1b2c``).  Raises ``ValueError`` when it is neither."""
    value = text.strip()
    match = _SLIP_NUMBER.match(value)
    if match:
        return match.group(1).lower()
    compact = value.replace("-", "").lower()
    if not compact or not re.fullmatch(r"[0-9a-f]{1,32}", compact):
        raise ValueError(f"{text!r} is neither a screening id (or its start) nor a slip number")
    return compact


def screenings_by_prefix(
    session_factory: Callable[[], Session], text: str, *, limit: int = 2
) -> Sequence[Screening]:
    """Screenings whose UUID starts with ``text`` (see :func:`uuid_prefix`); ``limit=2`` is enough to
    tell "unique" from "ambiguous".  A full UUID is a primary-key lookup; a prefix scans the ids, which
    is fine for a command typed once, not for a screen."""
    prefix = uuid_prefix(text)
    if len(prefix) == 32:
        condition = SCREENING.c.id == uuid.UUID(prefix)
    else:
        # SQLite keeps UUIDs as 32 hex digits, PostgreSQL prints them with dashes: compare without.
        hex_id = func.replace(func.lower(cast(SCREENING.c.id, String)), "-", "")
        condition = func.substr(hex_id, 1, len(prefix)) == prefix
    query = select(SCREENING).where(condition).order_by(SCREENING.c.created_at).limit(limit)
    with session_factory() as session, session.begin():
        return [screening_from_row(row) for row in session.execute(query).mappings()]
