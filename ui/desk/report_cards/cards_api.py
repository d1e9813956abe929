"""The one place the desk's card screens meet the card service and the card rules.

The screens show; the service (``ui.services.report_cards``) stores, and the domain
(``fever_desk.report_card``) decides what a card still lacks and where its clock stands.  This module
turns those into what the widgets show (the clock's rows, the labels of the choices, the known fields as
text) and turns what the doctor typed back into a card, so the widgets need no knowledge of the record's
shape and the rules are never written twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from fever_desk.i18n import current_language, tr
from fever_desk.privacy import Permission, Permissions
from fever_desk.report_card.card import (
    FIELD_LABELS,
    CardFieldProblem,
    ReportCard,
    card_problems,
    field_problem,
)
from fever_desk.report_card.clock import ClockState, read_clock, reported_late
from fever_desk.report_card.fields import CHINESE, ENGLISH, OCCUPATIONS, Belongs, CaseClass
from ui.services import report_cards as service
from ui.services.changes import Changes

#: An export writes a file, no record: nothing for the screens to refresh.
NO_CHANGES = Changes()

#: The fields the doctor completes in the editor, in Tab order; each is a ``ReportCard`` attribute
#: (the address levels are ``Address`` attributes) and, but for the levels, a ``FIELD_LABELS`` key.
ADDRESS_LEVELS = ("province", "city", "county", "township", "village", "house")
#: Labels of the editor's fields that are not in ``FIELD_LABELS`` (English source strings).
EDITOR_LABELS = {
    "work_unit": "Work unit (school)",
    "province": "Province",
    "city": "City",
    "county": "County/district",
    "township": "Township/street",
    "village": "Village",
    "house": "House number",
}
#: Fields the service fills when the card is completed (the station's unit, the doctor logged in).
FILLED_BY_THE_STATION = frozenset({"reporting_unit", "doctor", "national_number"})
ONSET_FORMAT = "%Y-%m-%d"
ONSET_FORMAT_TEMPLATE = "{label}: write the date as 2020-01-28."


class Level(StrEnum):
    """How the clock strip shows a card (the domain's ``ClockState`` of a card not yet reported)."""

    DUE = "due"
    WARNING = "warning"
    OVERDUE = "overdue"


LEVEL_ORDER = [Level.DUE, Level.WARNING, Level.OVERDUE]
_LEVELS = {
    ClockState.RUNNING: Level.DUE,
    ClockState.WARNING: Level.WARNING,
    ClockState.OVERDUE: Level.OVERDUE,
}


@dataclass(frozen=True)
class ClockRow:
    card: ReportCard
    number: str
    name: str
    minutes_left: int  # negative: minutes late
    level: Level


def local_now() -> datetime:
    return datetime.now().astimezone()


def may_handle_cards(role: Any) -> bool:
    return Permissions.for_role(role).allows(Permission.REPORT_CARD)


def touches_cards(changes: Any) -> bool:
    """Whether an operation may have made, completed, reported or removed a card."""
    return bool(changes.report_cards or changes.screenings or changes.purged)


def clock_rows(cards: Sequence[ReportCard], now: datetime) -> list[ClockRow]:
    """The clock's rows as of ``now``, most urgent first; a card reported meanwhile is left out."""
    rows = []
    for card in cards:
        reading = read_clock(card, now)
        level = _LEVELS.get(reading.state)
        if level is not None:
            rows.append(ClockRow(card, card.number, card.name, reading.minutes_left, level))
    rows.sort(key=lambda row: row.minutes_left)
    return rows


# ---- labels -------------------------------------------------------------------------------------------
def label_of(code: str) -> str:
    """A stored code in the UI's language: the printed card's own words in Chinese."""
    words = CHINESE if current_language() == "zh_CN" else ENGLISH
    return words.get(code, code)


def crowd_choices() -> list[tuple[str, str]]:
    return [(code, label_of(code)) for code in OCCUPATIONS]


def belongs_choices() -> list[tuple[str, str]]:
    return [(b.value, label_of(b)) for b in Belongs]


def classification_choices() -> list[tuple[str, str]]:
    return [(c.value, label_of(c)) for c in CaseClass if c is not CaseClass.EXCLUDED]


def correction_choices(card: ReportCard) -> list[tuple[str, str]]:
    return [(c.value, label_of(c)) for c in CaseClass if c is not card.case_class]


def field_label(key: str) -> str:
    return tr(EDITOR_LABELS[key]) if key in EDITOR_LABELS else tr(FIELD_LABELS.get(key, key))


def header_text(card: ReportCard) -> str:
    number = card.number or tr("(not numbered yet)")
    kind = label_of(card.kind)
    state = (
        tr(
            "reported online {when}, number {number}",
            when=f"{card.reported_at.astimezone():%Y-%m-%d %H:%M}",
            number=card.national_number,
        )
        if card.reported_at
        else tr("not yet reported online")
    )
    return f"{number} · {kind} · {label_of(card.case_class)} · {state}"


def known_fields(card: ReportCard) -> list[tuple[str, str]]:
    """What the station filled in, as (label, text): shown, not typed again."""
    age = card.age_shown()
    born = f"{card.birth_date:%Y-%m-%d}" if card.birth_date else ""
    if age is not None:
        born = f"{born} ({age.value} {label_of(age.unit)})".strip()
    return [
        (tr(FIELD_LABELS["name"]), card.name),
        (tr(FIELD_LABELS["sex"]), tr(card.sex.value.capitalize()) if card.sex.value != "unknown" else ""),
        (tr(FIELD_LABELS["birth_date"]), born),
        (tr(FIELD_LABELS["diagnosed_at"]), f"{card.diagnosed_at.astimezone():%Y-%m-%d %H:%M}"),
    ]


# ---- editing ------------------------------------------------------------------------------------------
def doctor_values(card: ReportCard) -> dict[str, str]:
    values = {
        "guardian_name": card.guardian_name,
        "id_number": card.id_number,
        "phone": card.phone,
        "work_unit": card.work_unit,
        "belongs": card.belongs.value if card.belongs else "",
        "occupation": card.occupation,
        "case_class": card.case_class.value,
        "onset_date": f"{card.onset_date:{ONSET_FORMAT}}" if card.onset_date else "",
        "remarks": card.remarks,
    }
    values.update({level: getattr(card.address, level) for level in ADDRESS_LEVELS})
    return values


def edited(card: ReportCard, values: dict[str, str]) -> ReportCard:
    """``card`` with the doctor's values; raises ``CardFieldProblem`` for an unreadable onset date."""
    onset: date | None = None
    if values.get("onset_date"):
        try:
            onset = datetime.strptime(values["onset_date"], ONSET_FORMAT).date()
        except ValueError:
            raise field_problem("onset_date", ONSET_FORMAT_TEMPLATE) from None
    address = replace(card.address, **{level: values.get(level, "") for level in ADDRESS_LEVELS})
    return replace(
        card,
        guardian_name=values.get("guardian_name", ""),
        id_number=values.get("id_number", ""),
        phone=values.get("phone", ""),
        work_unit=values.get("work_unit", ""),
        belongs=Belongs(values["belongs"]) if values.get("belongs") else None,
        occupation=values.get("occupation", ""),
        case_class=CaseClass(values["case_class"]) if values.get("case_class") else card.case_class,
        onset_date=onset,
        remarks=values.get("remarks", ""),
        address=address,
    )


def problems(card: ReportCard, values: dict[str, str]) -> list[tuple[str, str]]:
    """(field, message) for every problem of the card as the doctor would save it, in field order.

    The fields the station fills on completion (unit, doctor) are not the doctor's to type and are left
    to the service; an address problem points at its first missing level."""
    try:
        candidate = edited(card, values)
    except CardFieldProblem as problem:
        return [(problem.field, str(problem.localized()))]
    found = []
    for problem in card_problems(candidate):
        if problem.field in FILLED_BY_THE_STATION:
            continue
        key = problem.field
        if key == "address":
            key = next((lvl for lvl in ADDRESS_LEVELS if not values.get(lvl, "").strip()), "province")
        found.append((key, str(problem.localized())))
    return found


def is_reported(card: ReportCard) -> bool:
    return card.reported


def may_correct(card: ReportCard) -> bool:
    return card.case_class is not CaseClass.EXCLUDED


def card_number(card: ReportCard) -> str:
    return card.number or str(card.id)


def card_of(result: Any) -> ReportCard:
    """The card an operation stored (``CardSaved``) or read."""
    return result if isinstance(result, ReportCard) else result.card


def national_number_problem(number: str) -> str:
    if not number:
        return tr("{label}: required.", label=tr(FIELD_LABELS["national_number"]))
    return ""


# ---- the service, as the worker runs it -----------------------------------------------------------------
def station_of(settings: Any) -> service.CardStation:
    """Read on the GUI thread (the settings are the window's), passed to the worker as a value."""
    return service.CardStation.from_settings(settings)


def with_suggestion(card: ReportCard, station: service.CardStation) -> ReportCard:
    """病人属于 suggested from the area codes when the card has none yet; the doctor may change it."""
    return service.suggested_belongs(card, station)


def open_cards(ctx: Any, now: datetime, catch_up: bool = False) -> list[ReportCard] | None:
    """The open cards; None while a shared server is known to be unreachable (``ctx.store``'s link).

    The clock asks every 20 s on the one database worker: a query to a server that does not answer
    would hold the nurse's saves behind it for the connection deadline each time.  Offline, the clock
    keeps counting down the cards it last read instead.  On a shared server, ``catch_up`` first makes
    the cards of suspected screenings that reached the server from an outbox without one
    (``service.catch_up_cards``); on a single SQLite file a card is always made with its screening."""
    link = getattr(getattr(ctx, "store", None), "link", None)
    if link is not None and not link.online:
        return None
    if link is not None and catch_up:
        service.catch_up_cards(ctx, now)
    return [entry.card for entry in service.open_cards(ctx, now)]


def complete(
    ctx: Any, card_id: Any, values: dict[str, str], now: datetime, station: service.CardStation
) -> service.CardSaved:
    """The stored card (as it is now, not as the editor was opened) with the doctor's values."""
    return service.complete_card(
        ctx, edited(service.get_card(ctx, card_id), values), now=now, station=station
    )


def mark_reported(ctx: Any, card_id: Any, number: str, now: datetime) -> service.CardSaved:
    return service.mark_reported(ctx, card_id, number, now=now)


def correct(ctx: Any, card_id: Any, case_class: str, reason: str, now: datetime) -> service.CardSaved:
    return service.correct_card(ctx, card_id, CaseClass(case_class), now=now, remarks=reason)


def history(ctx: Any, card_id: Any) -> list[str]:
    """The card's chain (the first card and its corrections), one line each, oldest first."""
    return [history_line(card) for card in service.chain_of(ctx, card_id)]


def history_line(card: ReportCard) -> str:
    def at(moment: datetime | None) -> str:
        return f"{moment.astimezone():%m-%d %H:%M}" if moment else ""

    parts = [card.number, label_of(card.kind), label_of(card.case_class)]
    parts.append(tr("made {when} by {who}", when=at(card.created_at), who=card.created_by or "—"))
    if card.completed_at:
        parts.append(tr("completed {when} by {who}", when=at(card.completed_at), who=card.completed_by))
    if card.reported_at:
        parts.append(
            tr(
                "reported {when} by {who}, number {number}",
                when=at(card.reported_at),
                who=card.reported_by,
                number=card.national_number,
            )
        )
        if reported_late(card):
            parts.append(tr("reported after the 2 hours"))
    return " · ".join(parts)


def export_pdf(ctx: Any, card_id: Any, path: Path) -> ReportCard:
    return service.save_card_pdf(ctx, card_id, path)


def export_xlsx(ctx: Any, day: date, path: Path) -> list[ReportCard]:
    return service.export_day(ctx, day, path)
