"""Answers + temperature + guideline → where the patient goes, and why, in words a nurse reads.

The criteria themselves live in the guideline files; this module only knows how to count.  Every outcome
carries its reasons in every language the station speaks, because a slip printed in Chinese and a report
read later in English must say the same thing the nurse saw.  There are no silent defaults: an unanswered
symptom or exposure question stops the evaluation instead of being taken as "no".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fever_desk.guidelines import ClinicalItem, Guideline, Item
from fever_desk.i18n import LANGUAGES, tr, tr_in
from fever_desk.model import Answers, Disposition, Outcome, Reason


@dataclass(frozen=True)
class FeverRule:
    """The fever line; 2020 notices disagree on whether 37.3 °C itself is a fever, so both are allowed."""

    threshold_c: float = 37.3
    inclusive: bool = True

    def __post_init__(self) -> None:
        if not math.isfinite(self.threshold_c):
            raise ValueError(f"the fever threshold must be a number, not {self.threshold_c!r}")

    def is_fever(self, celsius: float | None) -> bool:
        if celsius is None:
            return False
        # Compare at 0.01 °C so that a device's 37.29999 is not judged differently from a typed 37.3.
        value, line = round(celsius, 2), round(self.threshold_c, 2)
        return value >= line if self.inclusive else value > line

    @property
    def sign(self) -> str:
        return "≥" if self.inclusive else ">"


DEFAULT_FEVER_RULE = FeverRule()


class IncompleteAnswers(ValueError):
    """Some symptom or epidemiological questions have no explicit yes/no."""

    def __init__(self, missing: Iterable[str]) -> None:
        self.missing: tuple[str, ...] = tuple(missing)
        super().__init__(f"unanswered items: {', '.join(self.missing)}")


def _both(make: Callable[[str], str]) -> dict[str, str]:
    return {language: make(language) for language in LANGUAGES}


def disposition_label(d: Disposition, language: str) -> str:
    if d is Disposition.SUSPECTED:
        return tr_in(language, "Suspected: isolate, refer to the designated hospital, report within 2 hours")
    if d is Disposition.FEVER_CLINIC:
        return tr_in(language, "Fever clinic")
    return tr_in(language, "Routine outpatient")


def disposition_actions(d: Disposition, language: str) -> tuple[str, ...]:
    """What the desk does next, in order; printed on the slip and returned by the command line."""
    if d is Disposition.ROUTINE:
        return (tr_in(language, "Send the patient to the routine outpatient clinic"),)
    mask = tr_in(language, "Give the patient a surgical mask")
    if d is Disposition.FEVER_CLINIC:
        return mask, tr_in(language, "Escort the patient to the fever clinic by the designated route")
    return (
        mask,
        tr_in(language, "Isolate the patient in a single room at once"),
        tr_in(language, "Refer the patient to the designated hospital"),
        tr_in(language, "Report online within 2 hours"),
    )


def missing_answers(guideline: Guideline, answers: Answers) -> tuple[str, ...]:
    """Symptom and epidemiological ids without an explicit yes/no (``None`` counts as unanswered)."""
    return tuple(
        [s.id for s in guideline.symptoms if not isinstance(answers.symptoms.get(s.id), bool)]
        + [e.id for e in guideline.epidemiological if not isinstance(answers.epidemiological.get(e.id), bool)]
    )


def _check_known(guideline: Guideline, answers: Answers) -> None:
    """Refuse answers meant for another guideline instead of ignoring them."""
    groups: list[tuple[str, Mapping[str, object], set[str]]] = [
        ("symptoms", answers.symptoms, {s.id for s in guideline.symptoms}),
        ("epidemiological", answers.epidemiological, {e.id for e in guideline.epidemiological}),
        ("clinical", answers.clinical, {k.id for k in guideline.answerable_clinical()}),
    ]
    for group, given, known in groups:
        unknown = sorted(set(given) - known)
        if unknown:
            raise ValueError(
                f"{group} answers {', '.join(unknown)} are not answerable items of guideline {guideline.id} "
                f"(expected: {', '.join(sorted(known)) or 'none'})"
            )
        for item_id, value in given.items():
            if value is not None and not isinstance(value, bool):
                raise ValueError(f"{group}.{item_id} must be true, false or null, not {value!r}")


@dataclass(frozen=True)
class _Facts:
    """What the answers establish, worked out once so rules and reasons agree."""

    temperature_c: float | None
    temperature_fever: bool
    symptoms: tuple[Item, ...]
    epidemiological: tuple[Item, ...]
    clinical: tuple[ClinicalItem, ...]

    @property
    def fever_symptoms(self) -> tuple[Item, ...]:
        return tuple(s for s in self.symptoms if s.counts_as_fever)

    @property
    def respiratory(self) -> tuple[Item, ...]:
        return tuple(s for s in self.symptoms if s.respiratory)

    @property
    def fever(self) -> bool:
        return self.temperature_fever or bool(self.fever_symptoms)

    def count(self, group: str) -> int:
        return len(getattr(self, group))


def _facts(guideline: Guideline, answers: Answers, rule: FeverRule) -> _Facts:
    temperature_fever = rule.is_fever(answers.temperature_c)
    symptoms = tuple(s for s in guideline.symptoms if answers.symptoms[s.id])
    fever = temperature_fever or any(s.counts_as_fever for s in symptoms)
    respiratory = any(s.respiratory for s in symptoms)
    met = {"fever": fever, "fever_or_respiratory": fever or respiratory}
    clinical = tuple(
        k
        for k in guideline.clinical
        if (answers.clinical.get(k.id) is True if k.source == "answer" else met[k.source])
    )
    epidemiological = tuple(e for e in guideline.epidemiological if answers.epidemiological[e.id])
    return _Facts(answers.temperature_c, temperature_fever, symptoms, epidemiological, clinical)


def _match(when: Mapping[str, Any], facts: _Facts) -> set[str] | None:
    """The evidence groups a condition relied on when it holds, ``None`` when it does not."""
    evidence: set[str] = set()
    for key, value in when.items():
        if key == "fever":
            if facts.fever != value:
                return None
            if value:
                evidence.add("fever")
        elif key == "any_of":
            branches = [found for found in (_match(option, facts) for option in value) if found is not None]
            if not branches:
                return None
            evidence.update(*branches)
        elif key == "all_of":
            for option in value:
                found = _match(option, facts)
                if found is None:
                    return None
                evidence.update(found)
        elif key.endswith(("_any", "_all")):
            group, quantifier = key.rsplit("_", 1)
            have = {item.id for item in getattr(facts, group)}
            hits = [ident for ident in value if ident in have]
            if not hits or (quantifier == "all" and len(hits) != len(value)):
                return None
            evidence.add(group)
        else:
            group, bound = key.rsplit("_", 1)
            count = facts.count(group)
            if (bound == "min" and count < value) or (bound == "max" and count > value):
                return None
            if bound == "min" and value > 0:
                evidence.add(group)
    return evidence


def _temperature_reason(facts: _Facts, rule: FeverRule) -> Reason:
    if facts.temperature_c is None:
        return Reason("temperature:none", _both(lambda lang: tr_in(lang, "No temperature recorded")))
    value, line = f"{facts.temperature_c:.1f}", f"{rule.threshold_c:.1f}"
    if facts.temperature_fever:
        return Reason(
            "temperature:fever",
            _both(
                lambda lang: tr_in(
                    lang,
                    "Temperature {value}°C meets the fever line ({sign}{line}°C)",
                    value=value,
                    sign=rule.sign,
                    line=line,
                )
            ),
        )
    return Reason(
        "temperature:normal",
        _both(
            lambda lang: tr_in(
                lang,
                "Temperature {value}°C does not reach the fever line ({sign}{line}°C)",
                value=value,
                sign=rule.sign,
                line=line,
            )
        ),
    )


def _item_reasons(evidence: set[str], facts: _Facts) -> list[Reason]:
    """One reason per item that made a rule match, in guideline order: symptoms, exposures, findings."""
    if "clinical" in evidence:
        # A clinical item worked out from the answers rests on the same symptoms; name them too.
        sources = {k.source for k in facts.clinical}
        evidence = (
            evidence
            | ({"fever"} & sources)
            | ({"fever", "respiratory"} if "fever_or_respiratory" in sources else set())
        )
    symptoms: list[Item] = []
    if "fever" in evidence:
        symptoms += facts.fever_symptoms
    if "respiratory" in evidence:
        symptoms += facts.respiratory
    if "symptoms" in evidence:
        symptoms += facts.symptoms
    reasons = [
        Reason(f"symptom:{s.id}", _both(lambda lang, s=s: tr_in(lang, "Symptom: {text}", text=s.text[lang])))
        for s in facts.symptoms
        if s in symptoms
    ]
    if "epidemiological" in evidence:
        reasons += [Reason(f"epidemiological:{e.id}", dict(e.text)) for e in facts.epidemiological]
    if "clinical" in evidence:
        reasons += [
            Reason(
                f"clinical:{k.id}",
                _both(lambda lang, k=k: tr_in(lang, "Clinical finding: {text}", text=k.text[lang])),
            )
            for k in facts.clinical
        ]
    return reasons


def evaluate(guideline: Guideline, answers: Answers, fever_rule: FeverRule = DEFAULT_FEVER_RULE) -> Outcome:
    """The most severe disposition any rule reaches, with every rule and item behind it; routine if none."""
    _check_known(guideline, answers)
    missing = missing_answers(guideline, answers)
    if missing:
        raise IncompleteAnswers(missing)
    facts = _facts(guideline, answers, fever_rule)
    matched = [(rule, found) for rule in guideline.rules if (found := _match(rule.when, facts)) is not None]
    reasons = [_temperature_reason(facts, fever_rule)]
    if not matched:
        if not facts.symptoms:
            reasons.append(Reason("symptoms:none", _both(lambda lang: tr_in(lang, "No symptoms"))))
        if not facts.epidemiological:
            reasons.append(
                Reason("epidemiological:none", _both(lambda lang: tr_in(lang, "No epidemiological history")))
            )
        reasons += _item_reasons({"symptoms", "epidemiological", "clinical"}, facts)
        return Outcome(Disposition.ROUTINE, tuple(reasons), guideline.id, facts.fever)
    disposition = max((rule.outcome for rule, _ in matched), key=lambda d: d.severity)
    chosen = [(rule, found) for rule, found in matched if rule.outcome is disposition]
    reasons += _item_reasons(set().union(*(found for _, found in chosen)), facts)
    counts = {
        group: facts.count(group) for group in ("symptoms", "respiratory", "epidemiological", "clinical")
    }
    reasons += [
        Reason(f"rule:{rule.id}", {lang: text.format(**counts) for lang, text in rule.reason.items()})
        for rule, _ in chosen
    ]
    return Outcome(disposition, tuple(reasons), guideline.id, facts.fever)


def _yes_no(value: object, where: str, *, allow_null: bool) -> bool | None:
    if isinstance(value, bool) or (allow_null and value is None):
        return value
    expected = tr("true, false or null") if allow_null else tr("true or false")
    raise ValueError(
        tr("{where} must be {expected}, not {value}", where=where, expected=expected, value=repr(value))
    )


def answers_from_json(data: dict, guideline: Guideline) -> Answers:
    """Build answers from the ``--answers`` file (format in docs/triage-json.md); unknown keys are refused."""
    if not isinstance(data, dict):
        raise ValueError(tr("The answers file must hold a JSON object."))
    allowed = ("guideline", "temperature_c", "symptoms", "epidemiological", "clinical")
    unknown = [key for key in data if key not in allowed]
    if unknown:
        raise ValueError(
            tr(
                "Unknown keys in the answers file: {keys} (allowed: {allowed})",
                keys=", ".join(unknown),
                allowed=", ".join(allowed),
            )
        )
    groups: dict[str, dict[str, bool | None]] = {}
    for group in ("symptoms", "epidemiological", "clinical"):
        raw = data.get(group, {})
        if not isinstance(raw, dict):
            raise ValueError(tr("{group} must be a JSON object of item id → true/false.", group=group))
        groups[group] = {
            str(k): _yes_no(v, f"{group}.{k}", allow_null=group == "clinical") for k, v in raw.items()
        }
    temperature = data.get("temperature_c")
    if temperature is not None and (
        isinstance(temperature, bool) or not isinstance(temperature, int | float)
    ):
        raise ValueError(
            tr("temperature_c must be a number in °C or null, not {value}", value=repr(temperature))
        )
    answers = Answers(
        symptoms=groups["symptoms"],  # type: ignore[arg-type]  # null is refused above
        epidemiological=groups["epidemiological"],  # type: ignore[arg-type]
        clinical=groups["clinical"],
        temperature_c=None if temperature is None else float(temperature),
    )
    _check_known(guideline, answers)
    return answers


def answers_to_json(answers: Answers, guideline_id: str | None = None) -> dict[str, Any]:
    """The inverse of :func:`answers_from_json`, for saving a case the command line can replay."""
    data: dict[str, Any] = {} if guideline_id is None else {"guideline": guideline_id}
    data["temperature_c"] = answers.temperature_c
    data["symptoms"] = dict(answers.symptoms)
    data["epidemiological"] = dict(answers.epidemiological)
    data["clinical"] = dict(answers.clinical)
    return data


def outcome_to_json(outcome: Outcome, language: str) -> dict[str, Any]:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    return {
        "disposition": outcome.disposition.value,
        "label": disposition_label(outcome.disposition, language),
        "actions": list(disposition_actions(outcome.disposition, language)),
        "fever": outcome.fever,
        "guideline": outcome.guideline_id,
        "reasons": [{"code": r.code, "text": r.in_language(language)} for r in outcome.reasons],
    }
