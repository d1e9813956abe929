"""Grid workers' lists for the import tests and the benchmark: valid rows, and rows spoiled in the ways a
typed sheet goes wrong (a wrong check digit, a short phone, an impossible date, the same person twice)."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from fever_desk.identity import check_digit
from fever_desk.observation.importing import HEADERS

COLUMNS = tuple(HEADERS.values())


def resident_id(serial: int, born: date = date(1985, 6, 1)) -> str:
    body = f"430121{born:%Y%m%d}{serial % 1000:03d}"
    born_shift = born + timedelta(days=serial // 1000)
    body = f"430121{born_shift:%Y%m%d}{serial % 1000:03d}"
    return body + check_digit(body)


def good_row(serial: int, returned: date) -> dict[str, object]:
    return {
        "姓名": f"张{serial}",
        "身份证号": resident_id(serial),
        "联系电话": f"139{serial:08d}",
        "现住址": f"长沙县黄花镇杨柳村{serial % 9 + 1}组{serial % 50 + 1}号",
        "工作单位": "",
        "人员类别": "返乡人员",
        "与病例关系": "",
        "接触方式": "",
        "最后接触/返回日期": returned.isoformat(),
        "返程地点": "武汉市",
        "交通工具": "火车",
        "车次/航班": f"G{serial % 900 + 100}",
        "同行人员": "",
        "观察方式": "居家",
        "观察地点": "家中",
        "医学观察责任人": "李医生",
        "责任人电话": "13900001111",
        "备注": "",
    }


SPOILERS = ("id", "phone", "date", "duplicate", "kind")


def spoil(row: dict[str, object], how: str, first_id: str) -> dict[str, object]:
    bad = dict(row)
    if how == "id":
        number = str(bad["身份证号"])
        bad["身份证号"] = number[:17] + ("0" if number[17] != "0" else "1")
    elif how == "phone":
        bad["联系电话"] = "1390000"
    elif how == "date":
        bad["最后接触/返回日期"] = "2020-02-30"
    elif how == "duplicate":
        bad["身份证号"] = first_id
    else:
        bad["人员类别"] = "游客"
    return bad


def make_rows(count: int, returned: date, bad_every: int = 0) -> tuple[list[dict[str, object]], set[int]]:
    """``count`` rows; with ``bad_every`` every so many is spoiled (a different way each time).  Returns
    the rows and the sheet row numbers (header = row 1) of the spoiled ones."""
    rows, bad = [], set()
    first_id = resident_id(0)
    for serial in range(count):
        row = good_row(serial, returned - timedelta(days=serial % 10))
        if bad_every and serial % bad_every == bad_every - 1:
            row = spoil(row, SPOILERS[len(bad) % len(SPOILERS)], first_id)
            bad.add(serial + 2)
        rows.append(row)
    return rows, bad


def write_xlsx(path: Path, rows: list[dict[str, object]], title: str = "") -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("返乡人员")
    if title:
        sheet.append([title])
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    book.save(path)
    return path


def write_csv(path: Path, rows: list[dict[str, object]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row[c] for c in COLUMNS])
    return path
