"""The grid workers' list through the import operation (ui/services/observation.import_list), on SQLite
and PostgreSQL: every bad row reported with its reason, nothing imported until the file is right."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from fever_desk.i18n import set_language
from tests.db.conftest import database_url, db_path, engine_name, pg_cluster  # noqa: F401 - fixtures
from tests.fever_desk import observation_lists as lists
from ui.services import observation as obs
from ui.services.audit_hooks import set_actor
from ui.services.database import Database

TODAY = date(2020, 2, 3)
NOW = datetime(2020, 2, 3, 10, 0)


@contextmanager
def use_language(language: str) -> Iterator[None]:
    set_language(language)
    try:
        yield
    finally:
        set_language("zh_CN")


@pytest.fixture
def ctx(database_url: str) -> Iterator[Database]:  # noqa: F811 - the imported fixture
    context = Database(database_url)
    set_actor(context, "grid.wang", "desk-1")
    yield context
    context.close()


def test_5000_rows_with_3_percent_bad_import_nothing_and_name_every_bad_row(
    ctx: Database, tmp_path: Path
) -> None:
    rows, bad = lists.make_rows(5000, TODAY - timedelta(days=1), bad_every=33)
    assert 140 <= len(bad) <= 160  # about 3 %
    sheet = lists.write_xlsx(tmp_path / "返乡人员.xlsx", rows, title="黄花镇返乡人员健康登记表")
    with use_language("zh_CN"):
        done = obs.import_list(ctx, sheet, today=TODAY, now=NOW)
    assert done.imported == 0 and not done.changes
    assert {p.row - 1 for p in done.report.refused} == bad  # the title row shifts every row by one
    reasons = {p.reasons[0] for p in done.report.refused}
    assert any("校验" in r for r in reasons)  # the ID's check digit, in Chinese
    assert any("手机" in r or "电话" in r for r in reasons)
    assert any("日期" in r for r in reasons)
    assert any("第 3 行" in r for r in reasons)  # the same ID as row 3 (row 2 + the title)
    assert any("游客" in r for r in reasons)
    assert obs.list_register(ctx) == []
    assert ctx.audit.entries(record_kind="observation") == []

    fixed, none_bad = lists.make_rows(5000, TODAY - timedelta(days=1))
    assert not none_bad
    done = obs.import_list(ctx, lists.write_xlsx(tmp_path / "fixed.xlsx", fixed), today=TODAY, now=NOW)
    assert done.imported == 5000 and done.report.ok and done.changes.observations
    assert len(obs.list_register(ctx, limit=10_000)) == 5000
    assert ctx.audit.entries(record_kind="observation")[0].detail == "import rows=5000"
    person = obs.list_register(ctx, search=lists.resident_id(7))[0]
    assert person.person.name == "张7" and person.exposure.origin == "武汉市"

    again = obs.import_list(ctx, lists.write_xlsx(tmp_path / "again.xlsx", fixed[:3]), today=TODAY, now=NOW)
    assert again.imported == 0 and [p.row for p in again.report.refused] == [2, 3, 4]  # already observed


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_csv_list_in_either_encoding(ctx: Database, tmp_path: Path, encoding: str) -> None:
    rows, _ = lists.make_rows(20, TODAY)
    done = obs.import_list(ctx, lists.write_csv(tmp_path / "list.csv", rows, encoding), today=TODAY, now=NOW)
    assert done.imported == 20
    assert {o.person.address for o in obs.list_register(ctx)} >= {"长沙县黄花镇杨柳村1组1号"}


def test_a_file_without_the_headers_is_refused_whole(ctx: Database, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with use_language("en"):
        done = obs.import_list(ctx, other, today=TODAY, now=NOW)
    assert done.imported == 0 and "姓名" in done.report.problem and "header" in done.report.problem
    done = obs.import_list(ctx, tmp_path / "list.txt", today=TODAY, now=NOW)
    assert done.imported == 0 and done.report.problem


def test_a_list_whose_14_days_are_over_or_dated_ahead_is_refused(ctx: Database, tmp_path: Path) -> None:
    rows, _ = lists.make_rows(2, TODAY)
    rows[0]["最后接触/返回日期"] = "2020-01-05"
    rows[1]["最后接触/返回日期"] = "2020-02-04"
    with use_language("en"):
        done = obs.import_list(ctx, lists.write_csv(tmp_path / "l.csv", rows), today=TODAY, now=NOW)
        first_line = done.report.lines()[0]
    assert [p.row for p in done.report.refused] == [2, 3]
    assert (
        "already over" in done.report.refused[0].reasons[0] and "future" in done.report.refused[1].reasons[0]
    )
    assert first_line.startswith("Row 2:")
