"""The daily report counts the period's report cards by classification and names any reported late, read
back from the file ``fever-desk report daily`` writes (the real process)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from fever_desk.model import Sex
from fever_desk.report_card.card import ReportCard
from fever_desk.report_card.fields import Address, Belongs, CaseClass
from fever_desk.settings import Settings, save_settings
from ui.services import report_cards as rc
from ui.services.audit_hooks import set_actor
from ui.services.database import Database

STATION = rc.CardStation("兰溪镇卫生院", "0579-1234567", "330781")
ADDRESS = Address("浙江省", "金华市", "兰溪市", "兰江街道", "", "1号", "330781")


def card(name: str, diagnosed_at: datetime) -> ReportCard:
    return ReportCard(
        diagnosed_at=diagnosed_at,
        name=name,
        sex=Sex.FEMALE,
        id_number="330781199001011228",
        age=None,
        birth_date=datetime(1990, 1, 1).date(),
        phone="13900001111",
        address=ADDRESS,
        belongs=Belongs.SAME_COUNTY,
        occupation="farmer",
        onset_date=diagnosed_at.date() - timedelta(days=2),
    )


def daily_report(day: str, out: Path) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "report", "daily", "--date", day, "--out", str(out)],
        capture_output=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    return {row[0]: row[1] for row in rows if len(row) == 2}


def test_the_daily_report_counts_cards_and_names_the_late_one(tmp_path: Path) -> None:
    save_settings(
        Settings(station_id="desk-1", institution="兰溪镇卫生院"), Path(os.environ["FEVER_DESK_CONFIG"])
    )
    ctx = Database(os.environ["FEVER_DESK_DB"])
    try:
        ctx.accounts.add("doc", "station-2026", "doctor", must_change=False)
        set_actor(ctx, "doc", "desk-1")
        t0 = datetime(2026, 11, 20, 9, 0).astimezone()  # inside the reporting day to 2026-11-20 16:00
        on_time = rc.create_card(ctx, card("赵一", t0), now=t0).card
        late = rc.create_card(ctx, card("钱二", t0 + timedelta(hours=1)), now=t0).card
        for made, after in ((on_time, timedelta(hours=1, minutes=59)), (late, timedelta(hours=2, minutes=1))):
            rc.complete_card(ctx, made, now=made.diagnosed_at, station=STATION)
            rc.mark_reported(ctx, made.id, "N" + made.number, now=made.diagnosed_at + after)
        rc.correct_card(ctx, on_time.id, CaseClass.CONFIRMED, now=t0 + timedelta(hours=5))
        # The next reporting day: not counted.
        rc.create_card(ctx, card("孙三", t0 + timedelta(days=1)), now=t0)
    finally:
        ctx.close()
    values = daily_report("2026-11-20", tmp_path / "report.csv")
    assert values["传染病报告卡：疑似病例"] == "2"
    assert values["传染病报告卡：确诊病例"] == "1"
    assert values["传染病报告卡：排除"] == "0"
    assert values["超过2小时网络直报的报告卡"] == "1"
    assert values["逾时（超过2小时）网络直报的报告卡"] == late.number
    assert values["报告类型"] == "日报告"
