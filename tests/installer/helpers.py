"""Shared by the installer tests: databases at a chosen schema, and reading the self-test report."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fever_desk.i18n import tr_in


def make_database(path: Path, revision: str = "head") -> None:
    """A fever_desk SQLite file migrated to ``revision`` (``"head"`` or an id such as ``"0001"``)."""
    from db.engine import make_engine
    from db.migrate import upgrade

    engine = make_engine(f"sqlite:///{path.as_posix()}")
    try:
        upgrade(engine, revision)
    finally:
        engine.dispose()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report_marks(report: str, language: str = "zh_CN") -> dict[str, str]:
    """English check name → mark (✓ ! ✗) from a report printed in ``language``."""
    names = (
        "Settings",
        "Database",
        "Migrations",
        "Fonts",
        "Guidelines",
        "Translations",
        "Printers",
        "Serial ports",
    )
    by_label = {tr_in(language, name): name for name in names}
    marks: dict[str, str] = {}
    for line in report.splitlines():
        mark, _, rest = line.partition(" ")
        label = rest.split(":", 1)[0]
        if mark in ("✓", "!", "✗") and label in by_label:
            marks[by_label[label]] = mark
    return marks
