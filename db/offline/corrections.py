"""Corrections of screenings made while the clinic server is unreachable.

Online, a correction replaces the record and keeps the version it replaced as a revision, in one server
transaction (``db.repositories.SqlScreeningRepository.correct``).  Offline it is kept in the outbox with
its audit entry (about the screening) and its revision's id, fixed at the counter; the replay applies it
with the same ``correct`` and appends the entry in the same transaction, unless a revision with that id
is on the server already (a replay repeated after a crash applies it once).  Replayed after the new
screenings, so a correction of a record saved offline finds it.

**The rule when two counters correct the same record.**  The server applies corrections in the order
they reach it, each on top of the version it holds then: the one that arrives last is in force, and every
version it replaced, another counter's correction included, is kept in the record's history with who
replaced it and why.  Nothing is merged field by field and nothing is dropped: a nurse who finds her
correction superseded sees both in the history and corrects again.  The entry that travelled names the
version this counter knew (``v2`` for a first correction); the server's revision numbers may run
further when another counter corrected meanwhile.

While offline, this counter's lists and the record itself show its own waiting correction; the day's
counts are the server's last answer and include a corrected outcome only once it has arrived.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.mapping import row_from_snapshot, row_values, screening_from_row, snapshot
from db.migrate import DatabaseProblem
from db.models import REVISION
from db.offline.link import unit_of
from db.offline.repository import ResilientRepository
from fever_desk.model import Screening

SCREENING_CORRECT = "screening.correct"


class CorrectionRefused(DatabaseProblem):
    template = "The correction of a screening the server does not hold was kept, not applied."


@dataclass(frozen=True)
class QueuedCorrection:
    """A correction waiting in the outbox; ``id`` is the id its kept revision will have."""

    id: uuid.UUID
    screening: Screening
    operator: str
    reason: str


class ResilientCorrectionRepository(ResilientRepository):
    """Queues and replays corrections (module docstring); the screening repository hands it the ones
    it cannot send (``db.offline.screenings``)."""

    kind = SCREENING_CORRECT

    def decode(self, payload: dict[str, Any]) -> QueuedCorrection:
        screening = screening_from_row(row_from_snapshot(payload["screening"]))
        return QueuedCorrection(uuid.UUID(payload["id"]), screening, payload["operator"], payload["reason"])

    def insert_many_if_absent(self, records: list[QueuedCorrection], session: Session) -> set[Any]:
        written: set[Any] = set()
        for record in records:  # in the order they were made: a later one lands on top
            there = session.execute(select(REVISION.c.id).where(REVISION.c.id == record.id)).first()
            if there is not None:
                continue
            try:
                self.primary.correct(
                    record.screening,
                    operator=record.operator,
                    reason=record.reason,
                    session=session,
                    revision_id=record.id,
                )
            except KeyError as exc:  # kept with its reason for IT, never dropped
                raise CorrectionRefused() from exc
            written.add(record.id)
        return written

    def queue(
        self, screening: Screening, *, operator: str, reason: str, session: Session | None
    ) -> Screening:
        """Keep the correction (in the unit, with its entry, or at once outside one); the record as it
        will read once the correction is applied, its version one above the version this counter knew."""
        with self._lock:
            unit = unit_of(session)
            if unit is not None:
                _, corrected = self.note(unit, screening, operator=operator, reason=reason)
                unit.lost = True  # the whole operation goes to the outbox, its entry with it
            else:
                revision_id, corrected, payload = self._payload(screening, operator, reason)
                self.outbox.put(self.kind, str(revision_id), payload, "offline")
            return corrected

    def note(
        self, unit: Any, screening: Screening, *, operator: str, reason: str
    ) -> tuple[uuid.UUID, Screening]:
        """Note the correction on a unit of work that is about to try the server, under a revision id
        fixed here: if the server is lost later in the unit (at its audit entry, at its commit) the unit
        keeps the correction in the outbox instead of telling the nurse "not saved", and a replay of a
        commit that did land is recognised by that id and applied once."""
        revision_id, corrected, payload = self._payload(screening, operator, reason)
        unit.note(self.outbox, self.kind, str(revision_id), payload, str(screening.id))
        return revision_id, corrected

    @staticmethod
    def _payload(screening: Screening, operator: str, reason: str) -> tuple[uuid.UUID, Screening, dict]:
        revision_id = uuid.uuid4()
        corrected = replace(screening, version=screening.version + 1)
        payload = {
            "id": str(revision_id),
            "screening": snapshot(row_values(corrected)),
            "operator": operator,
            "reason": reason,
        }
        return revision_id, corrected, payload

    def overlay(self, rows: list[Screening]) -> list[Screening]:
        """``rows`` with this counter's waiting corrections applied (the latest per record)."""
        latest = {c.screening.id: c.screening for c in self._pending_records()}
        if not latest:
            return rows
        return [latest.get(row.id, row) for row in rows]

    def latest_for(self, screening_id: uuid.UUID) -> Screening | None:
        found = [c.screening for c in self._pending_records() if c.screening.id == screening_id]
        return found[-1] if found else None
