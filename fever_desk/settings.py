"""Station settings: what this counter is, whom it refers to, and how it judges a fever.

Stored as a small JSON file in the platform config folder, written atomically so that a power cut while
saving leaves the previous settings rather than half a file.  Unknown keys from a newer version are kept
on rewrite, so going back and forth between versions does not lose anything.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from fever_desk.i18n import DEFAULT_LANGUAGE, LANGUAGES
from fever_desk.problems import Problem

DEFAULT_GUIDELINE = "national-v5-outside-hubei"
# An observation lasts 14 days: a longer silence than that can never come before the release.
LOST_AFTER_DAYS_MAX = 14


@dataclass
class Hospital:
    name: str = ""
    address: str = ""
    phone: str = ""


@dataclass
class Settings:
    station_id: str = field(default_factory=lambda: os.urandom(6).hex())  # 48 random bits
    station_name: str = ""
    institution: str = ""
    designated_hospital: Hospital = field(default_factory=Hospital)
    hotline: str = ""
    # The station's 6-digit GB/T 2260 administrative area code (county or district), and whether the
    # first-run setup (fever_desk.station_setup) was completed; files from before it lack both.
    area_code: str = ""
    setup_done: bool = False
    fever_threshold_c: float = 37.3
    # 2020 notices disagree on whether 37.3 itself is a fever; "at or above" is the cautious default.
    fever_threshold_inclusive: bool = True
    guideline_id: str = DEFAULT_GUIDELINE
    language: str = DEFAULT_LANGUAGE
    operator: str = ""
    # "screening" (pre-triage desk), "pharmacy" (purchase register) or "both": which counter tabs the
    # station shows once it is set up (fever_desk.station_setup.counters_shown), and which opens first.
    station_mode: str = "screening"
    repeat_purchase_days: int = 3
    # Privacy: the desk locks after this many idle minutes; records older than retention_days may be purged.
    idle_lock_minutes: int = 10
    retention_days: int = 180
    # The daily report covers (previous cutoff, this cutoff]; the county plans ask for it by 16:00.
    report_cutoff: str = "16:00"
    # Referral slips: layout "80mm" or "a5"; an empty font path means "look in the usual places".
    slip_layout: str = "80mm"
    print_without_dialog: bool = False
    printer_name: str = ""
    slip_font_path: str = ""
    slip_instructions: dict[str, str] = field(default_factory=dict)
    slip_public_keys: dict[str, str] = field(default_factory=dict)
    # The thermometer: "simulator" until clinic IT picks a real port in the settings.
    device_protocol: str = "simulator"
    device_port: str = ""
    device_baudrate: int | None = None
    device_options: dict[str, Any] = field(default_factory=dict)
    # The ID card reader: "" (none) until clinic IT picks one; "ga467_simulator" serves sample cards.
    idcard_protocol: str = ""
    idcard_port: str = ""
    idcard_baudrate: int | None = None
    # Keyboard-wedge barcode scanners: keystrokes closer than this are a scan, not a person typing.
    scanner_max_gap_ms: int = 35
    # The observation register proposes someone as lost to follow-up after this many whole days without a
    # reading (fever_desk.observation.rules.is_lost; its DEFAULT_LOST_AFTER_DAYS is the same 2).
    observation_lost_after_days: int = 2
    extra: dict[str, Any] = field(default_factory=dict)

    def problems(self) -> list[tuple[str, str]]:
        """(field, English message) pairs; empty when the settings can be used."""
        found: list[tuple[str, str]] = []
        if not 35.0 <= self.fever_threshold_c <= 40.0:
            found.append(("fever_threshold_c", "The fever threshold must be between 35.0 and 40.0 °C."))
        if self.language not in LANGUAGES:
            found.append(("language", "Unknown language."))
        if not 1 <= self.observation_lost_after_days <= LOST_AFTER_DAYS_MAX:
            found.append(
                (
                    "observation_lost_after_days",
                    "The days without a reading before someone is proposed as lost must be from 1 to 14.",
                )
            )
        return found

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("extra")
        return {**extra, **data}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Settings:
        known = {f.name for f in fields(cls)} - {"extra"}
        kwargs: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        hospital = kwargs.get("designated_hospital")
        if isinstance(hospital, dict):
            kwargs["designated_hospital"] = Hospital(
                **{k: str(v) for k, v in hospital.items() if k in {"name", "address", "phone"}}
            )
        else:
            kwargs.pop("designated_hospital", None)
        if kwargs.get("device_baudrate") is not None:
            kwargs["device_baudrate"] = int(kwargs["device_baudrate"])
        if kwargs.get("idcard_baudrate") is not None:
            kwargs["idcard_baudrate"] = int(kwargs["idcard_baudrate"])
        if "scanner_max_gap_ms" in kwargs:
            kwargs["scanner_max_gap_ms"] = int(kwargs["scanner_max_gap_ms"])
        if "observation_lost_after_days" in kwargs:
            kwargs["observation_lost_after_days"] = int(kwargs["observation_lost_after_days"])
        if not isinstance(kwargs.get("device_options", {}), dict):
            raise ValueError("device_options must be an object")
        if "area_code" in kwargs:  # a hand-edited file may write it as a number
            kwargs["area_code"] = str(kwargs["area_code"] or "")
        if "setup_done" in kwargs:  # only a real true counts; "false" or 1 asks for the setup again
            kwargs["setup_done"] = kwargs["setup_done"] is True
        if "fever_threshold_c" in kwargs:
            kwargs["fever_threshold_c"] = float(kwargs["fever_threshold_c"])
        settings = cls(**kwargs)
        settings.extra = {k: v for k, v in data.items() if k not in known}
        return settings


class SettingsError(Problem):
    """The settings file cannot be used; ``problem`` (English) names the line when the JSON is broken.

    ``station_id`` is the id found in the damaged text, if any: the caller starts on defaults *with that
    id* rather than a new one, so the station's slips and server records stay one station's.
    :meth:`localized_problem` says the same in the user's language (the parser's own detail stays as
    Python words it, e.g. "Invalid \\escape").
    """

    def __init__(
        self,
        path: Path,
        problem: str,
        *,
        station_id: str | None = None,
        template: str = "{detail}",
        **values: object,
    ) -> None:
        self.path, self.problem, self.station_id = path, problem, station_id
        super().__init__(template, **(values if template != "{detail}" else {"detail": problem}))
        self.args = (f"{path}: {problem}",)  # str(): the file too, for the log

    def localized_problem(self) -> str:
        """The problem without the file's name, in the UI language."""
        return self.localized()


