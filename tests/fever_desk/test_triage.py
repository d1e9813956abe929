"""Triage against each shipped protocol version: dispositions, reasons, thresholds and the JSON format."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from fever_desk.guidelines import get_guideline
from fever_desk.model import Answers, Disposition, Outcome
from fever_desk.triage import (
    FeverRule,
    IncompleteAnswers,
    answers_from_json,
    answers_to_json,
    disposition_label,
    evaluate,
    missing_answers,
    outcome_to_json,
)

ROUTINE, CLINIC, SUSPECTED = Disposition.ROUTINE, Disposition.FEVER_CLINIC, Disposition.SUSPECTED
V4, V5, HUBEI, V6 = "national-v4", "national-v5-outside-hubei", "national-v5-hubei", "national-v6"
IMAGING = {"imaging": True}
BOTH = {"imaging": True, "blood_count": True}
WBC = {"blood_count": True}


def answers(
    guideline_id: str,
    temperature: float | None = 36.5,
    symptoms: Iterable[str] = (),
    epi: Iterable[str] = (),
    clinical: dict[str, bool | None] | None = None,
) -> Answers:
    """Explicit answers for every item: the named ones yes, all others no."""
    g = get_guideline(guideline_id)
    yes_symptoms, yes_epi = set(symptoms), set(epi)
    assert yes_symptoms <= {s.id for s in g.symptoms} and yes_epi <= {e.id for e in g.epidemiological}
    return Answers(
        symptoms={s.id: s.id in yes_symptoms for s in g.symptoms},
        epidemiological={e.id: e.id in yes_epi for e in g.epidemiological},
        clinical=dict(clinical or {}),
        temperature_c=temperature,
    )


def run(guideline_id: str, *args: object, **kwargs: object) -> Outcome:
    return evaluate(get_guideline(guideline_id), answers(guideline_id, *args, **kwargs))  # type: ignore[arg-type]


def codes(outcome: Outcome) -> list[str]:
    return [r.code for r in outcome.reasons]


def zh(outcome: Outcome) -> str:
    return "\n".join(r.text["zh_CN"] for r in outcome.reasons)


CASES = [
    # guideline, temperature, symptoms, epidemiological, clinical answers, expected
    (V4, 36.5, [], [], None, ROUTINE),
    (V4, 37.8, [], ["wuhan_or_transmission_area"], None, CLINIC),
    (V4, 37.8, [], ["wuhan_or_transmission_area"], IMAGING, SUSPECTED),
    (V4, 36.5, [], ["cluster_or_link"], BOTH, SUSPECTED),
    (V4, 37.8, [], [], BOTH, CLINIC),
    (V4, 36.5, ["cough"], ["cluster_or_link"], None, CLINIC),
    (V4, 36.5, ["cough"], ["cluster_or_link"], IMAGING, CLINIC),  # v4 clinical (1) is fever only
    (V4, 36.5, ["fever_chills"], [], None, CLINIC),
    (V4, 36.5, ["cough", "fatigue"], [], None, ROUTINE),
    (V4, 36.5, [], ["wuhan_or_transmission_area"], None, ROUTINE),
    (V5, 37.8, [], ["wuhan_or_reported_community"], None, CLINIC),
    (V5, 37.8, [], ["infected_contact"], IMAGING, SUSPECTED),
    (V5, 36.5, ["cough"], ["cluster"], WBC, SUSPECTED),  # respiratory alone meets clinical (1)
    (
        V5,
        36.5,
        ["sore_throat"],
        ["febrile_contact_from_area"],
        {"imaging": False, "blood_count": None},
        CLINIC,
    ),
    (V5, 37.8, [], [], BOTH, CLINIC),
    (V5, 37.8, ["cough"], [], None, CLINIC),
    (V5, 36.5, ["headache"], ["cluster"], None, CLINIC),
    (HUBEI, 37.8, [], [], WBC, SUSPECTED),
    (HUBEI, 36.5, ["cough"], [], WBC, SUSPECTED),
    (HUBEI, 36.5, ["cough"], [], None, CLINIC),
    (HUBEI, 37.8, [], [], IMAGING, CLINIC),
    (HUBEI, 36.5, [], [], WBC, ROUTINE),
    (HUBEI, 36.5, [], ["cluster"], None, ROUTINE),
    (HUBEI, 36.5, ["diarrhoea"], [], None, ROUTINE),
    (V6, 37.8, [], [], BOTH, SUSPECTED),
    (V6, 36.5, ["cough"], [], BOTH, SUSPECTED),
    (V6, 37.8, [], [], IMAGING, CLINIC),
    (V6, 37.8, [], ["wuhan_or_reported_community"], IMAGING, SUSPECTED),
    (V6, 36.5, ["runny_nose"], ["cluster"], None, CLINIC),
]


@pytest.mark.parametrize(("guideline_id", "temperature", "symptoms", "epi", "clinical", "expected"), CASES)
def test_disposition(
    guideline_id: str,
    temperature: float,
    symptoms: list[str],
    epi: list[str],
    clinical: dict[str, bool | None] | None,
    expected: Disposition,
) -> None:
    outcome = run(guideline_id, temperature, symptoms, epi, clinical)
    assert outcome.disposition is expected
    assert outcome.guideline_id == guideline_id
    assert outcome.reasons, "every outcome explains itself"
    for reason in outcome.reasons:
        assert set(reason.text) == {"zh_CN", "en"} and all(reason.text.values())


def test_suspected_reasons_name_the_items_and_the_counts() -> None:
    outcome = run(V5, 37.8, [], ["wuhan_or_reported_community"], IMAGING)
    assert codes(outcome) == [
        "temperature:fever",
        "epidemiological:wuhan_or_reported_community",
        "clinical:fever_or_respiratory",
        "clinical:imaging",
        "rule:suspected",
    ]
    text = zh(outcome)
    assert "体温 37.8°C，达到发热标准（≥37.3°C）" in text
    assert "发病前14天内有武汉市及周边地区，或其他有病例报告社区的旅行史或居住史" in text
    assert "流行病学史1项 + 临床表现2项，符合疑似病例标准（第五版" in text
    assert "℃" not in text


def test_fever_with_exposure_says_the_fever_clinic_decides() -> None:
    outcome = run(V4, 38.2, ["fatigue"], ["wuhan_or_transmission_area"])
    assert "rule:fever_with_epidemiological_history" in codes(outcome)
    assert "rule:suspected" not in codes(outcome)
    assert "胸部影像和血常规" in zh(outcome)
    assert "epidemiological:wuhan_or_transmission_area" in codes(outcome)


def test_only_the_items_behind_the_matching_rule_are_listed() -> None:
    outcome = run(V5, 38.0, ["fatigue"], [])
    assert outcome.disposition is CLINIC
    assert codes(outcome) == ["temperature:fever", "rule:fever"]


def test_respiratory_symptom_behind_a_clinical_item_is_named() -> None:
    outcome = run(HUBEI, 36.5, ["cough"], [], WBC)
    assert "symptom:cough" in codes(outcome)
    assert "症状：咳嗽" in zh(outcome)


def test_hubei_imaging_is_a_clinically_diagnosed_case() -> None:
    with_imaging = run(HUBEI, 37.9, [], [], BOTH)
    assert with_imaging.disposition is SUSPECTED
    assert "rule:clinically_diagnosed" in codes(with_imaging)
    assert "临床诊断病例" in zh(with_imaging)
    without = run(HUBEI, 37.9, [], [], WBC)
    assert without.disposition is SUSPECTED
    assert "临床诊断病例" not in zh(without)
    assert "临床诊断病例" not in zh(run(V5, 37.9, [], ["cluster"], BOTH))


def test_v6_without_exposure_needs_all_three_clinical_items() -> None:
    outcome = run(V6, 37.9, [], [], BOTH)
    assert codes(outcome)[-1] == "rule:suspected_without_epidemiological_history"
    assert "无明确流行病学史" in zh(outcome)
    with_exposure = run(V6, 37.9, [], ["cluster"], BOTH)
    assert "rule:suspected" in codes(with_exposure)
    assert "rule:suspected_without_epidemiological_history" not in codes(with_exposure)


def test_routine_outcome_explains_itself() -> None:
    outcome = run(V5, 36.5)
    assert outcome.disposition is ROUTINE and not outcome.fever
    assert codes(outcome) == ["temperature:normal", "symptoms:none", "epidemiological:none"]
    assert zh(outcome) == "体温 36.5°C，未达到发热标准（≥37.3°C）\n无症状\n无流行病学史"
    assert outcome.reasons[0].text["en"] == "Temperature 36.5°C does not reach the fever line (≥37.3°C)"


def test_routine_with_exposure_but_no_symptoms_still_lists_the_exposure() -> None:
    outcome = run(V5, 36.5, [], ["infected_contact"])
    assert outcome.disposition is ROUTINE
    assert codes(outcome) == ["temperature:normal", "symptoms:none", "epidemiological:infected_contact"]


@pytest.mark.parametrize(
    ("celsius", "threshold", "inclusive", "expected"),
    [
        (37.3, 37.3, True, True),
        (37.3, 37.3, False, False),
        (37.29, 37.3, True, False),
        (37.31, 37.3, False, True),
        (37.299999, 37.3, True, True),
        (37.4, 37.5, True, False),
        (37.5, 37.5, True, True),
        (None, 37.3, True, False),
    ],
)
def test_fever_rule_boundaries(
    celsius: float | None, threshold: float, inclusive: bool, expected: bool
) -> None:
    assert FeverRule(threshold, inclusive).is_fever(celsius) is expected


@pytest.mark.parametrize(("inclusive", "expected", "sign"), [(True, CLINIC, "≥"), (False, ROUTINE, ">")])
def test_threshold_boundary_changes_the_outcome(inclusive: bool, expected: Disposition, sign: str) -> None:
    guideline = get_guideline(V5)
    outcome = evaluate(guideline, answers(V5, 37.3, [], ["cluster"]), FeverRule(37.3, inclusive))
    assert outcome.disposition is expected
    assert outcome.fever is inclusive
    assert f"（{sign}37.3°C）" in outcome.reasons[0].text["zh_CN"]


def test_reported_fever_counts_even_with_a_normal_reading() -> None:
    outcome = run(V5, 36.6, ["fever_chills"], ["cluster"])
    assert outcome.disposition is CLINIC and outcome.fever
    assert codes(outcome)[:2] == ["temperature:normal", "symptom:fever_chills"]


def test_missing_answers_are_named_not_defaulted() -> None:
    guideline = get_guideline(V5)
    partial = answers(V5)
    del partial.symptoms["cough"]
    partial.epidemiological["cluster"] = None  # type: ignore[assignment]
    assert missing_answers(guideline, partial) == ("cough", "cluster")
    with pytest.raises(IncompleteAnswers) as caught:
        evaluate(guideline, partial)
    assert caught.value.missing == ("cough", "cluster")
    assert "cough" in str(caught.value)
    assert missing_answers(guideline, answers(V5, clinical={"imaging": None})) == ()


@pytest.mark.parametrize(
    ("group", "item", "value", "message"),
    [
        ("symptoms", "loss_of_smell", True, "loss_of_smell"),
        ("epidemiological", "wuhan_or_transmission_area", True, "national-v5-outside-hubei"),
        ("clinical", "fever_or_respiratory", True, "not answerable"),
        ("clinical", "imaging", "yes", "must be true, false or null"),
    ],
)
def test_answers_for_other_items_are_refused(group: str, item: str, value: object, message: str) -> None:
    given = answers(V5)
    getattr(given, group)[item] = value
    with pytest.raises(ValueError, match=message):
        evaluate(get_guideline(V5), given)


@pytest.mark.parametrize(
    ("disposition", "zh_label", "en_label"),
    [
        (ROUTINE, "普通门诊", "Routine outpatient"),
        (CLINIC, "发热门诊", "Fever clinic"),
        (SUSPECTED, "疑似病例：隔离，转诊定点救治医院，2小时内报告", "Suspected: isolate, refer to"),
    ],
)
def test_disposition_label(disposition: Disposition, zh_label: str, en_label: str) -> None:
    assert disposition_label(disposition, "zh_CN") == zh_label
    assert disposition_label(disposition, "en").startswith(en_label)


def test_json_round_trip() -> None:
    guideline = get_guideline(V5)
    data = {
        "guideline": V5,
        "temperature_c": 37.6,
        "symptoms": {s.id: s.id == "cough" for s in guideline.symptoms},
        "epidemiological": {e.id: e.id == "infected_contact" for e in guideline.epidemiological},
        "clinical": {"imaging": None, "blood_count": True},
    }
    parsed = answers_from_json(json.loads(json.dumps(data)), guideline)
    assert parsed.temperature_c == 37.6 and parsed.clinical == {"imaging": None, "blood_count": True}
    assert answers_to_json(parsed, V5) == data
    result = outcome_to_json(evaluate(guideline, parsed), "en")
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
    assert result["disposition"] == "suspected" and result["fever"] is True and result["guideline"] == V5
    assert result["label"].startswith("Suspected")
    assert result["actions"][-1] == "Report online within 2 hours"
    assert [r["code"] for r in result["reasons"]][-1] == "rule:suspected"
    assert result["reasons"][0]["text"] == "Temperature 37.6°C meets the fever line (≥37.3°C)"
    assert outcome_to_json(evaluate(guideline, parsed), "zh_CN")["actions"][-1] == "2小时内网络直报"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "JSON"),
        ({"temprature_c": 37}, "temprature_c"),
        ({"symptoms": ["cough"]}, "symptoms"),
        ({"symptoms": {"cough": "yes"}}, "symptoms.cough"),
        ({"symptoms": {"cough": None}}, "symptoms.cough"),
        ({"temperature_c": "37.5"}, "temperature_c"),
        ({"temperature_c": True}, "temperature_c"),
        ({"epidemiological": {"wuhan": True}}, "wuhan"),
    ],
)
def test_answers_from_json_refuses_bad_input(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        answers_from_json(data, get_guideline(V5))  # type: ignore[arg-type]


def test_answers_from_json_leaves_missing_items_to_evaluate() -> None:
    guideline = get_guideline(V4)
    parsed = answers_from_json({"temperature_c": 38, "symptoms": {"cough": True}}, guideline)
    with pytest.raises(IncompleteAnswers) as caught:
        evaluate(guideline, parsed)
    assert "fever_chills" in caught.value.missing and "cough" not in caught.value.missing
    assert "cluster_or_link" in caught.value.missing


def test_documented_example_matches_the_code() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "triage-json.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", doc, flags=re.S)
    example_in, example_out = json.loads(blocks[0]), json.loads(blocks[1])
    guideline = get_guideline(example_in["guideline"])
    outcome = evaluate(guideline, answers_from_json(example_in, guideline))
    assert outcome_to_json(outcome, "zh_CN") == example_out
