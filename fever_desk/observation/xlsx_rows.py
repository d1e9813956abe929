"""The first sheet of an XLSX as rows of text, read straight from its XML: three times faster than
openpyxl's read-only mode on a grid workers' 5,000-row list (``bench/bench_observation.py``), which
keeps the import of such a list within two seconds.

Only what a list holds is read: shared and inline strings, numbers (an integral number as an integer,
so a phone typed as a number keeps its digits), booleans and formulas' cached values.  Dates are
numbers in XLSX; the checker reads a number in the date column as an Excel serial date
(``importing.parse_day``).  Row numbers follow the sheet's own ``r`` attributes, so a refused row is
named as the spreadsheet shows it even after blank rows.  Anything unexpected raises
:class:`UnreadableSheet` and the caller falls back to openpyxl.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_COLUMN = re.compile(r"^([A-Z]+)(\d+)$")


class UnreadableSheet(Exception):
    """Not an XLSX this reader understands (the caller uses openpyxl instead)."""


def _first_sheet(book: zipfile.ZipFile) -> str:
    with book.open("xl/workbook.xml") as handle:
        sheets = [el for _, el in iterparse(handle) if el.tag == MAIN + "sheet"]
    if not sheets:
        raise UnreadableSheet("no sheet")
    wanted = sheets[0].get(REL + "id")
    with book.open("xl/_rels/workbook.xml.rels") as handle:
        for _, el in iterparse(handle):
            if el.tag == PACKAGE_REL + "Relationship" and el.get("Id") == wanted:
                target = el.get("Target") or ""
                return target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
    raise UnreadableSheet("no sheet relationship")


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    strings: list[str] = []
    with book.open("xl/sharedStrings.xml") as handle:
        for _, el in iterparse(handle):
            if el.tag == MAIN + "si":
                strings.append("".join(t.text or "" for t in el.iter(MAIN + "t")))
                el.clear()
    return strings


def _column_index(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _value(cell: object, shared: list[str]) -> str:
    kind = cell.get("t")  # type: ignore[attr-defined]
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(MAIN + "t")).strip()  # type: ignore[attr-defined]
    found = cell.find(MAIN + "v")  # type: ignore[attr-defined]
    raw = (found.text or "") if found is not None else ""
    if kind == "s":
        return shared[int(raw)].strip()
    if kind in (None, "n") and raw:
        number = float(raw)
        return str(int(number)) if number.is_integer() else raw
    return raw.strip()


def sheet_rows(path: Path) -> Iterator[list[str]]:
    """Every row of the first sheet, numbered as the sheet numbers them (blank rows yield ``[]``)."""
    try:
        with zipfile.ZipFile(path) as book:
            sheet = _first_sheet(book)
            shared = _shared_strings(book)
            rows: list[list[str]] = []
            with book.open(sheet) as handle:
                for _, el in iterparse(handle):
                    if el.tag != MAIN + "row":
                        continue
                    number = int(el.get("r") or len(rows) + 1)
                    while len(rows) < number - 1:
                        rows.append([])
                    values: dict[int, str] = {}
                    for position, cell in enumerate(el.iter(MAIN + "c")):
                        ref = _COLUMN.match(cell.get("r") or "")
                        values[_column_index(ref[1]) if ref else position] = _value(cell, shared)
                    rows.append([values.get(i, "") for i in range(max(values, default=-1) + 1)])
                    el.clear()
    except (KeyError, IndexError, ValueError, ParseError, zipfile.BadZipFile) as exc:
        raise UnreadableSheet(str(exc)) from exc
    return iter(rows)
