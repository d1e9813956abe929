"""The fields of the notifiable-disease report card (传染病报告卡, 2019 revision) and the rules on them.

Pure: the vocabularies (病例分类, 人群分类, 病人属于, the age units), the age-unit rule, the address depth and
the 病人属于 suggestion from two GB/T 2260 area codes.  The Chinese wording of each choice is the printed
card's own (``CHINESE``), used on the PDF and the XLSX whatever the UI language; the English values are
the stored codes and the UI's source strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class CaseClass(StrEnum):
    """病例分类.  ``EXCLUDED`` (排除) appears only on a correction card: the first card stays as it was."""

    SUSPECTED = "suspected"
    CLINICAL = "clinical"
    CONFIRMED = "confirmed"
    ASYMPTOMATIC = "asymptomatic"
    EXCLUDED = "excluded"


class CardKind(StrEnum):
    """报卡类别: 初次报告 or 订正报告 (which names the card it corrects)."""

    INITIAL = "initial"
    CORRECTION = "correction"


class Belongs(StrEnum):
    """病人属于, in the card's order."""

    SAME_COUNTY = "same_county"
    SAME_CITY = "same_city"
    SAME_PROVINCE = "same_province"
    OTHER_PROVINCE = "other_province"
    HK_MACAO_TAIWAN = "hk_macao_taiwan"
    FOREIGN = "foreign"


class AgeUnit(StrEnum):
    YEARS = "years"
    MONTHS = "months"
    DAYS = "days"


#: 人群分类: the card's 18 occupation groups, stored by these codes, in the card's order.
OCCUPATIONS: tuple[str, ...] = (
    "kindergarten_child",
    "scattered_child",
    "student",
    "teacher",
    "childcare_worker",
    "catering_food",
    "commercial_service",
    "medical_staff",
    "worker",
    "migrant_worker",
    "farmer",
    "herdsman",
    "fisherman",
    "cadre_staff",
    "retired",
    "housework_unemployed",
    "other",
    "unknown",
)

#: The printed card's words for every stored code (PDF, XLSX and the Chinese UI).
CHINESE: dict[str, str] = {
    CaseClass.SUSPECTED: "疑似病例",
    CaseClass.CLINICAL: "临床诊断病例",
    CaseClass.CONFIRMED: "确诊病例",
    CaseClass.ASYMPTOMATIC: "无症状感染者",
    CaseClass.EXCLUDED: "排除",
    CardKind.INITIAL: "初次报告",
    CardKind.CORRECTION: "订正报告",
    Belongs.SAME_COUNTY: "本县区",
    Belongs.SAME_CITY: "本市其他县区",
    Belongs.SAME_PROVINCE: "本省其它地市",
    Belongs.OTHER_PROVINCE: "外省",
    Belongs.HK_MACAO_TAIWAN: "港澳台",
    Belongs.FOREIGN: "外籍",
    AgeUnit.YEARS: "岁",
    AgeUnit.MONTHS: "月",
    AgeUnit.DAYS: "天",
    "kindergarten_child": "幼托儿童",
    "scattered_child": "散居儿童",
    "student": "学生",
    "teacher": "教师",
    "childcare_worker": "保育员及保姆",
    "catering_food": "餐饮食品业",
    "commercial_service": "商业服务",
    "medical_staff": "医务人员",
    "worker": "工人",
    "migrant_worker": "民工",
    "farmer": "农民",
    "herdsman": "牧民",
    "fisherman": "渔(船)民",
    "cadre_staff": "干部职员",
    "retired": "离退人员",
    "housework_unemployed": "家务及待业",
    "other": "其他",
    "unknown": "不详",
}

#: English labels of the same codes (source strings of the UI's translations).
ENGLISH: dict[str, str] = {
    CaseClass.SUSPECTED: "Suspected case",
    CaseClass.CLINICAL: "Clinically diagnosed case",
    CaseClass.CONFIRMED: "Confirmed case",
    CaseClass.ASYMPTOMATIC: "Asymptomatic infection",
    CaseClass.EXCLUDED: "Excluded",
    CardKind.INITIAL: "Initial report",
    CardKind.CORRECTION: "Correction",
    Belongs.SAME_COUNTY: "This county/district",
    Belongs.SAME_CITY: "Another county of this city",
    Belongs.SAME_PROVINCE: "Another city of this province",
    Belongs.OTHER_PROVINCE: "Another province",
    Belongs.HK_MACAO_TAIWAN: "Hong Kong, Macao or Taiwan",
    Belongs.FOREIGN: "Foreign national",
    AgeUnit.YEARS: "years",
    AgeUnit.MONTHS: "months",
    AgeUnit.DAYS: "days",
    "kindergarten_child": "Kindergarten child",
    "scattered_child": "Child at home",
    "student": "Student",
    "teacher": "Teacher",
    "childcare_worker": "Childcare worker or nanny",
    "catering_food": "Catering and food trade",
    "commercial_service": "Commercial services",
    "medical_staff": "Medical staff",
    "worker": "Worker",
    "migrant_worker": "Migrant worker",
    "farmer": "Farmer",
    "herdsman": "Herdsman",
    "fisherman": "Fisherman or boatman",
    "cadre_staff": "Cadre or office staff",
    "retired": "Retired",
    "housework_unemployed": "Housework or unemployed",
    "other": "Other",
    "unknown": "Occupation unknown",
}


