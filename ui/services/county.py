"""The station's side of the county report: enrol once, queue each signed report, send the backlog.

- **Enrol** (:func:`enrol`): the county administrator gives the point a one-time code; the station
  sends it with the public half of its existing slip-signing key (``fever_desk.slips.signing``, in the
  data folder) and keeps the county's address and its point number in ``county.json`` beside the key
  (the data folder is the desk account's alone, 0700).
- **Queue** (:func:`queue_reports`, :func:`queue_card_counts`): every daily-report revision this station
  generated and has not queued yet, and a new revision of the day's report-card counts when they
  changed, is signed and put in the county outbox — the clinic server's outbox mechanism
  (``db.outbox.Outbox``, encrypted with the station key), in its own file ``county-outbox.sqlite3`` —
  and recorded in ``county_delivery`` with its audit entry, in one unit of work.
- **Send** (:func:`send`): each queued item goes to the county inbox; only after the county committed
  it is it removed from the outbox and marked ``sent`` (with its audit entry).  While the county is
  unreachable items stay queued, attempts and the last error counted, and the desk keeps working; the
  next :func:`send` delivers the backlog in order.  A resend after an unclear failure is harmless: the
  county stores the same report once.  Then the county's verdicts are read back: ``accepted``, or
  ``refused`` with a reason (``fever_desk.county.signed.REASON_TEXTS``) the station shows.

The report-card counts also travel inside each daily report's figures (``cards_*``); the separate
``cards`` kind carries later changes (:func:`queue_recent_card_counts`).  The desk runs these steps by
itself after each report it generates and on a timer (``ui.desk.county.sending``); a station without
the desk running runs ``fever-desk county send`` after ``report daily`` in its scheduled task.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from db.county import deliveries
from db.county.link import CountyLink
from db.outbox import Outbox
from fever_desk.audit import AuditAction
from fever_desk.county import signed
from fever_desk.files import write_atomic
from fever_desk.problems import Problem
from fever_desk.reporting import DailyFigures
from fever_desk.slips.signing import load_or_create_keys, public_key_text
from ui.services.audit_hooks import audit
from ui.services.slips import data_dir

ENROLMENT_FILE = "county.json"
OUTBOX_FILE = "county-outbox.sqlite3"
KIND_PREFIX = "county_"


class CountyProblem(Problem):
    """A county operation that could not be done; the message says why in the user's language."""

    template = "{detail}"


class NotEnrolled(CountyProblem):
    template = "This station is not enrolled with the county yet: run 'fever-desk county enrol --code CODE'."


class CodeRefused(CountyProblem):
    template = (
        "The county did not accept the code {code}: it is wrong, used already or expired. Ask for a new one."
    )


class CountyUnreachable(CountyProblem):
    template = "The county database cannot be reached: {detail}"


@dataclass(frozen=True)
class Enrolment:
    url: str
    point: int


def _folder(folder: Path | None) -> Path:
    return folder or data_dir()