_STATION_ID = re.compile(r'"station_id"\s*:\s*"([0-9A-Za-z_-]{1,64})"')
_NOT_UTF8 = "line {line}: not UTF-8 text (save it as UTF-8, not ANSI/GBK)"
_BROKEN_JSON = "line {line}, column {column}: {detail}"
_BROKEN_ESCAPE = "line {line}, column {column}: {detail} (write each \\ in a Windows path as \\\\)"


def salvage_station_id(text: str) -> str | None:
    """The station id written in a settings text that no longer parses as JSON, else None."""
    found = _STATION_ID.findall(text)
    return found[-1] if found else None  # json.loads keeps the last of duplicate keys; so do we


def read_settings_text(path: Path) -> str:
    """The file's text: UTF-8 with or without the byte-order mark Notepad writes; raises SettingsError."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        salvaged = salvage_station_id(raw.decode("utf-8-sig", errors="replace"))
        line = raw[: exc.start].count(b"\n") + 1
        raise SettingsError(
            path, _NOT_UTF8.format(line=line), station_id=salvaged, template=_NOT_UTF8, line=line
        ) from exc


def parse_settings(path: Path, text: str) -> Settings:
    """Settings from the file's text; broken JSON is reported with its line and column.

    The common hand edit is a Windows path with single backslashes (``"C:\\Windows\\Fonts"``), which
    JSON reads as escapes: the message says to double them.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        template = _BROKEN_ESCAPE if "escape" in exc.msg else _BROKEN_JSON
        where = {"line": exc.lineno, "column": exc.colno, "detail": exc.msg}
        raise SettingsError(
            path,
            template.format(**where),
            station_id=salvage_station_id(text),
            template=template,
            **where,
        ) from exc
    try:
        if not isinstance(data, dict):
            raise ValueError("top level is not an object")
        if "station_id" in data and not (isinstance(data["station_id"], str) and data["station_id"].strip()):
            raise ValueError("station_id must be a non-empty string")
        return Settings.from_json(data)
    except (ValueError, TypeError) as exc:
        raise SettingsError(path, str(exc), station_id=salvage_station_id(text), detail=str(exc)) from exc


def load_settings(path: Path) -> Settings:
    """Read settings; a missing file gives defaults with a fresh station id, saved at once.

    A file written by hand without a ``station_id`` gets its new id saved at once too: otherwise every
    start would invent another one and split the station's records.
    """
    if not path.exists():
        settings = Settings()
        save_settings(settings, path)
        return settings
    text = read_settings_text(path)
    settings = parse_settings(path, text)
    if "station_id" not in json.loads(text):
        save_settings(settings, path)
    return settings


def save_settings(settings: Settings, path: Path) -> None:
    from fever_desk.files import write_atomic

    # Held by another program (Windows): FileInUse, naming it, and the old file stays.
    write_atomic(path, json.dumps(settings.to_json(), ensure_ascii=False, indent=2))


def fall_back_to_a_shipped_guideline(settings: Settings) -> str | None:
    """Switch to the default guideline if the configured one cannot be loaded; returns the warning.

    Kept apart from loading the settings: reading a guideline is the desk's business, and the desk
    starts before it (see ``ui.desk.main_window``).
    """
    from fever_desk.guidelines import GuidelineError, get_guideline
    from fever_desk.i18n import tr

    try:
        get_guideline(settings.guideline_id)
    except GuidelineError:
        missing, settings.guideline_id = settings.guideline_id, DEFAULT_GUIDELINE
        return tr(
            "Guideline {missing} is not available; using {fallback}. Check the settings.",
            missing=missing,
            fallback=DEFAULT_GUIDELINE,
        )
    return None


def settings_changes(old: Settings, new: Settings) -> list[str]:
    """One "name: old → new" line per changed setting, for the audit trail.

    The operator's name is left out (it follows whoever logs in); a nested value such as the designated
    hospital is compared as a whole.
    """
    before, after = old.to_json(), new.to_json()
    lines = []
    for key in after.keys() | before.keys():
        if key == "operator" or before.get(key) == after.get(key):
            continue
        shown = [json.dumps(side.get(key), ensure_ascii=False, sort_keys=True) for side in (before, after)]
        lines.append(f"{key}: {shown[0]} → {shown[1]}")
    return sorted(lines)
