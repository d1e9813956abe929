"""Referral slip rendering (80 mm roll): the Chinese slip in the shipped font beside the same layout in
plain Helvetica.

The font is the one every station uses by default, the shipped WenQuanYi Micro Hei subset
(``fever_desk/data/fonts/``), resolved and registered before timing as the desk does once per process.
The baseline keeps every string the same length but replaces non-ASCII characters by "?" and draws with
Helvetica, a standard PDF font that is neither parsed nor embedded: the difference is the cost of
measuring, subsetting and embedding Chinese glyphs.  Both are timed in the same run, alternated; the
target is the shipped font within 2× the baseline.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.common import Figure, median, percentile
from fever_desk.guidelines import get_guideline
from fever_desk.model import Answers, Person, Screening, Sex, Temperature, TemperatureSource
from fever_desk.settings import Hospital, Settings
from fever_desk.slips import SlipContent, compose_slip, load_or_create_keys, render_slip, resolve_font
from fever_desk.triage import FeverRule, evaluate

RUNS = 60


def suspected_case() -> tuple[Screening, Settings]:
    """A typical suspected-case slip: two symptoms, one exposure, positive imaging, full station details."""
    guideline = get_guideline("national-v5-outside-hubei")
    answers = Answers(
        symptoms={s.id: s.id in ("cough", "fatigue") for s in guideline.symptoms},
        epidemiological={e.id: e.id == "infected_contact" for e in guideline.epidemiological},
        clinical={"imaging": True},
        temperature_c=38.6,
    )
    now = datetime.now().astimezone()
    case = Screening(
        person=Person("张三丰", Sex.MALE, 45, None, "43010219800101123X", "13812345678"),
        answers=answers,
        temperature=Temperature(38.6, TemperatureSource.DEVICE, measured_at=now),
        outcome=evaluate(guideline, answers, FeverRule()),
        operator="李护士",
        created_at=now,
    )
    station = Settings(
        station_name="门诊楼预检分诊台1",
        institution="长沙市某区人民医院",
        designated_hospital=Hospital("长沙市第一医院（北院）", "长沙市开福区营盘路311号", "0731-84411111"),
        hotline="12320",
    )
    return case, station


def ascii_only(content: SlipContent) -> SlipContent:
    def plain(value: object) -> object:
        if isinstance(value, str):
            return value.encode("ascii", "replace").decode("ascii")
        if isinstance(value, tuple):
            return tuple(plain(v) for v in value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    changes = {f.name: plain(getattr(content, f.name)) for f in dataclasses.fields(content)}
    return dataclasses.replace(content, **changes)


def run() -> list[Figure]:
    font = resolve_font()
    if not font.shipped:
        raise RuntimeError(f"the shipped font is missing; {font.path} would be timed instead")
    with tempfile.TemporaryDirectory() as tmp:
        keys = load_or_create_keys(Path(tmp))
        compose: list[float] = []
        for _ in range(RUNS):  # includes building the case and evaluating it: an upper bound
            started = time.perf_counter()
            content = compose_slip(*suspected_case(), keys)
            compose.append((time.perf_counter() - started) * 1000)
    baseline_content = ascii_only(content)
    render_slip(content, "80mm", font=font)  # warm caches (glyph widths, imports) for both
    render_slip(baseline_content, "80mm", font="Helvetica")
    cjk: list[float] = []
    ascii_: list[float] = []
    for _ in range(RUNS):
        started = time.perf_counter()
        render_slip(content, "80mm", font=font)
        cjk.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        render_slip(baseline_content, "80mm", font="Helvetica")
        ascii_.append((time.perf_counter() - started) * 1000)
    base = "same layout, ASCII in Helvetica"
    ratio = median(cjk) / median(ascii_)
    return [
        Figure(
            "slip render 80 mm (shipped font), median", median(cjk), "ms", base, median(ascii_), "≤ 15 ms"
        ),
        Figure(
            "slip render 80 mm (shipped font), p95",
            percentile(cjk, 95),
            "ms",
            base,
            percentile(ascii_, 95),
            "-",
        ),
        Figure("slip render, shipped font ÷ ASCII (medians)", ratio, "×", "ASCII in Helvetica", 1.0, "≤ 2×"),
        Figure("slip compose + sign, median", median(compose), "ms", "-", None, "-"),
    ]


if __name__ == "__main__":
    for figure in run():
        print(figure.row())
