"""Every problem a user reads is one :class:`fever_desk.problems.Problem`, and says it in Chinese too."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import db
import devices
import fever_desk
import ui
from fever_desk.i18n import catalogue
from fever_desk.problems import Problem

ROOT = Path(__file__).resolve().parents[2]


def every_problem() -> list[type[Problem]]:
    for package in (fever_desk, db, devices, ui):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    found, pending = [], [Problem]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_kind_of_problem_has_its_chinese_sentence(qapp) -> None:
    zh = catalogue("zh_CN")
    problems = every_problem()
    assert {"DatabaseProblem", "BackupProblem", "FileInUse", "FontNotFound", "PrintProblem"} <= {
        cls.__name__ for cls in problems
    }
    missing = [cls.__name__ for cls in problems if cls.template != "{detail}" and cls.template not in zh]
    assert missing == []


def test_templates_given_when_raised_have_their_chinese_sentence() -> None:
    """``raise AccountProblem("…")``, ``raise InvalidIdNumber("…")``: the literal is the catalogue key."""
    names = {cls.__name__ for cls in every_problem()}
    zh = catalogue("zh_CN")
    missing = []
    for package in ("fever_desk", "db", "devices", "ui"):
        for file in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", "") in names
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and node.args[0].value not in zh
                ):
                    missing.append(f"{file.relative_to(ROOT)}:{node.lineno}")
    assert missing == []


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_one_way_to_say_it_in_any_language(language: str) -> None:
    """The same call on every kind: the UI's language by default, or the one asked for."""
    from db.backup import NotABackup
    from db.migrate import DatabaseTooNew
    from fever_desk.files import FileInUse
    from fever_desk.identity import InvalidIdNumber, parse_resident_id
    from fever_desk.slips.fonts import FontNotFound

    with pytest.raises(InvalidIdNumber) as refused:
        parse_resident_id("110105194912310021")
    problems = [
        NotABackup(path="/media/usb/x.sqlite3", detail="not an SQLite file"),
        DatabaseTooNew(path="/data/fever_desk.sqlite3", revision="9999"),
        FileInUse("/home/nurse/登记.xlsx"),
        FontNotFound(["/usr/share/fonts"]),
        refused.value,
    ]
    for problem in problems:
        text = problem.localized(language)
        assert text and "{" not in text
        english = problem.template.format(**problem.values)
        assert (text == english) == (language == "en"), type(problem).__name__
