"""docs/privacy.md is short, true and tested (#17): every claim it makes about file modes, encryption,
markers or refusals names a test that exists, or is marked ⏳ (depends on work not in this build)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "privacy.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
CLAIM_WORDS = re.compile(r"0600|0700|encrypt|AES|marked|marker|refused|refuses", re.IGNORECASE)
PENDING = "⏳"


def _claim_lines() -> list[str]:
    """Table rows and prose paragraphs that state something about modes, encryption, markers or
    refusals (a paragraph is read whole: a claim and its mark may sit on different lines)."""
    units: list[str] = []
    paragraph: list[str] = []
    for line in [*DOC.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("|") or not line.strip() or line.startswith("#"):
            if paragraph:
                units.append(" ".join(paragraph))
                paragraph = []
            if line.startswith("|") and not line.startswith(("| ---", "| who", "| claim")):
                units.append(line)
        else:
            paragraph.append(line)
    return [unit for unit in units if CLAIM_WORDS.search(unit)]


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_named_test_exists() -> None:
    references = REFERENCE.findall(DOC.read_text(encoding="utf-8"))
    assert len(references) >= 10
    missing = [f"{file}::{name}" for file, name in references if name not in _tests_in(ROOT / file)]
    assert missing == []


def test_every_table_claim_names_a_test_or_is_marked_pending() -> None:
    rows = [line for line in _claim_lines() if line.startswith("|")]
    assert rows, "the doc's claims are in tables"
    unchecked = [row for row in rows if not REFERENCE.search(row) and PENDING not in row]
    assert unchecked == []


def test_every_file_mode_anywhere_in_the_doc_is_tested_or_pending() -> None:
    lines = [line for line in _claim_lines() if re.search(r"0600|0700", line)]
    assert lines
    assert [line for line in lines if not REFERENCE.search(line) and PENDING not in line] == []


def test_the_pending_mark_is_explained() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"{PENDING} marks a claim that depends on" in text and "not true of this build" in text
