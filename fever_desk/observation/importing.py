"""The grid workers' list (网格化 健康登记): its Chinese headers, and every row checked before any is kept.

The list arrives as an XLSX or a CSV from the community's grid workers, one returnee or contact a row,
under the headers of :data:`HEADERS` (the paper registers' column names; a few spellings the templates
used are accepted, :data:`ALIASES`).  A title row or two above the headers is skipped.  Each row is checked
as the desk checks a typed one: the ID number against its GB 11643 check digit, the phone, the dates
(not in the future; the 14 days not already over), the kind and the observation mode from their lists,
and no ID number twice in the file.  The result is the people to register and a report of every refused
row with its reasons in the user's language; the operation (``ui.services.observation.import_list``)
registers all of them in one transaction, or none when anything was refused.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fever_desk.i18n import tr
from fever_desk.identity import InvalidIdNumber, age_on, parse_resident_id
from fever_desk.model import Person
from fever_desk.observation.model import Exposure, Kind, Placement, Registration, Setting
from fever_desk.observation.rules import planned_release
from fever_desk.validation import check_phone

# Column → the header a grid worker's sheet carries.  Starred in the template: name, ID, phone, date.
HEADERS: dict[str, str] = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "联系电话",
    "address": "现住址",
    "work_unit": "工作单位",
    "kind": "人员类别",
    "relation": "与病例关系",
    "mode": "接触方式",
    "last_date": "最后接触/返回日期",
    "origin": "返程地点",
    "transport": "交通工具",
    "transport_number": "车次/航班",
    "companions": "同行人员",
    "setting": "观察方式",
    "place": "观察地点",
    "responsible": "医学观察责任人",
    "responsible_phone": "责任人电话",
    "note": "备注",
}
REQUIRED = ("name", "id_number", "phone", "last_date")
ALIASES: dict[str, str] = {
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "手机号码": "phone",
    "电话": "phone",
    "住址": "address",
    "现居住地址": "address",
    "返回日期": "last_date",
    "返乡日期": "last_date",
    "最后接触日期": "last_date",
    "暴露类型": "kind",
    "车次航班": "transport_number",
    "车次/航班号": "transport_number",
    "责任人": "responsible",
    "观察地址": "place",
}
KINDS: dict[str, Kind] = {
    "密切接触者": Kind.CLOSE_CONTACT,
    "密接": Kind.CLOSE_CONTACT,
    "返乡人员": Kind.RETURNEE,
    "返岗人员": Kind.RETURNEE,
    "返乡/返岗人员": Kind.RETURNEE,
    "疫区返回": Kind.RETURNEE,
    "其他": Kind.OTHER,
}
SETTINGS: dict[str, Setting] = {
    "居家": Setting.HOME,
    "居家观察": Setting.HOME,
    "集中": Setting.CENTRAL,
    "集中观察": Setting.CENTRAL,
}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass(frozen=True)
class RowProblem:
    """A refused row: its number as the spreadsheet shows it (the header row counts), and why (in the
    user's language)."""

    row: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ImportReport:
    """What the check found: rows read, and every refused row with its reasons."""

    rows: int
    refused: list[RowProblem] = field(default_factory=list)
    problem: str = ""  # the file as a whole (no header row, unreadable): nothing was checked

    @property
    def ok(self) -> bool:
        return not self.refused and not self.problem

    def lines(self) -> list[str]:
        """The report as a person reads it: one line per refused row."""
        if self.problem:
            return [self.problem]
        return [tr("Row {row}: {reasons}", row=p.row, reasons="; ".join(p.reasons)) for p in self.refused]


@dataclass(frozen=True)
class ListedPerson:
    """One accepted row: who, and the registration the sheet describes."""

    row: int
    person: Person
    registration: Registration


class ListUnreadable(Exception):
    """The file cannot be read as a list (wrong format, no header row); ``str()`` is in the user's
    language."""


# ---- reading ---------------------------------------------------------------------------------------------
def _cell_text(value: Any) -> str | date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _xlsx_rows(path: Path) -> Iterator[list[str | date]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        book.close()


def _csv_rows(path: Path) -> Iterator[list[str | date]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")  # Excel's "CSV" on a Chinese Windows
    for values in csv.reader(text.splitlines()):
        yield [v.strip() for v in values]


def read_rows(path: Path) -> Iterator[list[str | date]]:
    """The sheet's rows as text (dates as dates), in the format of the file's extension."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    if suffix == ".csv":
        return _csv_rows(path)
    raise ListUnreadable(tr("The list must be an .xlsx or .csv file: {name}", name=path.name))


def _header_map(row: Sequence[str | date]) -> dict[str, int]:
    by_header = {header: key for key, header in HEADERS.items()} | ALIASES
    found: dict[str, int] = {}
    for index, value in enumerate(row):
        key = by_header.get(re.sub(r"[\s*＊]", "", str(value)))
        if key is not None and key not in found:
            found[key] = index
    return found


# ---- checking --------------------------------------------------------------------------------------------
def parse_day(value: str | date) -> date | None:
    if isinstance(value, date):
        return value
    text = value.strip()
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    found = _DATE.match(text)
    if not found:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def _check_row(
    values: dict[str, str | date], today: date
) -> tuple[Person | None, Registration | None, list[str]]:
    text = {k: v if isinstance(v, str) else v.isoformat() for k, v in values.items()}
    reasons: list[str] = []
    name = " ".join(text.get("name", "").split())
    if not name:
        reasons.append(tr("The name is missing."))
    birth, sex, number = None, None, text.get("id_number", "")
    if not number:
        reasons.append(tr("The ID number is missing."))
    else:
        try:
            resident = parse_resident_id(number, today=today)
            number, birth, sex = resident.number, resident.birth_date, resident.sex
        except InvalidIdNumber as exc:
            reasons.append(exc.localized())
    phone, phone_problem = check_phone(text.get("phone", ""), required=True)
    if phone_problem:
        reasons.append(phone_problem)
    last = parse_day(values.get("last_date", ""))
    if last is None:
        reasons.append(tr("The date of last exposure or return must be a date such as 2020-01-25."))
    elif last > today:
        reasons.append(tr("The date of last exposure or return is in the future."))
    elif planned_release(last) <= today:
        reasons.append(tr("The 14 days from {day} are already over.", day=last.isoformat()))
    kind = KINDS.get(text.get("kind", "")) if text.get("kind") else Kind.RETURNEE
    if kind is None:
        reasons.append(tr("Unknown kind of person: {value}", value=text["kind"]))
    setting = SETTINGS.get(text.get("setting", "")) if text.get("setting") else Setting.HOME
    if setting is None:
        reasons.append(tr("Unknown observation mode: {value}", value=text["setting"]))
    if reasons or last is None or kind is None or setting is None or sex is None:
        return None, None, reasons
    person = Person(
        name=name,
        sex=sex,
        age=age_on(birth, today) if birth else None,
        birth_date=birth,
        id_number=number,
        phone=phone,
        address=text.get("address", ""),
    )
    exposure = Exposure(
        kind,
        last,
        relation=text.get("relation", ""),
        mode=text.get("mode", ""),
        origin=text.get("origin", ""),
        transport=text.get("transport", ""),
        transport_number=text.get("transport_number", ""),
        companions=text.get("companions", ""),
    )
    placement = Placement(
        setting, text.get("place", ""), text.get("responsible", ""), text.get("responsible_phone", "")
    )
    return person, Registration(exposure, placement, text.get("work_unit", ""), text.get("note", "")), []


def check_list(rows: Iterable[Sequence[str | date]], today: date) -> tuple[list[ListedPerson], ImportReport]:
    """Every row of the sheet checked; the header row is found among the first five."""
    accepted: list[ListedPerson] = []
    refused: list[RowProblem] = []
    columns: dict[str, int] | None = None
    seen: dict[str, int] = {}
    count = 0
    for number, row in enumerate(rows, start=1):
        if columns is None:
            found = _header_map(row)
            if all(key in found for key in REQUIRED):
                columns = found
            elif number >= 5:
                break
            continue
        if not any(str(v).strip() for v in row):
            continue  # the blank lines below a table
        count += 1
        values = {key: (row[i] if i < len(row) else "") for key, i in columns.items()}
        person, registration, reasons = _check_row(values, today)
        if person is not None and person.id_number in seen:
            reasons = [tr("The same ID number as row {row}.", row=seen[person.id_number])]
        if reasons or person is None or registration is None:
            refused.append(RowProblem(number, tuple(reasons)))
            continue
        seen[person.id_number] = number
        accepted.append(ListedPerson(number, person, registration))
    if columns is None:
        missing = "、".join(HEADERS[key] for key in REQUIRED)
        return [], ImportReport(
            0, problem=tr("No header row with the columns {names} was found.", names=missing)
        )
    return accepted, ImportReport(count, refused)
