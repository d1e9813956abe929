"""Slip prints recorded while the clinic server is unreachable: the paper goes out, the record waits here.

Printing a slip needs no server (the PDF is rendered, signed and archived on this counter); only its
record did, so a slip printed during an outage used to say "issued but not recorded".  Now the record
(``slip_print`` row, its UUID fixed at the counter) is kept in the outbox with its audit entry, which is
about the screening (``about``), and replayed insert-if-absent with the entry in the same transaction,
after the screenings (a slip of a screening saved offline finds its screening).

**Print or reprint while offline.**  Online the server decides in the row's own transaction (``print``
for the first paper copy of a screening, ``reprint`` after).  Offline this counter decides from what it
knows: ``reprint`` when it holds a queued paper copy of the screening, or when the server's last answer
it saw counted one; else ``print``.  The kind recorded at the counter is the one replayed, and the one
its audit entry names: when two counters cut off from each other both print a first copy, the server ends
with two ``print`` rows for that screening.  Both are real paper copies, so neither is dropped or
rewritten.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from db.models import to_utc
from db.models_slips import KINDS, SLIP_PRINT
from db.offline.repository import ResilientRepository
from db.repositories import insert_if_absent
from db.slip_repository import PAPER_KINDS, SlipPrint

SLIP_RECORD = "slip.record"
_FIELDS = tuple(SlipPrint.__dataclass_fields__)


class ResilientSlipPrintRepository(ResilientRepository):
    """``db.slip_repository.SqlSlipPrintRepository`` over a server that may be away (module docstring);
    what it does not override is the server's, unchanged."""

    kind = SLIP_RECORD

    def __getattr__(self, name: str) -> Any:
        if name == "primary":  # not set yet (during __init__): no recursion
            raise AttributeError(name)
        return getattr(self.primary, name)

    def decode(self, payload: dict[str, Any]) -> SlipPrint:
        values = {key: payload[key] for key in _FIELDS}
        values["id"], values["screening_id"] = uuid.UUID(values["id"]), uuid.UUID(values["screening_id"])
        values["printed_at"] = to_utc(datetime.fromisoformat(values["printed_at"]))
        return SlipPrint(**values)

    def insert_many_if_absent(self, records: list[SlipPrint], session: Session) -> set[Any]:
        rows = [{key: getattr(record, key) for key in _FIELDS} for record in records]
        statement = insert_if_absent(SLIP_PRINT, session.get_bind().dialect.name).returning(SLIP_PRINT.c.id)
        return {row[0] for row in session.execute(statement, rows)}

    def _queued_for(self, screening_id: uuid.UUID) -> list[SlipPrint]:
        return [p for p in self._pending_records() if p.screening_id == screening_id]

    def _paper_known(self, screening_id: uuid.UUID) -> bool:
        """Offline: does this counter know of an earlier paper copy (queued, or the server's last word)?"""
        if any(p.kind in PAPER_KINDS for p in self._queued_for(screening_id)):
            return True
        earlier = self._last.get(("for_screening", screening_id)) or []
        return any(p.kind in PAPER_KINDS for p in earlier)

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
    ) -> SlipPrint:
        """As ``SqlSlipPrintRepository.record``; when the server is out of reach the row is kept in the
        outbox (inside a unit of work, with the operation's audit entry) and returned as it will be sent."""
        if kind is not None and kind not in KINDS:  # refused before anything is kept, as online
            raise ValueError(f"unknown slip print kind {kind!r}; choose one of {', '.join(KINDS)}")
        with self._lock:
            record_id = uuid.uuid4()
            at = to_utc(printed_at) if printed_at else datetime.now(UTC)
            local_kind = kind or ("reprint" if self._paper_known(screening_id) else "print")
            row = SlipPrint(
                record_id, screening_id, slip_number, local_kind, at, operator, station_id, printer, layout,
                archive_path,
            )  # fmt: skip
            payload = {key: getattr(row, key) for key in _FIELDS}
            payload.update(id=str(record_id), screening_id=str(screening_id), printed_at=at.isoformat())

            def save() -> SlipPrint:
                stored = self.primary.record(
                    screening_id, slip_number, kind=kind, operator=operator, station_id=station_id,
                    printer=printer, layout=layout, archive_path=archive_path, printed_at=at,
                    session=session, record_id=record_id,
                )  # fmt: skip
                payload["kind"] = stored.kind  # the server decided; if the commit is lost, replay that
                return stored

            saved = self._save_or_queue(str(record_id), payload, save, session, about=str(screening_id))
            return row if saved is None else saved

    def for_screening(self, screening_id: uuid.UUID) -> list[SlipPrint]:
        """The server's slips of the screening (its last answer while offline) and this counter's
        queued ones, oldest first."""
        with self._lock:
            read = self._read(
                ("for_screening", screening_id), lambda: self.primary.for_screening(screening_id)
            )
            rows = list(read or [])
            seen = {p.id for p in rows}
            queued = [p for p in self._queued_for(screening_id) if p.id not in seen]
        return sorted([*rows, *queued], key=lambda p: p.printed_at)
