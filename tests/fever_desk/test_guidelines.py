"""The shipped guideline files load, and the validator refuses broken ones with file, key and problem."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from fever_desk.guidelines import (
    GuidelineError,
    UnknownGuideline,
    get_guideline,
    load_guideline,
    shipped_guidelines,
)
from fever_desk.model import Disposition

SHIPPED = ("national-v4", "national-v5-outside-hubei", "national-v5-hubei", "national-v6")

SAMPLE = """\
[guideline]
id = "sample"
version = 5
region = "test"
title = { zh_CN = "测试方案", en = "Test protocol" }
issued = 2020-02-04
document = "国卫办医函〔2020〕103号"
lookback_days = 14

[[symptoms]]
id = "fever_chills"
text = { zh_CN = "来诊前自觉发热或寒战", en = "Felt feverish" }
counts_as_fever = true

[[symptoms]]
id = "cough"
text = { zh_CN = "咳嗽", en = "Cough" }
respiratory = true

[[epidemiological]]
id = "wuhan"
text = { zh_CN = "发病前14天内有武汉旅居史", en = "Wuhan in the 14 days before onset" }

[[clinical]]
id = "fever"
text = { zh_CN = "发热", en = "Fever" }
source = "fever"

[[clinical]]
id = "imaging"
text = { zh_CN = "具有肺炎影像学特征", en = "Imaging features of pneumonia" }
source = "answer"

[[rules]]
id = "suspected"
outcome = "suspected"
reason = { zh_CN = "临床表现{clinical}项，疑似", en = "{clinical} clinical item(s): suspected" }
when = { epidemiological_min = 1, clinical_min = 2 }

