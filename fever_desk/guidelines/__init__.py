"""Versioned suspected-case criteria: TOML data files shipped here, and the loader that refuses bad ones.

The national protocol changed four times in the first month of 2020, and Hubei got its own definition.  A
new version therefore has to be a new file a clinician can read and review, not a code change.  The loader
is strict on purpose: a typo such as ``clinical_mn`` that was silently ignored would change who is isolated,
so every unknown key, wrong type, dangling reference and impossible count is refused before the station
starts, naming the file, the dotted key and the problem.
"""

from __future__ import annotations

import difflib
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from fever_desk.i18n import LANGUAGES
from fever_desk.model import Disposition

SOURCES = ("fever", "fever_or_respiratory", "answer")
RULE_OUTCOMES = (Disposition.FEVER_CLINIC.value, Disposition.SUSPECTED.value)
# Counters a condition can bound, and the item group each counts (respiratory = respiratory symptoms).
COUNTERS = ("symptoms", "respiratory", "epidemiological", "clinical")
# Lists of item ids a condition can name, and the group the ids must come from.
ID_LISTS = {
    "symptoms_any": "symptoms",
    "epidemiological_any": "epidemiological",
    "clinical_any": "clinical",
    "clinical_all": "clinical",
}
CONDITION_KEYS = frozenset(
    {"fever", "any_of", "all_of", *ID_LISTS} | {f"{c}_min" for c in COUNTERS} | {f"{c}_max" for c in COUNTERS}
)
# Placeholders a rule's reason may use; triage fills them with the counts for the patient.
REASON_PLACEHOLDERS = frozenset(COUNTERS)

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = ("guideline", "symptoms", "epidemiological", "clinical", "rules")
_GUIDELINE_KEYS = ("id", "version", "region", "title", "issued", "document", "lookback_days")


