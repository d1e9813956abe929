"""``fever-desk observation import|list|export`` through the command's entry point (``ui.cli.main.main``),
on the station database of the test's isolated folder (``FEVER_DESK_DB``)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.fever_desk import observation_lists as lists
from tests.pdf import pdf_text
from ui.cli.main import main


def test_import_list_and_export_without_the_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    returned = date.today() - timedelta(days=2)
    rows, bad = lists.make_rows(60, returned, bad_every=20)
    spoiled = lists.write_xlsx(tmp_path / "list.xlsx", rows)
    assert main(["observation", "import", str(spoiled)]) == 1
    err = capsys.readouterr().err
    assert all(f"第 {row} 行" in err for row in bad) and "未导入任何人员" in err

    fixed, _ = lists.make_rows(60, returned)
    assert main(["observation", "import", str(lists.write_xlsx(tmp_path / "fixed.xlsx", fixed))]) == 0
    assert "已登记 60 人" in capsys.readouterr().out

    assert main(["observation", "list", "--search", "张7"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 1 and "张*" in listed[0] and lists.resident_id(7) not in listed[0]
    person_id = listed[0].split("\t")[0]
    assert "第 9 天" in listed[0]  # row 7 came back 7 days before the others' 2

    assert main(["observation", "list", "--worklist"]) == 0
    counts = dict(
        line.split("\t") for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")
    )
    # registered just now: this afternoon's cell is due for all, nothing is missed yet
    assert (int(counts["due_afternoon"]), int(counts["overdue"])) == (60, 0)

    register = tmp_path / "register.xlsx"
    assert main(["observation", "export", "--out", str(register)]) == 0
    values = [
        v for row in load_workbook(register).worksheets[0].iter_rows(values_only=True) for v in row if v
    ]
    assert lists.resident_id(59) in values
    grid = tmp_path / "grid.pdf"
    assert main(["observation", "export", "--person", person_id, "--out", str(grid)]) == 0
    assert "张7" in pdf_text(grid)
    assert main(["observation", "export", "--out", str(tmp_path / "r.doc")]) == 2
