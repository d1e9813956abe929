"""The ``slip_print`` table: one row for every referral slip printed, reprinted or exported as PDF.

A slip is a document a patient carries to another hospital, so the station must be able to say later who
printed which slip for which screening, when, on which printer, and where the exact PDF is archived.
Kept in its own module (not ``db/models.py``) so the slip feature can be read and changed on its own; it
shares ``Base`` so the foreign key to ``screening`` resolves and Alembic compares one metadata.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, UtcDateTime

KINDS = ("print", "reprint", "pdf-export")


class SlipPrintRow(Base):
    """One issued slip.  ``kind`` is ``print`` for the first paper copy, ``reprint`` for later ones and
    ``pdf-export`` for a PDF saved to a file; ``archive_path`` is the archived copy of the exact PDF."""

    __tablename__ = "slip_print"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    screening_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("screening.id", ondelete="RESTRICT"))
    slip_number: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    printed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    operator: Mapped[str] = mapped_column(String(64), default="")
    station_id: Mapped[str] = mapped_column(String(64), default="")
    printer: Mapped[str] = mapped_column(String(200), default="")
    layout: Mapped[str] = mapped_column(String(8))
    archive_path: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        # "Was this screening's slip printed already?" (reprint detection, the panel's status line).
        Index(None, "screening_id", "printed_at"),
        # The hospital phones with a slip number: find its prints without knowing the screening.
        Index(None, "slip_number"),
    )


SLIP_PRINT = SlipPrintRow.__table__
