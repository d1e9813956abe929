"""The report card leaving the station: the A4 PDF read back (pypdfium2), the day's XLSX read back
(openpyxl), and ``fever-desk card list|show|export`` and ``user add --role doctor`` run as the real process.

The end-to-end path of the issue runs here on the station's own database: a suspected screening saved, its
card completed by a doctor and marked reported, then corrected to 确诊; the command line sees each step."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fever_desk.model import Disposition
from fever_desk.report_card.fields import Address, CaseClass
from fever_desk.report_card.output import MARKER, XLSX_COLUMNS, card_lines
from tests.db.factories import make_screening
from tests.pdf import embedded_fonts, pdf_text
from ui.services import report_cards as rc
from ui.services.audit_hooks import set_actor
from ui.services.database import Database
from ui.services.screening import save_screening

STATION = rc.CardStation("芙蓉区人民医院", "0731-12345678", "430102")


def fever_desk(*argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The real command (``python -m ui.cli.main``) on the station database of this test (FEVER_DESK_DB)."""
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", *argv],
        input=stdin,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
        env=dict(os.environ),  # FEVER_DESK_DB and the data folder of this test; Chinese is the default
    )


@pytest.fixture
def ctx() -> Iterator[Database]:
    context = Database(os.environ["FEVER_DESK_DB"])
    yield context
    context.close()


def test_user_add_accepts_the_doctor_role(ctx: Database) -> None:
    done = fever_desk(
        "user",
        "add",
        "lidoc",
        "--role",
        "doctor",
        "--name",
        "李医生",
        "--password-stdin",
        stdin="station-2026\n",
    )
    assert done.returncode == 0, done.stderr
    account = ctx.accounts.get("lidoc")
    assert account is not None and account.role.value == "doctor"
    listed = fever_desk("user", "list")
    assert "lidoc" in listed.stdout and "医生" in listed.stdout


def filled_card(ctx: Database):
    """A suspected screening saved at the desk, its card completed by the doctor with every field."""
    ctx.accounts.add("doc", "station-2026", "doctor", "李医生", must_change=False)
    set_actor(ctx, "nurse-a", "desk-1")
    screening = save_screening(ctx, make_screening(disposition=Disposition.SUSPECTED)).screening
    (card,) = ctx.report_cards.for_screening(screening.id)
    set_actor(ctx, "doc", "desk-1")
    full = replace(
        card,
        address=Address("湖南省", "长沙市", "长沙县", "黄花镇", "杨柳村", "3组12号", "430121"),
        occupation="teacher",
        work_unit="黄花镇中学",
        remarks="自述咳嗽两天",
    )
    full = rc.suggested_belongs(full, STATION)
    return rc.complete_card(ctx, full, now=card.diagnosed_at + timedelta(minutes=20), station=STATION).card


def test_the_pdf_carries_every_filled_field(ctx: Database, tmp_path: Path) -> None:
    card = filled_card(ctx)
    out = tmp_path / "card.pdf"
    rc.save_card_pdf(ctx, card.id, out)
    text = "".join(pdf_text(out).split())
    values = {label: value for label, value in card_lines(card) if value}
    for label, value in values.items():
        assert "".join(label.split()) in text, label
        assert "".join(value.split()) in text, (label, value)
    for expected in (
        "430102199003074512",
        "13812345678",
        "■本市其他县区",
        "■教师",
        "■疑似病例",
        "■男",
        "黄花镇",
    ):
        assert expected in text
    assert embedded_fonts(out), "the Chinese font is embedded"
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert [e.action for e in ctx.audit.for_record("report_card", str(card.id))][-1] == "export"


def test_the_end_to_end_path_through_the_command_line(ctx: Database, tmp_path: Path) -> None:
    card = filled_card(ctx)
    listed = fever_desk("card", "list")
    assert listed.returncode == 0, listed.stderr
    assert card.number in listed.stdout and "王*明" in listed.stdout and "王小明" not in listed.stdout
    rc.mark_reported(ctx, card.id, "N430102001", now=card.diagnosed_at + timedelta(hours=1, minutes=59))
    assert "没有等待网络直报的报告卡" in fever_desk("card", "list").stdout
    confirmed = rc.correct_card(
        ctx, card.id, CaseClass.CONFIRMED, now=card.diagnosed_at + timedelta(days=1)
    ).card
    listed = fever_desk("card", "list").stdout
    assert (
        confirmed.number in listed
        and "订正报告" in listed
        and "确诊病例" in listed
        and card.number not in listed
    )

    shown = fever_desk("card", "show", card.number, "--pdf", str(tmp_path / "first.pdf"))
    assert shown.returncode == 0, shown.stderr
    assert "4301**********4512" in shown.stdout and "430102199003074512" not in shown.stdout
    assert "N430102001" in shown.stdout and "■疑似病例" in shown.stdout
    assert "N430102001" in "".join(pdf_text(tmp_path / "first.pdf").split())

    day = card.diagnosed_at.astimezone().date()
    out = tmp_path / "cards.xlsx"
    exported = fever_desk("card", "export", "--date", f"{day}", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == MARKER and oct(out.stat().st_mode & 0o777) == "0o600"
    assert rows[2] == XLSX_COLUMNS
    (first,) = rows[3:]  # the correction was diagnosed the next day
    record = dict(zip(XLSX_COLUMNS, first, strict=True))
    assert (record["卡片编号"], record["病例分类"], record["网络直报编号"]) == (
        card.number,
        "疑似病例",
        "N430102001",
    )
    assert (record["有效证件号"], record["人群分类"], record["病人属于"]) == (
        "430102199003074512",
        "教师",
        "本市其他县区",
    )
    next_day = fever_desk("card", "list", "--date", f"{day + timedelta(days=1)}").stdout
    assert confirmed.number in next_day


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("card", "show", "20991231-0001"), "没有报告卡"),
        (("card", "export", "--date", "2026-12-01", "--out", "x.csv"), ".xlsx"),
        (("card", "list", "--date", "12/01/2026"), "YYYY-MM-DD"),
        (("card", "export", "--date", "2026-13-01", "--out", "x.xlsx"), "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_a_sentence_not_a_traceback(argv: tuple[str, ...], message: str) -> None:
    done = fever_desk(*argv)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_no_card_on_the_day_exports_an_empty_sheet(tmp_path: Path) -> None:
    out = tmp_path / "none.xlsx"
    assert fever_desk("card", "export", "--date", f"{date(2026, 1, 2)}", "--out", str(out)).returncode == 0
    assert len(list(load_workbook(out).active.iter_rows())) == 3


def test_the_days_xlsx_keeps_a_formula_looking_value_as_text(ctx: Database, tmp_path: Path) -> None:
    """Like every export (fever_desk.table_files.safe_cell): a value a spreadsheet would run — "=" first, or a
    tab or carriage return first, which some spreadsheets strip before reading a formula — gets an apostrophe.
    The card's writer had its own guard that let the tab and carriage return through."""
    from fever_desk.report_card.output import write_cards_xlsx

    card = filled_card(ctx)
    typed = replace(card, name="=HYPERLINK(1)", work_unit="\t=1+2", remarks="\r@SUM(A1)")
    out = tmp_path / "cards.xlsx"
    write_cards_xlsx(out, [typed])
    row = dict(
        zip(XLSX_COLUMNS, [c.value for c in list(load_workbook(out).active.iter_rows())[3]], strict=True)
    )
    assert row["患者姓名"] == "'=HYPERLINK(1)"
    assert row["工作单位"] == "'\t=1+2"
    assert row["备注"].startswith("'") and row["备注"].endswith("@SUM(A1)")  # XML reads the \r back as \n