# ---- age ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Age:
    """实足年龄 with its unit, for a card whose birth date is unknown (or shown beside it)."""

    value: int
    unit: AgeUnit


def _months_between(born: date, on: date) -> int:
    return (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)


def age_with_unit(born: date, on: date) -> Age:
    """The card's 实足年龄: whole years from one year on; under one year whole months; under one month
    whole days (a newborn of 0 days is "0 天").  A birth date after ``on`` is refused (ValueError)."""
    if born > on:
        raise ValueError("birth date after the day of the age")
    months = _months_between(born, on)
    if months >= 12:
        return Age(months // 12, AgeUnit.YEARS)
    if months >= 1:
        return Age(months, AgeUnit.MONTHS)
    return Age((on - born).days, AgeUnit.DAYS)


def age_in_years(age: Age) -> int:
    """Whole years of an ``Age`` (months and days are under one year): the under-14 rule uses it."""
    return age.value if age.unit is AgeUnit.YEARS else 0


# ---- address -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Address:
    """现住址 as the card has it: 省, 市, 县(区), 乡(镇、街道), 村, 门牌号, and the county's 6-digit GB/T 2260
    code (``area_code``) that 病人属于 is suggested from."""

    province: str = ""
    city: str = ""
    county: str = ""
    township: str = ""
    village: str = ""
    house: str = ""
    area_code: str = ""

    def text(self) -> str:
        parts = [self.province, self.city, self.county, self.township, self.village, self.house]
        # A municipality (北京市北京市) names itself once.
        if self.province and self.province == self.city:
            parts[1] = ""
        return "".join(parts)


#: The address levels the card requires: at least down to the township/street.
REQUIRED_ADDRESS_LEVELS = ("province", "city", "county", "township")
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

_LEVELS = re.compile(
    r"^(?P<province>.+?(?:省|自治区|特别行政区|北京市|天津市|上海市|重庆市))?"
    r"(?P<city>.+?(?:市|自治州|地区|盟))?"
    r"(?P<county>.+?(?:区|县|旗|市))?"
    r"(?P<township>.+?(?:街道|镇|乡|苏木))?"
    r"(?P<village>.+?(?:村|社区|居委会|小区))?"
    r"(?P<house>.*)$"
)


def split_address(text: str) -> Address:
    """A free-text address (what the screening holds) split into the card's levels by their suffixes.

    A guess for the doctor to check, not a gazetteer: "湖南省长沙市芙蓉区五里牌街道朝阳村3号" splits
    cleanly; an address the suffixes do not fit leaves levels empty and the card says which."""
    text = re.sub(r"\s+", "", text or "")
    for city in MUNICIPALITIES:  # 北京市朝阳区… : the municipality is both province and city
        if text.startswith(city):
            rest = split_address("某省某市" + text[len(city) :])
            return Address(city, city, rest.county, rest.township, rest.village, rest.house)
    match = _LEVELS.match(text)
    if match is None:  # pragma: no cover - the pattern matches every string
        return Address(house=text)
    return Address(**{k: v or "" for k, v in match.groupdict().items()})


def address_missing(address: Address) -> list[str]:
    """The levels a card address still lacks (``REQUIRED_ADDRESS_LEVELS`` names), in order."""
    return [level for level in REQUIRED_ADDRESS_LEVELS if not getattr(address, level).strip()]


# ---- 病人属于 ---------------------------------------------------------------------------------------------
_AREA = re.compile(r"^\d{6}$")
HK_MACAO_TAIWAN_PROVINCES = ("71", "81", "82")  # GB/T 2260: 台湾, 香港, 澳门


def suggest_belongs(station_code: str, address_code: str, *, foreign: bool = False) -> Belongs | None:
    """病人属于 from the station's county code and the patient's address county code (both GB/T 2260).

    Same 6 digits: 本县区; same city (first 4): 本市其他县区; same province (first 2): 本省其它地市;
    71/81/82: 港澳台; any other province: 外省.  ``foreign`` (a foreign passport) wins: 外籍.  None when
    either code is not six digits: the doctor chooses."""
    if foreign:
        return Belongs.FOREIGN
    if not _AREA.match(station_code or "") or not _AREA.match(address_code or ""):
        return None
    if address_code[:2] in HK_MACAO_TAIWAN_PROVINCES:
        return Belongs.HK_MACAO_TAIWAN
    if address_code == station_code:
        return Belongs.SAME_COUNTY
    if address_code[:4] == station_code[:4]:
        return Belongs.SAME_CITY
    if address_code[:2] == station_code[:2]:
        return Belongs.SAME_PROVINCE
    return Belongs.OTHER_PROVINCE