[[rules]]
id = "fever"
outcome = "fever_clinic"
reason = { zh_CN = "发热", en = "Fever" }
when = { fever = true }
"""

EPI_BLOCK = SAMPLE[SAMPLE.index("[[epidemiological]]") : SAMPLE.index("[[clinical]]")]


def write(tmp_path: Path, text: str, stem: str = "sample") -> Path:
    path = tmp_path / f"{stem}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def replace(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert old in text, f"the sample no longer contains {old!r}"
        return text.replace(old, new, 1)

    return mutate


def test_sample_is_valid(tmp_path: Path) -> None:
    guideline = load_guideline(write(tmp_path, SAMPLE))
    assert guideline.id == "sample"
    assert guideline.issued == date(2020, 2, 4)
    assert [s.id for s in guideline.symptoms] == ["fever_chills", "cough"]
    assert guideline.symptoms[0].counts_as_fever and not guideline.symptoms[0].respiratory
    assert guideline.symptoms[1].respiratory and not guideline.symptoms[1].counts_as_fever
    assert [k.id for k in guideline.answerable_clinical()] == ["imaging"]
    assert guideline.rules[0].outcome is Disposition.SUSPECTED
    assert dict(guideline.rules[0].when) == {"epidemiological_min": 1, "clinical_min": 2}
    assert guideline.label("en") == "Test protocol"
    assert guideline.label("zh_CN") == "测试方案"


BROKEN = [
    pytest.param(replace("version = 5", "version = "), "line 3", "TOML syntax error", id="syntax"),
    pytest.param(
        replace("lookback_days = 14\n", ""),
        "guideline.lookback_days",
        "missing required key",
        id="missing-key",
    ),
    pytest.param(
        replace("version = 5", 'version = "5"'),
        "guideline.version",
        "must be an integer, not a string",
        id="version-string",
    ),
    pytest.param(
        replace("version = 5", "version = 5.1"),
        "guideline.version",
        "must be an integer, not a float",
        id="float",
    ),
    pytest.param(
        replace("lookback_days = 14", "lookback_days = 0"),
        "guideline.lookback_days",
        "must be a positive number of days",
        id="lookback-zero",
    ),
    pytest.param(
        replace('id = "sample"', 'id = "sample-v2"'),
        "guideline.id",
        "'sample-v2' must match the file name 'sample'",
        id="id-not-stem",
    ),
    pytest.param(
        replace("issued = 2020-02-04", 'issued = "2020-02-04"'),
        "guideline.issued",
        "must be a TOML date",
        id="date-as-string",
    ),
    pytest.param(
        lambda text: 'guideline_notes = "x"\n' + text,
        "guideline_notes",
        "unknown key",
        id="unknown-top-level",
    ),
    pytest.param(
        replace("clinical_min = 2", "clinical_mn = 2"),
        "rules[0].when.clinical_mn",
        "unknown key (did you mean 'clinical_min'?)",
        id="condition-typo",
    ),
    pytest.param(
        replace("respiratory = true", "respiratroy = true"),
        "symptoms[1].respiratroy",
        "unknown key (did you mean 'respiratory'?)",
        id="item-key-typo",
    ),
    pytest.param(
        replace('id = "cough"', 'id = "fever_chills"'),
        "symptoms[1].id",
        "duplicate id 'fever_chills' (already used at symptoms[0].id)",
        id="duplicate-id",
    ),
    pytest.param(
        replace('id = "wuhan"', 'id = "cough"'),
        "epidemiological[0].id",
        "duplicate id 'cough'",
        id="duplicate-across-lists",
    ),
    pytest.param(
        lambda text: "epidemiological = []\n" + text.replace(EPI_BLOCK, ""),
        "epidemiological",
        "must not be empty",
        id="empty-list",
    ),
    pytest.param(
        replace("when = { fever = true }", 'when = { clinical_all = ["fever", "xray"] }'),
        "rules[1].when.clinical_all[1]",
        "unknown clinical id 'xray'",
        id="unknown-clinical-id",
    ),
    pytest.param(
        replace('outcome = "fever_clinic"', 'outcome = "isolate"'),
        "rules[1].outcome",
        "unknown outcome 'isolate'",
        id="unknown-outcome",
    ),
    pytest.param(
        replace('outcome = "fever_clinic"', 'outcome = "routine"'),
        "rules[1].outcome",
        "routine is what applies when no rule matches",
        id="routine-outcome",
    ),
    pytest.param(
        replace('text = { zh_CN = "咳嗽", en = "Cough" }', 'text = { zh_CN = "咳嗽" }'),
        "symptoms[1].text.en",
        "missing required key",
        id="missing-english",
    ),
    pytest.param(
        replace('text = { zh_CN = "咳嗽", en = "Cough" }', 'text = { zh_CN = " ", en = "Cough" }'),
        "symptoms[1].text.zh_CN",
        "must not be empty",
        id="blank-chinese",
    ),
    pytest.param(
        replace("epidemiological_min = 1", "epidemiological_min = 2"),
        "rules[0].when.epidemiological_min",
        "2 is more than the 1 epidemiological item(s) in this file",
        id="min-above-items",
    ),
    pytest.param(
        replace(
            "when = { fever = true }", "when = { any_of = [ { fever = true }, { respiratory_min = 2 } ] }"
        ),
        "rules[1].when.any_of[1].respiratory_min",
        "2 is more than the 1 respiratory item(s)",
        id="nested-min-above-items",
    ),
    pytest.param(
        replace("when = { fever = true }", "when = { symptoms_min = 2, symptoms_max = 1 }"),
        "rules[1].when.symptoms_min",
        "2 is more than symptoms_max = 1",
        id="min-above-max",
    ),
    pytest.param(
        replace("when = { fever = true }", "when = {}"), "rules[1].when", "empty condition", id="empty-when"
    ),
    pytest.param(
        replace("clinical_min = 2", "clinical_min = true"),
        "rules[0].when.clinical_min",
        "must be an integer, not a boolean",
        id="bool-as-count",
    ),
    pytest.param(
        replace("fever = true }", 'fever = "yes" }'),
        "rules[1].when.fever",
        "must be true or false, not a string",
        id="fever-string",
    ),
    pytest.param(
        replace('source = "answer"', 'source = "lab"'),
        "clinical[1].source",
        "unknown source 'lab'",
        id="unknown-source",
    ),
    pytest.param(
        replace("{clinical}项", "{clinic}项"),
        "rules[0].reason.zh_CN",
        "unknown placeholder {clinic}",
        id="unknown-placeholder",
    ),
    pytest.param(
        replace('id = "cough"', 'id = "Cough"'),
        "symptoms[1].id",
        "must be lower-case letters",
        id="bad-id",
    ),
]


@pytest.mark.parametrize(("mutate", "key", "problem"), BROKEN)
def test_validator_names_file_key_and_problem(
    tmp_path: Path, mutate: Callable[[str], str], key: str, problem: str
) -> None:
    path = write(tmp_path, mutate(SAMPLE))
    with pytest.raises(GuidelineError) as caught:
        load_guideline(path)
    error = caught.value
    assert error.file == str(path)
    assert error.key == key
    assert problem in error.problem
    assert str(error) == f"{path}: {key}: {error.problem}"


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(GuidelineError) as caught:
        load_guideline(missing)
    assert (caught.value.file, caught.value.key) == (str(missing), "(file)")
    assert "cannot read" in caught.value.problem

    latin = tmp_path / "sample.toml"
    latin.write_bytes(SAMPLE.encode("gb18030"))
    with pytest.raises(GuidelineError) as caught:
        load_guideline(latin)
    assert caught.value.key == "(file)"
    assert "not UTF-8" in caught.value.problem


def test_every_shipped_file_loads_and_is_sorted_by_version() -> None:
    shipped = shipped_guidelines()
    assert sorted(shipped) == sorted(SHIPPED)
    versions = [g.version for g in shipped.values()]
    assert versions == sorted(versions)
    folder = Path(__file__).resolve().parents[2] / "fever_desk" / "guidelines"
    for path in sorted(folder.glob("*.toml")):
        guideline = load_guideline(path)
        assert guideline == shipped[path.stem]
        assert guideline.lookback_days == 14
        assert {k.id for k in guideline.answerable_clinical()} == {"imaging", "blood_count"}


@pytest.mark.parametrize(
    ("guideline_id", "version", "issued", "document", "epi_count"),
    [
        ("national-v4", 4, date(2020, 1, 27), "国卫办医函〔2020〕77号", 3),
        ("national-v5-outside-hubei", 5, date(2020, 2, 4), "国卫办医函〔2020〕103号", 4),
        ("national-v5-hubei", 5, date(2020, 2, 4), "国卫办医函〔2020〕103号", 4),
        ("national-v6", 6, date(2020, 2, 18), "国卫办医函〔2020〕145号", 4),
    ],
)
def test_shipped_metadata(
    guideline_id: str, version: int, issued: date, document: str, epi_count: int
) -> None:
    guideline = get_guideline(guideline_id)
    assert (guideline.version, guideline.issued, guideline.document) == (version, issued, document)
    assert len(guideline.epidemiological) == epi_count
    assert guideline.label("zh_CN") != guideline.label("en")


def test_shipped_texts_read_as_chinese_with_degree_celsius() -> None:
    for guideline in shipped_guidelines().values():
        texts = [guideline.title, *(i.text for i in guideline.symptoms + guideline.epidemiological)]
        texts += [k.text for k in guideline.clinical] + [r.reason for r in guideline.rules]
        for text in texts:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text["zh_CN"]), text
            assert "℃" not in text["zh_CN"] + text["en"]
        for item in guideline.epidemiological:
            assert "14天" in item.text["zh_CN"] or "聚集" in item.text["zh_CN"], item.id


def test_symptom_flags_are_what_the_protocol_counts() -> None:
    for guideline in shipped_guidelines().values():
        by_id = {s.id: s for s in guideline.symptoms}
        assert by_id["fever_chills"].counts_as_fever
        assert {s.id for s in guideline.symptoms if s.respiratory} == {
            "cough",
            "sore_throat",
            "shortness_of_breath",
            "runny_nose",
        }
        assert not any(s.respiratory or s.counts_as_fever for s in guideline.symptoms if s.id == "fatigue")


def test_unknown_guideline_is_a_key_error_naming_the_shipped_ones() -> None:
    with pytest.raises(UnknownGuideline) as caught:
        get_guideline("national-v9")
    assert isinstance(caught.value, KeyError)
    assert isinstance(caught.value, GuidelineError)
    assert "national-v9" in caught.value.problem
    assert "national-v5-outside-hubei" in str(caught.value)
