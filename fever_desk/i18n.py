"""One translation mechanism for the core, the screens and the command line.

Source strings are English and double as message ids (as with gettext); each other language is a
folder of TOML catalogues in ``fever_desk/locales/<language>/``, one file per area (core, ui, cli,
devices …) so that people working on different screens do not edit the same file.  Simplified
Chinese is the default because the users are nurses in Chinese clinics.  A missing entry falls back
to the English text rather than failing, and a test checks that every ``tr("...")`` literal in the
code has a Chinese entry, so a fallback never ships unnoticed.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES: dict[str, str] = {"zh_CN": "简体中文", "en": "English"}

_current = DEFAULT_LANGUAGE


@cache
def catalogue(language: str) -> dict[str, str]:
    if language == "en":
        return {}
    merged: dict[str, str] = {}
    folder = resources.files("fever_desk.locales").joinpath(language)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            merged.update(tomllib.loads(entry.read_text(encoding="utf-8")))
    return merged


def set_language(language: str) -> None:
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    _current = language


def current_language() -> str:
    return _current


def tr(text: str, /, **values: object) -> str:
    """Translate ``text`` into the current language and fill ``{placeholders}`` from ``values``."""
    translated = catalogue(_current).get(text, text)
    return translated.format(**values) if values else translated


def tr_in(language: str, text: str, /, **values: object) -> str:
    """Translate into a given language, for output that must not follow the UI (slips, reports)."""
    translated = catalogue(language).get(text, text) if language in LANGUAGES else text
    return translated.format(**values) if values else translated
