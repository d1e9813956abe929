"""Realistic synthetic screenings for demonstrations, training and benchmarks — never real people.

Names are drawn from common surnames and given-name characters, ID numbers follow GB 11643 (valid
area code, birth date, odd sequence for men and even for women, correct check digit) so that they
pass the same validation as real ones, and the mix of temperatures (about 5 % fevers) and answers
resembles a 2020 pre-screening desk.  Everything is derived from one ``random.Random(seed)``, so the
same seed gives the same records, which makes benchmarks comparable between runs.

The guideline item ids and the triage are parameters rather than imports: the caller passes the
active guideline's ids and its evaluation, so demo records carry real outcomes.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from itertools import accumulate

from fever_desk.identity import age_on, check_digit
from fever_desk.model import (
    Answers,
    MeasureMode,
    Outcome,
    Person,
    Screening,
    Sex,
    Temperature,
    TemperatureSource,
)

# Most frequent surnames, roughly weighted by their share of the population.
SURNAMES = "".join(
    (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁",
        "潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦",
        "邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
    )
)
_SURNAME_CUMULATIVE = tuple(accumulate(max(1.0, 80.0 / (i + 1)) for i in range(len(SURNAMES))))
MALE_CHARS = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国志成海东文峰亮晨博"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英玲桂兰萍红燕梅琳雪婷慧莉倩颖洁琴云璐欣怡佳蕾瑶晶丹露琪"
# Area codes (province, city, district) of a few real county-level units.
AREA_CODES = (
    "110101", "110105", "310104", "310115", "320102", "320583", "330106", "330782", "340104", "350203",
    "360102", "370102", "370203", "410105", "420106", "420111", "420606", "421002", "430102", "430111",
    "440106", "440304", "450103", "500103", "510107", "510603", "520102", "530102", "610113", "620102",
)  # fmt: skip
COUNTIES = (
    "长沙县",
    "宁乡县",
    "浏阳县",
    "平江县",
    "湘阴县",
    "汉川县",
    "孝昌县",
    "安陆县",
    "大冶县",
    "黄梅县",
)
TOWNS = ("城关镇", "金井镇", "黄花镇", "新港镇", "白沙镇", "桥头镇", "石门镇", "龙田镇", "清水镇", "松柏镇")
VILLAGES = ("杨柳", "新建", "红旗", "光明", "和平", "东山", "西湖", "南岭", "北坪", "胜利", "团结", "高桥")
DEVICES = ("IR-200 #1", "IR-200 #2", "TH-05")


def resident_id(rng: random.Random, birth: date, sex: Sex) -> str:
    """A GB 11643 number for ``birth`` and ``sex``: area, date, sequence (odd = male), check digit."""
    sequence = rng.randrange(0, 500) * 2 + (1 if sex is Sex.MALE else 0)
    first17 = f"{rng.choice(AREA_CODES)}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _person(rng: random.Random, on: date) -> Person:
    sex = Sex.MALE if rng.random() < 0.5 else Sex.FEMALE
    chars = MALE_CHARS if sex is Sex.MALE else FEMALE_CHARS
    given = "".join(rng.choice(chars) for _ in range(1 if rng.random() < 0.3 else 2))
    name = rng.choices(SURNAMES, cum_weights=_SURNAME_CUMULATIVE)[0] + given
    birth = on - timedelta(days=rng.randrange(int(365.25 * 1), int(365.25 * 90)))
    has_id = rng.random() < 0.95
    address = (
        f"{rng.choice(COUNTIES)}{rng.choice(TOWNS)}{rng.choice(VILLAGES)}村"
        f"{rng.randint(1, 12)}组{rng.randint(1, 60)}号"
    )
    return Person(
        name=name,
        sex=sex,
        age=age_on(birth, on),
        birth_date=birth if has_id else None,
        id_number=resident_id(rng, birth, sex) if has_id else "",
        phone=mobile(rng) if rng.random() < 0.92 else "",
        address=address,
    )


def _temperature(rng: random.Random, when: datetime) -> Temperature:
    if rng.random() < 0.05:
        celsius = round(rng.uniform(37.3, 39.6), 1)
    else:
        celsius = round(min(37.2, max(36.0, rng.gauss(36.6, 0.3))), 1)
    if rng.random() < 0.7:
        return Temperature(
            celsius,
            TemperatureSource.DEVICE,
            MeasureMode.BODY,
            measured_at=when - timedelta(seconds=rng.randint(5, 90)),
            device=rng.choice(DEVICES),
        )
    return Temperature(celsius)


def generate_screenings(
    n: int,
    *,
    seed: int = 0,
    start: datetime,
    end: datetime,
    station_id: str,
    symptom_ids: Sequence[str],
    epi_ids: Sequence[str],
    outcome_for: Callable[[Answers], Outcome],
    operator: str = "demo",
) -> Iterator[Screening]:
    """``n`` screenings spread evenly over [start, end), oldest first, the same for the same seed.

    Pass aware datetimes (naive ones are taken as local time when stored).  Every symptom and
    epidemiological item gets an explicit answer, as the counter requires.
    """
    if n < 0 or end <= start:
        raise ValueError("need n >= 0 and start < end")
    rng = random.Random(seed)
    step = (end - start) / max(n, 1)
    for index in range(n):
        created = start + step * (index + rng.random())
        temperature = _temperature(rng, created)
        fever = temperature.celsius >= 37.3
        symptom_rate = 0.35 if fever else 0.03
        answers = Answers(
            symptoms={item: rng.random() < symptom_rate for item in symptom_ids},
            epidemiological={item: rng.random() < 0.01 for item in epi_ids},
            temperature_c=temperature.celsius,
        )
        ill = fever or any(answers.symptoms.values())
        yield Screening(
            person=_person(rng, created.date()),
            answers=answers,
            temperature=temperature,
            onset_date=created.date() - timedelta(days=rng.randint(0, 5)) if ill else None,
            outcome=outcome_for(answers),
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            station_id=station_id,
            operator=operator,
            created_at=created,
            updated_at=created,
        )
