"""Every user-facing string goes through ``tr`` and has a Simplified Chinese entry."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fever_desk import i18n
from fever_desk.i18n import catalogue, set_language, tr, tr_in

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("fever_desk", "db", "devices", "ui")


def tr_literals() -> dict[str, str]:
    found: dict[str, str] = {}
    for package in PACKAGES:
        for file in (ROOT / package).rglob("*.py"):
            tree = ast.parse(file.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                args = node.args[1:] if name == "tr_in" else node.args
                literal = args[0] if args else None
                if (
                    name in ("tr", "tr_in")
                    and isinstance(literal, ast.Constant)
                    and isinstance(literal.value, str)
                ):
                    found[args[0].value] = f"{file.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_tr_literal_has_a_chinese_translation() -> None:
    zh = catalogue("zh_CN")
    missing = {text: where for text, where in tr_literals().items() if text not in zh}
    assert missing == {}, "add these to fever_desk/locales/zh_CN/*.toml"


def test_placeholders_survive_translation() -> None:
    import string

    zh = catalogue("zh_CN")
    for source, target in zh.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(source) if f}
        assert {f for _, f, _, _ in string.Formatter().parse(target) if f} == fields, source


def test_language_switch() -> None:
    set_language("en")
    assert tr("Fever clinic") == "Fever clinic"
    set_language("zh_CN")
    assert tr("Fever clinic") == "发热门诊"
    assert tr_in("en", "Fever clinic") == "Fever clinic"
    with pytest.raises(ValueError):
        set_language("fr")


def test_the_shipped_compiled_catalogue_is_current() -> None:
    """The start-up reads compiled.json; it must say exactly what the TOML files say."""
    import json

    for language in i18n.LANGUAGES:
        if language == "en":
            continue
        compiled = json.loads((i18n.LOCALES / language / i18n.COMPILED).read_text(encoding="utf-8"))
        sources = i18n._sources(language)
        assert compiled["sources"] == i18n._fingerprint(sources), "run: python -m fever_desk.i18n"
        assert compiled["messages"] == i18n._parse(sources)


def test_an_edited_catalogue_wins_over_a_stale_compiled_copy(tmp_path: Path, monkeypatch) -> None:
    import shutil

    shutil.copytree(i18n.LOCALES, tmp_path / "locales")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path / "locales")
    ui_file = tmp_path / "locales" / "zh_CN" / "ui.toml"
    ui_file.write_text(
        ui_file.read_text(encoding="utf-8").replace(
            '"database ready" = "数据库已就绪"', '"database ready" = "库好了"'
        ),
        encoding="utf-8",
    )
    i18n.catalogue.cache_clear()
    try:
        assert i18n.catalogue("zh_CN")["database ready"] == "库好了"
        (tmp_path / "locales" / "zh_CN" / i18n.COMPILED).write_text("{not json", encoding="utf-8")
        i18n.catalogue.cache_clear()
        assert i18n.catalogue("zh_CN")["database ready"] == "库好了"
    finally:
        i18n.catalogue.cache_clear()
