"""The grid workers' list (网格化 健康登记): its Chinese headers, and every row checked before any is kept.

Filled in below: :data:`HEADERS`, :class:`ImportReport`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowProblem:
    """A refused row: its number as the spreadsheet shows it (the header is row 1), and why (in the
    user's language)."""

    row: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ImportReport:
    """What the check found: rows read, and every refused row with its reasons."""

    rows: int
    refused: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused
