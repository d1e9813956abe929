"""The observation register's writes while the clinic server is unreachable.

Every change to the register is one outbox item of kind ``observation.change``, in the order it was
made, with the audit entry of the operation that made it (``db.offline.link.Unit``):

* ``register`` — a new observation; its id is fixed at the counter, and replay inserts the row only when
  no row has that id;
* ``cell`` — one version of a half-day (a first reading or a correction); the item's id is fixed at the
  counter and the version is counted again on the server at replay (the highest there plus one), so a
  half-day written meanwhile by another counter stays in the history under the one that arrives last
  (the rule of ``db.offline.corrections``).  A cell already on the server with the same observation,
  half-day, recorder and time to the microsecond is this item, replayed before: not written again;
* ``status`` — a release, a loss to follow-up or a referral (its screening is an ordinary queued
  screening, replayed before this kind: ``db.offline.store``); applied only while the person is still
  under observation on the server, and recognised as applied when the row holds that status at that
  time.  A status change the server cannot apply (the person was released or referred meanwhile by
  another counter) stays queued with its reason, for IT, as a refused correction does.

A change is written on the server and its entry appended in the same transaction, only when the replay
wrote it, so a replay repeated after a crash applies each once.

**While offline** (the honest minimum): a person's entry and grid read as the server gave them last on
this counter (the people opened here lately: the last :data:`KNOWN` answers, two per person), with this
counter's waiting changes on top; a person this counter never read cannot be recorded, released or
marked lost until the server is back (:class:`PersonNotKnownHere`, a
:class:`~db.offline.link.ServerUnavailable`, said in words).  "Already under observation?" sees the
server's last answer for the same question and this counter's waiting registrations only: two counters
registering the same person while both are cut off make two observations.  Today's worklist and the
register's list need the server and say so (:class:`RegisterNeedsServer`), so a release or a loss to
follow-up decided offline works for a person whose grid was opened on this counter (or who was
registered here), not from a worklist row alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from db.mapping import json_safe
from db.migrate import DatabaseProblem
from db.models import to_utc
from db.observation.mapping import cell_from_row, cell_values, observation_from_row, observation_values
from db.observation.models import OBSERVATION as OB
from db.observation.models import OBSERVATION_CELL as C
from db.offline.link import SERVER_ERRORS, ServerUnavailable, is_connection_error, reachable, unit_of
from db.offline.repository import ResilientRepository
from fever_desk.observation.model import Cell, Observation, Status

OBSERVATION_CHANGE = "observation.change"
#: How many server answers (people, grids, look-ups) this counter remembers for reading offline.
KNOWN = 256
_DATES = ("birth_date", "last_exposure", "status_on", "release_on", "day")
_TIMES = ("created_at", "updated_at", "status_at", "recorded_at", "temperature_measured_at")


class RegisterNeedsServer(ServerUnavailable):
    """Today's worklist and the register's list are answered by the server only."""

    template = (
        "The clinic server cannot be reached: today's worklist and the register's list need it. A person's "
        "grid opened on this counter still takes half-days, kept here and sent when the server is back."
    )


class PersonNotKnownHere(ServerUnavailable):
    """Offline, a person this counter never read: nothing to check the change against."""

    template = (
        "The clinic server cannot be reached, and this person's entry has not been opened on this counter: "
        "try again when the server is back."
    )


class ObservationChangeRefused(DatabaseProblem):
    template = "A change to the observation register that the server cannot apply was kept, not applied."


def _decode(data: dict[str, Any]) -> dict[str, Any]:
    row = dict(data)
    for key in ("id", "observation_id"):
        if row.get(key) is not None:
            row[key] = uuid.UUID(row[key])
    for key in _DATES:
        if row.get(key) is not None:
            row[key] = date.fromisoformat(row[key])
    for key in _TIMES:
        if row.get(key) is not None:
            row[key] = to_utc(datetime.fromisoformat(row[key]))
    return row


@dataclass(frozen=True)
class QueuedChange:
    """One waiting change; ``id`` is the item's (the observation's own id for a registration)."""

    id: uuid.UUID
    op: str  # "register" | "cell" | "status"
    observation_id: uuid.UUID
    values: dict[str, Any]


class ResilientObservationRepository(ResilientRepository):
    """``db.observation.repository.SqlObservationRepository`` over a server that may be away (module
    docstring); what it does not override (the import's bulk insert) is the server's."""

    kind = OBSERVATION_CHANGE
    remembered = KNOWN

    def __getattr__(self, name: str) -> Any:
        if name == "primary":  # not set yet (during __init__): no recursion
            raise AttributeError(name)
        return getattr(self.primary, name)

    # ---- the outbox items ----------------------------------------------------------------------------
    def decode(self, payload: dict[str, Any]) -> QueuedChange:
        op = str(payload["op"])
        if op not in ("register", "cell", "status"):
            raise ValueError(f"unknown change {op!r}")
        values = _decode(payload["values"])
        if op == "status":
            values["on"] = date.fromisoformat(values["on"])
            values["at"] = to_utc(datetime.fromisoformat(values["at"]))
        return QueuedChange(uuid.UUID(payload["id"]), op, uuid.UUID(payload["observation_id"]), values)

    def _change(
        self, op: str, item_id: uuid.UUID, observation_id: uuid.UUID, values: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "op": op,
            "id": str(item_id),
            "observation_id": str(observation_id),
            "values": json_safe(values),
        }

    def insert_many_if_absent(self, records: list[QueuedChange], session: Session) -> set[Any]:
        written: set[Any] = set()
        for change in records:  # in the order they were made: a registration before its cells
            if change.op == "register":
                there = session.execute(select(OB.c.id).where(OB.c.id == change.id)).first()
                if there is None:
                    session.execute(insert(OB), change.values)
                    written.add(change.id)
            elif change.op == "cell":
                if self._replay_cell(change, session):
                    written.add(change.id)
            elif self._replay_status(change, session):
                written.add(change.id)
        return written

    def _replay_cell(self, change: QueuedChange, session: Session) -> bool:
        v = change.values
        same = select(C.c.version).where(
            C.c.observation_id == change.observation_id,
            C.c.day == v["day"],
            C.c.slot == v["slot"],
            C.c.recorded_by == v["recorded_by"],
            C.c.recorded_at == v["recorded_at"],
        )
        if session.execute(same.limit(1)).first() is not None:
            return False
        there = select(OB.c.id).where(OB.c.id == change.observation_id)
        if session.execute(there).first() is None:
            raise ObservationChangeRefused()
        top = select(func.max(C.c.version)).where(
            C.c.observation_id == change.observation_id, C.c.day == v["day"], C.c.slot == v["slot"]
        )
        version = (session.execute(top).scalar_one() or 0) + 1
        self.primary.add_cell(cell_from_row({**v, "version": version}), session=session)
        return True

    def _replay_status(self, change: QueuedChange, session: Session) -> bool:
        v = change.values
        row = session.execute(
            select(OB.c.status, OB.c.status_at).where(OB.c.id == change.observation_id)
        ).first()
        if row is None:
            raise ObservationChangeRefused()
        at = to_utc(v["at"])
        if row.status == v["status"] and row.status_at is not None and to_utc(row.status_at) == at:
            return False  # applied by an earlier replay
        if row.status != str(Status.ACTIVE):
            raise ObservationChangeRefused()
        self.primary.set_status(
            change.observation_id, Status(v["status"]), v["on"], v["reason"], v["by"], at=at, session=session
        )
        return True

    def _pending_changes(self, observation_id: uuid.UUID | None = None) -> list[QueuedChange]:
        changes = self._pending_records()
        return (
            changes if observation_id is None else [c for c in changes if c.observation_id == observation_id]
        )

    # ---- writes --------------------------------------------------------------------------------------
    def add(self, observation: Observation, *, session: Session | None = None) -> Observation:
        values = observation_values(observation)
        with self._lock:
            payload = self._change("register", observation.id, observation.id, values)
            saved = self._save_or_queue(
                str(observation.id), payload, lambda: self.primary.add(observation, session=session), session
            )
        return observation_from_row(values) if saved is None else saved

    def add_cell(self, cell: Cell, *, session: Session) -> None:
        with self._lock:
            item = uuid.uuid4()
            payload = self._change("cell", item, cell.observation_id, cell_values(cell))
            self._save_or_queue(
                str(item),
                payload,
                lambda: self.primary.add_cell(cell, session=session),
                session,
                about=str(cell.observation_id),
            )

    def set_status(
        self,
        observation_id: uuid.UUID,
        status: Status,
        on: date,
        reason: str,
        by: str,
        *,
        at: datetime | None = None,
        session: Session,
    ) -> Observation:
        with self._lock:
            moment = to_utc(at) if at is not None else datetime.now(UTC)
            item = uuid.uuid4()
            values = {"status": str(status), "on": on, "reason": reason, "by": by, "at": moment}
            payload = self._change("status", item, observation_id, values)
            saved = self._save_or_queue(
                str(item),
                payload,
                lambda: self.primary.set_status(
                    observation_id, status, on, reason, by, at=moment, session=session
                ),
                session,
                about=str(observation_id),
            )
            if saved is not None:
                return saved
            known = self.get(observation_id, session=session)
            if known is None:
                raise PersonNotKnownHere()
            return replace(
                known,
                status=status,
                status_on=on,
                status_reason=reason,
                status_by=by,
                version=known.version + 1,
            )

    # ---- reads ---------------------------------------------------------------------------------------
    def get(self, observation_id: uuid.UUID, *, session: Session | None = None) -> Observation | None:
        """The server's entry; offline its last answer here (or this counter's waiting registration) with
        this counter's waiting status changes on top; :class:`ServerUnavailable` when neither is known."""
        with self._lock:
            online, found = self._known(
                ("get", observation_id), lambda: self.primary.get(observation_id, session=session), session
            )
            if online:
                return found
            for change in self._pending_changes(observation_id):
                if change.op == "register":
                    found = found or observation_from_row(change.values)
                elif change.op == "status" and found is not None:
                    v = change.values
                    found = replace(
                        found,
                        status=Status(v["status"]),
                        status_on=v["on"],
                        status_reason=v["reason"],
                        status_by=v["by"],
                        version=found.version + 1,
                    )
            if found is None:
                raise PersonNotKnownHere()
            return found

    def all_cells(self, observation_id: uuid.UUID, *, session: Session | None = None) -> list[Cell]:
        """Every version of every half-day; offline the server's last answer here plus this counter's
        waiting cells (their versions as counted here)."""
        with self._lock:
            online, cells = self._known(
                ("cells", observation_id),
                lambda: self.primary.all_cells(observation_id, session=session),
                session,
            )
            if online:
                return list(cells)
            pending = [
                cell_from_row(c.values) for c in self._pending_changes(observation_id) if c.op == "cell"
            ]
            if cells is None and not any(c.op == "register" for c in self._pending_changes(observation_id)):
                raise PersonNotKnownHere()  # never read here: its grid is not known
            every = [*(cells or []), *pending]
            return sorted(every, key=lambda c: (c.entry.day, str(c.entry.slot), c.version))

    def current_cells(self, observation_id: uuid.UUID, *, session: Session | None = None) -> list[Cell]:
        newest: dict[tuple[date, str], Cell] = {}
        for cell in self.all_cells(observation_id, session=session):
            newest[(cell.entry.day, str(cell.entry.slot))] = cell
        return list(newest.values())

    def cell_version(self, observation_id: uuid.UUID, day: date, slot: str, *, session: Session) -> int:
        if reachable(self.link, session):
            try:
                return int(
                    self._server(
                        lambda: self.primary.cell_version(observation_id, day, slot, session=session)
                    )
                )
            except SERVER_ERRORS as exc:
                if not is_connection_error(exc):
                    raise
                if (unit := unit_of(session)) is not None:
                    unit.lost = True
        versions = [
            c.version
            for c in self.all_cells(observation_id, session=session)
            if c.entry.day == day and str(c.entry.slot) == slot
        ]
        return max(versions, default=0)

    def active_for(
        self, *, id_number: str = "", source_id: str = "", session: Session | None = None
    ) -> Observation | None:
        """Online the server's answer; offline its last answer to the same question, else this counter's
        waiting registration of the same ID number or record (module docstring)."""
        with self._lock:
            online, found = self._known(
                ("active_for", id_number, source_id),
                lambda: self.primary.active_for(id_number=id_number, source_id=source_id, session=session),
                session,
            )
            if online or found is not None:
                return found
            for change in self._pending_changes():
                v = change.values
                if change.op == "register" and (
                    (id_number and v["id_number"] == id_number) or (source_id and v["source_id"] == source_id)
                ):
                    return observation_from_row(v)
            return None

    def section(self, where: Sequence[Any], limit: int, order: Any = None, **kwargs: Any) -> Any:
        """Today's worklist needs the server: offline it says so (module docstring)."""
        return self._needs_server(lambda: self.primary.section(where, limit, order, **kwargs), kwargs)

    def register(self, **kwargs: Any) -> list[Observation]:
        """The register's list needs the server: offline it says so."""
        return list(self._needs_server(lambda: self.primary.register(**kwargs), kwargs))

    def _needs_server(self, call: Callable[[], Any], kwargs: dict[str, Any]) -> Any:
        if not reachable(self.link, kwargs.get("session")):
            raise RegisterNeedsServer()
        try:
            return self._server(call)
        except SERVER_ERRORS as exc:
            if is_connection_error(exc):
                raise RegisterNeedsServer() from exc
            raise
