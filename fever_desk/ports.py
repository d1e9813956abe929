"""The interfaces the core needs from the outside world; adapters in ``db/`` and ``devices/`` implement them.

Keeping them here lets the screens and the command line be written against behaviour, and lets tests
swap in a temporary database without touching any caller.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from fever_desk.model import DayCounts, Screening, ScreeningRevision


class ScreeningRepository(Protocol):
    def add(self, screening: Screening) -> Screening:
        """Save a new screening in one transaction and return it with its stored timestamps."""

    def correct(self, screening: Screening, *, operator: str, reason: str) -> Screening:
        """Replace a saved screening, keeping the earlier version with who, when and why."""

    def get(self, screening_id: uuid.UUID) -> Screening | None: ...

    def revisions(self, screening_id: uuid.UUID) -> Sequence[ScreeningRevision]:
        """Earlier versions, oldest first."""

    def between(
        self, start: datetime, end: datetime, *, search: str = "", limit: int = 500
    ) -> Sequence[Screening]:
        """Screenings created in [start, end), newest first, optionally matching name, phone or ID."""

    def counts(self, start: datetime, end: datetime) -> DayCounts: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
