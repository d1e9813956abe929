"""The regulator's register: XLSX read back, CSV with a BOM, PDF text, and no internal ids."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fever_desk.export_files import MARKER
from fever_desk.registers import HEADERS, RegisterMeta, UnknownFormat, write_register
from tests.fever_desk.pharmacy_cases import ID_NUMBER, PHONE, purchase
from tests.pdf import embedded_fonts, pdf_text

META = RegisterMeta("城关镇同心大药房", date(2020, 2, 3), date(2020, 2, 3))


@pytest.fixture
def purchases() -> list:
    first = purchase()
    second = purchase(name='=HYPERLINK("x")', phone="13900000000", celsius=37.9)
    second.advice_reasons = ("fever",)
    from fever_desk.pharmacy import Advice

    second.advice = Advice.FEVER_CLINIC
    return [first, second]


def test_xlsx_has_chinese_headers_and_full_numbers_as_text(tmp_path: Path, purchases: list) -> None:
    path = tmp_path / "register.xlsx"
    assert write_register(path, purchases, META) == 2
    sheet = load_workbook(path).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == MARKER  # personal information, said before anything else (#17)
    assert rows[1][0] == "购买退热、止咳等药品人员登记表" and "城关镇同心大药房" in rows[2][0]
    assert tuple(rows[3]) == HEADERS
    line = dict(zip(HEADERS, rows[4], strict=True))
    assert line["姓名"] == "王建国" and line["证件号码"] == ID_NUMBER and line["联系电话"] == PHONE
    assert line["证件类型"] == "居民身份证" and line["性别"] == "男"
    assert "布洛芬缓释胶囊（退热类）×2盒" in line["所购药品及数量"]
    second = dict(zip(HEADERS, rows[5], strict=True))
    assert second["姓名"].startswith("'=") and second["处理意见"] == "建议发热门诊就诊"
    every_value = " ".join(str(v) for row in rows for v in row)
    assert str(purchases[0].id) not in every_value and "pharmacy-1" not in every_value


def test_csv_starts_with_the_utf8_bom(tmp_path: Path, purchases: list) -> None:
    path = tmp_path / "register.csv"
    write_register(path, purchases, META)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == MARKER
    assert text.splitlines()[1].split(",")[:3] == ["登记时间", "姓名", "性别"]
    assert "王建国" in text and ID_NUMBER in text


def test_pdf_text_contains_the_purchaser_in_the_shipped_font(tmp_path: Path, purchases: list) -> None:
    path = tmp_path / "register.pdf"
    write_register(path, purchases, META)
    text = pdf_text(path)
    assert "王建国" in text and "登记表" in text
    assert embedded_fonts(path) == {"WenQuanYiMicroHei"}


def test_an_empty_period_still_gives_a_register(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    assert write_register(path, [], META) == 0
    assert [c.value for c in list(load_workbook(path).active.iter_rows())[3]] == list(HEADERS)


def test_an_unknown_extension_is_refused_and_nothing_is_written(tmp_path: Path, purchases: list) -> None:
    with pytest.raises(UnknownFormat):
        write_register(tmp_path / "register.docx", purchases, META)
    assert list(tmp_path.iterdir()) == []