def load_enrolment(folder: Path | None = None) -> Enrolment | None:
    path = _folder(folder) / ENROLMENT_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Enrolment(str(data["url"]), int(data["point"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def county_outbox(folder: Path | None = None) -> Outbox:
    return Outbox(_folder(folder) / OUTBOX_FILE)


def _unreachable(exc: Exception) -> CountyUnreachable:
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return CountyUnreachable(detail=detail[0] if detail else type(exc).__name__)


def enrol(ctx: Any, url: str, code: str, folder: Path | None = None) -> Enrolment:
    """Record this station's public key on the county with ``code``; remember the point number."""
    from sqlalchemy.exc import DBAPIError

    keys = load_or_create_keys(_folder(folder))
    link = CountyLink(url)
    try:
        point = link.enrol(code, public_key_text(keys.public_key))
    except DBAPIError as exc:
        raise _unreachable(exc) from exc
    finally:
        link.close()
    if point is None:
        raise CodeRefused(code=code)
    enrolment = Enrolment(url, point)
    text = json.dumps({"url": url, "point": point}, ensure_ascii=False)
    with ctx.unit_of_work() as session:
        write_atomic(_folder(folder) / ENROLMENT_FILE, text.encode("utf-8"), mode=0o600)
        audit(ctx, AuditAction.COUNTY_ENROL, "county_point", str(point), keys.fingerprint(), session=session)
    return enrolment


def _queue(ctx: Any, items: list[tuple[str, date, int, dict[str, Any]]], outbox: Outbox, point: int) -> int:
    """Sign ``(kind, day, revision, body)`` items, put them in the outbox, record them; one unit of work.

    The outbox write comes first and is idempotent (``(kind, item_id)`` unique): a crash before the
    database commit leaves an item the next run queues again as the same item, never twice."""
    if not items:
        return 0
    keys = load_or_create_keys(Path(outbox.path).parent)
    signed_items = [(kind, day, rev, signed.sign(keys.private_key, body)) for kind, day, rev, body in items]
    outbox.put_many(
        [
            (KIND_PREFIX + kind, f"{day.isoformat()}#{rev}",
             {"point": point, "kind": kind, "day": day.isoformat(), "revision": rev,
              "body": report.text, "signature": report.signature})
            for kind, day, rev, report in signed_items
        ]
    )  # fmt: skip
    with ctx.unit_of_work() as session:
        for kind, day, rev, report in signed_items:
            deliveries.add(session, kind, day, rev, point, report.text, report.signature)
            record = f"{day.isoformat()}#{rev}"
            audit(ctx, AuditAction.COUNTY_SEND, f"county_{kind}", record, "queued", session=session)
    return len(signed_items)


def queue_reports(ctx: Any, station_id: str, folder: Path | None = None) -> int:
    """Queue every daily-report revision of ``station_id`` not queued before; returns how many."""
    enrolment = load_enrolment(folder)
    if enrolment is None:
        raise NotEnrolled()
    with ctx.unit_of_work() as session:
        rows = deliveries.unsent_revisions(session, station_id)
    items = []
    for row in rows:
        figures = DailyFigures.from_json(row.figures)
        cutoff = str(row.figures.get("cutoff", ""))
        generated = row.generated_at.isoformat()
        body = signed.daily_body(enrolment.point, row.report_day, row.revision, figures, cutoff, generated)
        items.append(("daily", row.report_day, row.revision, body))
    return _queue(ctx, items, county_outbox(folder), enrolment.point)


def queue_card_counts(ctx: Any, day: date, cards: dict[str, int], folder: Path | None = None) -> bool:
    """Queue the day's report-card counts as a new revision when they differ from the last one queued."""
    from datetime import UTC, datetime

    enrolment = load_enrolment(folder)
    if enrolment is None:
        raise NotEnrolled()
    with ctx.unit_of_work() as session:
        last = deliveries.latest(session, "cards", day)
    if last is not None and json.loads(last.body).get("cards") == {k: int(v) for k, v in cards.items()}:
        return False
    revision = 1 if last is None else last.revision + 1
    body = signed.cards_body(enrolment.point, day, revision, cards, datetime.now(UTC).isoformat())
    return _queue(ctx, [("cards", day, revision, body)], county_outbox(folder), enrolment.point) == 1


def queue_recent_card_counts(
    ctx: Any, station_id: str, cutoff: time, today: date, days: int = 14, folder: Path | None = None
) -> int:
    """For each of the last ``days`` report days this station reported, queue the day's report-card
    counts (``db.report_cards.repository.card_figures``: cards by classification and those reported
    after their 2 hours) when they changed since last sent — a card marked reported late changes a
    past day's counts after its daily report went out."""
    from db.report_cards.repository import card_figures
    from fever_desk.reporting import reporting_day

    with ctx.unit_of_work() as session:
        reported = deliveries.reported_days(session, station_id, today - timedelta(days=days - 1), today)
        counts = {}
        for day in reported:
            period = reporting_day(day, cutoff)
            counts[day] = card_figures(session, period.start, period.end)
    return sum(queue_card_counts(ctx, day, cards, folder) for day, cards in counts.items())


@dataclass
class SendResult:
    sent: int = 0
    waiting: int = 0
    accepted: int = 0
    refused: list[deliveries.Delivery] = field(default_factory=list)
    error: CountyUnreachable | None = None


def send(ctx: Any, folder: Path | None = None) -> SendResult:
    """Deliver the outbox's backlog in order, then read back the county's verdicts."""
    from sqlalchemy.exc import DBAPIError

    enrolment = load_enrolment(folder)
    if enrolment is None:
        raise NotEnrolled()
    outbox = county_outbox(folder)
    result = SendResult()
    link = CountyLink(enrolment.url)
    try:
        for item in outbox.pending():
            if not item.kind.startswith(KIND_PREFIX):
                continue
            p = item.payload
            day = date.fromisoformat(p["day"])
            try:
                link.deliver(p["point"], p["kind"], day, p["revision"], p["body"], p["signature"])
            except DBAPIError as exc:
                result.error = _unreachable(exc)
                outbox.failed(item.seq, str(result.error.values["detail"]))
                break
            outbox.done(item.seq)
            with ctx.unit_of_work() as session:
                deliveries.mark(session, p["kind"], day, p["revision"], "sent")
                kind = f"county_{p['kind']}"
                audit(ctx, AuditAction.COUNTY_SEND, kind, item.item_id, "sent", session=session)
            result.sent += 1
        if result.error is None:
            _read_verdicts(ctx, link, result)
    finally:
        link.close()
        result.waiting = sum(1 for i in outbox.pending() if i.kind.startswith(KIND_PREFIX))
    return result


def _read_verdicts(ctx: Any, link: CountyLink, result: SendResult) -> None:
    from sqlalchemy.exc import DBAPIError

    with ctx.unit_of_work() as session:
        waiting = deliveries.listed(session, ("sent",))
    for item in waiting:
        try:
            verdict = link.verdict(item.point_id, item.kind, item.day, item.revision, item.signature)
        except DBAPIError as exc:
            result.error = _unreachable(exc)
            return
        if verdict is None or verdict[0] == "pending":
            continue
        state, reason = verdict
        with ctx.unit_of_work() as session:
            deliveries.mark(session, item.kind, item.day, item.revision, state, reason)
            record = f"{item.day.isoformat()}#{item.revision}"
            detail = f"{state} {reason}".strip()
            audit(ctx, AuditAction.COUNTY_SEND, f"county_{item.kind}", record, detail, session=session)
        if state == "accepted":
            result.accepted += 1
        else:
            result.refused.append(deliveries.Delivery(**{**item.__dict__, "state": state, "reason": reason}))


def listed(ctx: Any, day: date | None = None) -> list[deliveries.Delivery]:
    with ctx.unit_of_work() as session:
        return deliveries.listed(session, day=day)


def env_url() -> str | None:
    return os.environ.get("FEVER_DESK_COUNTY_DB") or None
