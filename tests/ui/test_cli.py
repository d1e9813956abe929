"""The `fever-desk` command as clinic IT uses it: headless, scriptable, plain about problems."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import make_engine
from fever_desk import __version__
from fever_desk.guidelines import get_guideline
from ui.cli.main import main


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for word in ("--db", "guideline", "triage", "demo"):
        assert word in out


def answers_file(tmp_path: Path, temperature: float, epi_yes: bool) -> Path:
    guideline = get_guideline("national-v5-outside-hubei")
    data = {
        "guideline": guideline.id,
        "temperature_c": temperature,
        "symptoms": {item.id: False for item in guideline.symptoms},
        "epidemiological": {item.id: False for item in guideline.epidemiological},
    }
    first_epi = guideline.epidemiological[0].id
    data["epidemiological"][first_epi] = epi_yes
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_triage_prints_outcome_and_reasons_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["triage", "--answers", str(answers_file(tmp_path, 38.2, True)), "--language", "en"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["disposition"] == "fever_clinic"
    assert result["fever"] is True
    assert any("38.2" in reason["text"] for reason in result["reasons"])
    assert main(["triage", "--answers", str(answers_file(tmp_path, 36.4, False))]) == 0
    assert json.loads(capsys.readouterr().out)["disposition"] == "routine"


def test_triage_names_unanswered_items(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "partial.json"
    path.write_text(
        json.dumps({"temperature_c": 36.5, "symptoms": {}, "epidemiological": {}}), encoding="utf-8"
    )
    assert main(["triage", "--answers", str(path)]) == 1
    assert "cough" in capsys.readouterr().err


def test_guideline_check_names_file_key_and_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = Path(get_guideline("national-v4").id + ".toml")
    source = Path(__file__).resolve().parents[2] / "fever_desk" / "guidelines" / shipped
    assert main(["guideline", "check", str(source)]) == 0
    broken = tmp_path / "national-v4.toml"
    broken.write_text(
        source.read_text(encoding="utf-8").replace("lookback_days = 14", "lookback_days = -3"),
        encoding="utf-8",
    )
    assert main(["guideline", "check", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "national-v4.toml" in err and "lookback_days" in err


def test_demo_fills_the_given_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'training.sqlite3'}"
    assert main(["--db", url, "demo", "--screenings", "120", "--days", "3"]) == 0
    engine = make_engine(url)
    with engine.connect() as conn:
        count, fevers = conn.execute(text("SELECT count(*), sum(fever) FROM screening")).one()
    engine.dispose()
    assert count == 120 and 0 <= fevers < 120


def test_without_a_display_it_says_how_to_run(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the display check is for Linux")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli.main"], env=env, capture_output=True, encoding="utf-8", timeout=60
    )
    assert result.returncode == 2
    assert "xvfb-run" in result.stderr and "QT_QPA_PLATFORM=offscreen" in result.stderr