class GuidelineError(ValueError):
    """A guideline file that cannot be used, with enough detail to fix it without reading code."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.problem}"


class UnknownGuideline(GuidelineError, KeyError):
    """Raised by :func:`get_guideline`; also a ``KeyError`` so dictionary-style callers can catch it."""


@dataclass(frozen=True)
class Item:
    id: str
    text: dict[str, str]
    respiratory: bool = False
    counts_as_fever: bool = False


@dataclass(frozen=True)
class ClinicalItem:
    id: str
    text: dict[str, str]
    source: str  # "fever" | "fever_or_respiratory" | "answer"


@dataclass(frozen=True)
class Rule:
    id: str
    outcome: Disposition
    reason: dict[str, str]
    when: Mapping[str, Any]


@dataclass(frozen=True)
class Guideline:
    id: str
    version: int
    region: str
    title: dict[str, str]
    issued: date
    document: str
    lookback_days: int
    symptoms: tuple[Item, ...]
    epidemiological: tuple[Item, ...]
    clinical: tuple[ClinicalItem, ...]
    rules: tuple[Rule, ...]

    def label(self, language: str) -> str:
        return self.title.get(language) or self.title["zh_CN"]

    def answerable_clinical(self) -> tuple[ClinicalItem, ...]:
        """Findings only the fever clinic can supply (imaging, blood count); the counter leaves them blank."""
        return tuple(item for item in self.clinical if item.source == "answer")


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, datetime):
        return "a date-time"
    names = {
        str: "a string",
        int: "an integer",
        float: "a float",
        list: "an array",
        dict: "a table",
        date: "a date",
    }
    return names.get(type(value), type(value).__name__)


class _Checker:
    """Carries the file name so each check can fail with the full location."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, problem: str) -> GuidelineError:
        return GuidelineError(self.file, key, problem)

    def table(self, value: object, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a table, not {_kind(value)}")
        return value

    def keys(
        self, table: dict[str, Any], key: str, required: tuple[str, ...], allowed: tuple[str, ...]
    ) -> None:
        for name in table:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(allowed)}"
                raise self.fail(_join(key, name), f"unknown key ({hint})")
        for name in required:
            if name not in table:
                raise self.fail(_join(key, name), "missing required key")

    def string(self, value: object, key: str) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string, not {_kind(value)}")
        if not value.strip():
            raise self.fail(key, "must not be empty")
        return value

    def integer(self, value: object, key: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(key, f"must be an integer, not {_kind(value)}")
        return value

    def boolean(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {_kind(value)}")
        return value

    def ident(self, value: object, key: str) -> str:
        text = self.string(value, key)
        if not _ID.match(text):
            raise self.fail(
                key, f"{text!r} must be lower-case letters, digits and underscores, starting with a letter"
            )
        return text

    def text(self, value: object, key: str) -> dict[str, str]:
        table = self.table(value, key)
        self.keys(table, key, tuple(LANGUAGES), tuple(LANGUAGES))
        return {language: self.string(table[language], f"{key}.{language}") for language in LANGUAGES}

    def array(self, value: object, key: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(key, f"must be an array, not {_kind(value)}")
        if not value:
            raise self.fail(key, "must not be empty")
        return value


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _parse(source: str, *, file: str, stem: str) -> Guideline:
    c = _Checker(file)
    try:
        # Notepad on Windows saves UTF-8 with a byte-order mark, which TOML does not allow: drop it.
        data = tomllib.loads(source.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"at line (\d+)", str(exc))
        raise c.fail(f"line {line.group(1)}" if line else "(syntax)", f"TOML syntax error: {exc}") from exc
    c.keys(data, "", _TOP_KEYS, _TOP_KEYS)

    head = c.table(data["guideline"], "guideline")
    c.keys(head, "guideline", _GUIDELINE_KEYS, _GUIDELINE_KEYS)
    guideline_id = c.string(head["id"], "guideline.id")
    if guideline_id != stem:
        raise c.fail("guideline.id", f"{guideline_id!r} must match the file name {stem!r}")
    version = c.integer(head["version"], "guideline.version")
    if version < 1:
        raise c.fail("guideline.version", "must be 1 or more")
    issued = head["issued"]
    if not isinstance(issued, date) or isinstance(issued, datetime):
        raise c.fail(
            "guideline.issued", f"must be a TOML date such as 2020-01-27 (no quotes), not {_kind(issued)}"
        )
    lookback = c.integer(head["lookback_days"], "guideline.lookback_days")
    if lookback <= 0:
        raise c.fail("guideline.lookback_days", f"must be a positive number of days, not {lookback}")

    seen: dict[str, str] = {}

    def item_id(value: object, key: str) -> str:
        # Ids are unique across all lists: screens and storage keep answers in one namespace.
        ident = c.ident(value, key)
        if ident in seen:
            raise c.fail(key, f"duplicate id {ident!r} (already used at {seen[ident]})")
        seen[ident] = key
        return ident

    symptoms = []
    for i, raw in enumerate(c.array(data["symptoms"], "symptoms")):
        key = f"symptoms[{i}]"
        table = c.table(raw, key)
        c.keys(table, key, ("id", "text"), ("id", "text", "respiratory", "counts_as_fever"))
        symptoms.append(
            Item(
                item_id(table["id"], f"{key}.id"),
                c.text(table["text"], f"{key}.text"),
                c.boolean(table.get("respiratory", False), f"{key}.respiratory"),
                c.boolean(table.get("counts_as_fever", False), f"{key}.counts_as_fever"),
            )
        )
    epidemiological = []
    for i, raw in enumerate(c.array(data["epidemiological"], "epidemiological")):
        key = f"epidemiological[{i}]"
        table = c.table(raw, key)
        c.keys(table, key, ("id", "text"), ("id", "text"))
        epidemiological.append(Item(item_id(table["id"], f"{key}.id"), c.text(table["text"], f"{key}.text")))
    clinical = []
    for i, raw in enumerate(c.array(data["clinical"], "clinical")):
        key = f"clinical[{i}]"
        table = c.table(raw, key)
        c.keys(table, key, ("id", "text", "source"), ("id", "text", "source"))
        source = c.string(table["source"], f"{key}.source")
        if source not in SOURCES:
            raise c.fail(
                f"{key}.source", f"unknown source {source!r} (expected one of: {', '.join(SOURCES)})"
            )
        clinical.append(
            ClinicalItem(item_id(table["id"], f"{key}.id"), c.text(table["text"], f"{key}.text"), source)
        )

    groups = {
        "symptoms": {s.id for s in symptoms},
        "respiratory": {s.id for s in symptoms if s.respiratory},
        "epidemiological": {e.id for e in epidemiological},
        "clinical": {k.id for k in clinical},
    }
    rules = []
    rule_ids: set[str] = set()
    for i, raw in enumerate(c.array(data["rules"], "rules")):
        key = f"rules[{i}]"
        table = c.table(raw, key)
        c.keys(table, key, ("id", "outcome", "reason", "when"), ("id", "outcome", "reason", "when"))
        rule_id = c.ident(table["id"], f"{key}.id")
        if rule_id in rule_ids:
            raise c.fail(f"{key}.id", f"duplicate rule id {rule_id!r}")
        rule_ids.add(rule_id)
        outcome = c.string(table["outcome"], f"{key}.outcome")
        if outcome not in RULE_OUTCOMES:
            raise c.fail(
                f"{key}.outcome",
                f"unknown outcome {outcome!r} (expected one of: {', '.join(RULE_OUTCOMES)}; "
                "routine is what applies when no rule matches)",
            )
        reason = c.text(table["reason"], f"{key}.reason")
        for language, text in reason.items():
            _check_placeholders(c, text, f"{key}.reason.{language}")
        when = _condition(c, table["when"], f"{key}.when", groups)
        rules.append(Rule(rule_id, Disposition(outcome), reason, when))

    return Guideline(
        id=guideline_id,
        version=version,
        region=c.string(head["region"], "guideline.region"),
        title=c.text(head["title"], "guideline.title"),
        issued=issued,
        document=c.string(head["document"], "guideline.document"),
        lookback_days=lookback,
        symptoms=tuple(symptoms),
        epidemiological=tuple(epidemiological),
        clinical=tuple(clinical),
        rules=tuple(rules),
    )


def _check_placeholders(c: _Checker, text: str, key: str) -> None:
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise c.fail(key, f"bad placeholder syntax ({exc}); write {{{{ and }}}} for literal braces") from exc
    for name in fields:
        if name not in REASON_PLACEHOLDERS:
            raise c.fail(
                key, f"unknown placeholder {{{name}}} (expected: {', '.join(sorted(REASON_PLACEHOLDERS))})"
            )


def _condition(c: _Checker, value: object, key: str, groups: dict[str, set[str]]) -> Mapping[str, Any]:
    """Validate one condition table; its keys are AND-ed, ``any_of``/``all_of`` nest further tables."""
    table = c.table(value, key)
    if not table:
        raise c.fail(key, "an empty condition would match every patient")
    c.keys(table, key, (), tuple(sorted(CONDITION_KEYS)))
    checked: dict[str, Any] = {}
    for name, raw in table.items():
        sub = f"{key}.{name}"
        if name == "fever":
            checked[name] = c.boolean(raw, sub)
        elif name in ("any_of", "all_of"):
            options = c.array(raw, sub)
            checked[name] = tuple(
                _condition(c, option, f"{sub}[{i}]", groups) for i, option in enumerate(options)
            )
        elif name in ID_LISTS:
            group = ID_LISTS[name]
            ids = c.array(raw, sub)
            for i, ident in enumerate(ids):
                text = c.string(ident, f"{sub}[{i}]")
                if text not in groups[group]:
                    raise c.fail(
                        f"{sub}[{i}]",
                        f"unknown {group} id {text!r} (known: {', '.join(sorted(groups[group]))})",
                    )
                if text in ids[:i]:
                    raise c.fail(f"{sub}[{i}]", f"{text!r} is listed twice")
            checked[name] = tuple(ids)
        else:
            group = name.rsplit("_", 1)[0]
            count = c.integer(raw, sub)
            if count < 0:
                raise c.fail(sub, f"must not be negative, not {count}")
            available = len(groups[group])
            if name.endswith("_min") and count > available:
                raise c.fail(
                    sub, f"{count} is more than the {available} {group} item(s) in this file: never matches"
                )
            checked[name] = count
    for group in COUNTERS:
        low, high = checked.get(f"{group}_min"), checked.get(f"{group}_max")
        if low is not None and high is not None and low > high:
            raise c.fail(f"{key}.{group}_min", f"{low} is more than {group}_max = {high}: never matches")
    return MappingProxyType(checked)


def load_guideline(path: str | Path) -> Guideline:
    """Read and validate one file; the id inside must equal the file name so files cannot be confused."""
    path = Path(path)
    try:
        source = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise GuidelineError(str(path), "(file)", f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise GuidelineError(
            str(path), "(file)", f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from exc
    return _parse(source, file=str(path), stem=path.stem)


@cache
def _shipped() -> tuple[Guideline, ...]:
    found = []
    for entry in resources.files(__name__).iterdir():
        if entry.name.endswith(".toml"):
            found.append(
                _parse(entry.read_text(encoding="utf-8"), file=str(entry), stem=entry.name[: -len(".toml")])
            )
    return tuple(sorted(found, key=lambda g: (g.version, g.issued, g.id)))


def shipped_guidelines() -> dict[str, Guideline]:
    """All guideline files in the package, oldest protocol version first; parsed once per process."""
    return {guideline.id: guideline for guideline in _shipped()}


@cache
def get_guideline(guideline_id: str) -> Guideline:
    """One shipped file by id; reads only that file, so the desk starts without parsing every version."""
    entry = resources.files(__name__).joinpath(f"{guideline_id}.toml")
    if guideline_id.replace("-", "").replace("_", "").isalnum() and entry.is_file():
        return _parse(entry.read_text(encoding="utf-8"), file=str(entry), stem=guideline_id)
    shipped = shipped_guidelines()
    try:
        return shipped[guideline_id]
    except KeyError:
        raise UnknownGuideline(
            "fever_desk/guidelines",
            "id",
            f"unknown guideline {guideline_id!r} (shipped: {', '.join(shipped)})",
        ) from None
