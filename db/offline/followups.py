"""Results received back (follow-ups) recorded while the clinic server is unreachable.

A follow-up row has no id of its own until the server numbers it, so the outbox item gets a UUID when the
nurse saves, and the row is recognised on the server by what it says: the screening, the result, who
recorded it and the time to the microsecond.  Replay inserts it only when no such row exists (this counter
is the only one replaying its own outbox, one round at a time), and appends the audit entry that
travelled with it only then, in the same transaction, so a replay repeated after a crash writes neither
twice.  The audit entry is about the *screening* (as online), so the item says which record its entry
belongs to (``about``).

Replayed after the screenings and purchases (``db.offline.store``), so a follow-up of a screening that
was itself saved offline finds its screening on the server.  While offline, :meth:`followups` lists the
server's last answer plus this counter's queued results; the daily report's figures are the server's and
count a queued result only once it has arrived.

Everything else of the report repository (figures, revisions, history) is the server's, unchanged:
attribute access falls through to it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import to_utc
from db.models_reports import FOLLOWUP
from db.offline.repository import ResilientRepository
from fever_desk.reporting import Followup, FollowupResult

FOLLOWUP_ADD = "followup.add"


@dataclass(frozen=True)
class QueuedFollowup:
    """A follow-up as it waits in the outbox; ``id`` is the outbox item's, fixed when it was saved."""

    id: uuid.UUID
    screening_id: uuid.UUID
    result: str
    recorded_at: datetime
    recorded_by: str
    note: str

    def as_followup(self) -> Followup:
        """For the desk: the server has not numbered it yet, so its id is 0."""
        return Followup(
            0, self.screening_id, FollowupResult(self.result), self.recorded_at, self.recorded_by, self.note
        )

    def values(self) -> dict[str, Any]:
        return {
            "screening_id": self.screening_id,
            "result": self.result,
            "recorded_at": self.recorded_at,
            "recorded_by": self.recorded_by,
            "note": self.note,
        }


class ResilientFollowupRepository(ResilientRepository):
    """``db.report_repository.SqlReportRepository`` over a server that may be away: follow-ups are
    saved or queued, everything else is the server's (see the module docstring)."""

    kind = FOLLOWUP_ADD

    def __getattr__(self, name: str) -> Any:
        if name == "primary":  # not set yet (during __init__): no recursion
            raise AttributeError(name)
        return getattr(self.primary, name)

    def decode(self, payload: dict[str, Any]) -> QueuedFollowup:
        return QueuedFollowup(
            uuid.UUID(payload["id"]),
            uuid.UUID(payload["screening_id"]),
            FollowupResult(payload["result"]).value,
            to_utc(datetime.fromisoformat(payload["recorded_at"])),
            str(payload["recorded_by"]),
            str(payload["note"]),
        )

    def insert_many_if_absent(self, records: list[QueuedFollowup], session: Session) -> set[Any]:
        written: set[Any] = set()
        for record in records:
            same = select(FOLLOWUP.c.id).where(
                FOLLOWUP.c.screening_id == record.screening_id,
                FOLLOWUP.c.result == record.result,
                FOLLOWUP.c.recorded_by == record.recorded_by,
                FOLLOWUP.c.recorded_at == record.recorded_at,
            )
            if session.execute(same.limit(1)).first() is None:
                session.execute(insert(FOLLOWUP), record.values())
                written.add(record.id)
        return written

    def record_followup(
        self,
        screening_id: uuid.UUID,
        result: FollowupResult | str,
        *,
        recorded_by: str,
        note: str = "",
        recorded_at: datetime | None = None,
        session: Session | None = None,
    ) -> Followup:
        """As ``SqlReportRepository.record_followup``; when the server is out of reach the result is
        kept in the outbox (with the operation's audit entry, inside a unit of work) and returned with
        id 0."""
        value = FollowupResult(result)  # an unknown result fails here, before anything is kept
        with self._lock:
            at = to_utc(recorded_at) if recorded_at else datetime.now(UTC)
            queued = QueuedFollowup(uuid.uuid4(), screening_id, value.value, at, recorded_by, note.strip())
            payload = {
                "id": str(queued.id),
                "screening_id": str(screening_id),
                "result": queued.result,
                "recorded_at": at.isoformat(),
                "recorded_by": recorded_by,
                "note": queued.note,
            }
            saved = self._save_or_queue(
                str(queued.id),
                payload,
                lambda: self.primary.record_followup(
                    screening_id, value, recorded_by=recorded_by, note=note, recorded_at=at, session=session
                ),
                session,
                about=str(screening_id),
            )
            return queued.as_followup() if saved is None else saved

    def followups(self, screening_id: uuid.UUID) -> list[Followup]:
        """The server's results for the screening (its last answer while offline) and this counter's
        queued ones, oldest first."""
        with self._lock:
            rows = list(
                self._read(("followups", screening_id), lambda: self.primary.followups(screening_id)) or []
            )
            pending = [q.as_followup() for q in self._pending_records() if q.screening_id == screening_id]
        return sorted([*rows, *pending], key=lambda f: f.recorded_at)
