"""One translation mechanism for the core, the screens and the command line.

Source strings are English and double as message ids (as with gettext); each other language is a
folder of TOML catalogues in ``fever_desk/locales/<language>/``, one file per area (core, ui, cli,
devices …) so that people working on different screens do not edit the same file.  Simplified
Chinese is the default because the users are nurses in Chinese clinics.  A missing entry falls back
to the English text rather than failing, and a test checks that every ``tr("...")`` literal in the
code has a Chinese entry, so a fallback never ships unnoticed.
"""

from __future__ import annotations

import json
import zlib
from functools import cache
from pathlib import Path

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES: dict[str, str] = {"zh_CN": "简体中文", "en": "English"}
LOCALES = Path(__file__).with_name("locales")
COMPILED = "compiled.json"

_current = DEFAULT_LANGUAGE
_pinned: str | None = None  # a language chosen for one run (``fever-desk --language en``)


def _sources(language: str) -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for path in sorted((LOCALES / language).glob("*.toml"))]


def _fingerprint(sources: list[tuple[str, bytes]]) -> str:
    """CRC of the catalogues' names and LF bytes: a CRLF copy (a Windows checkout, a zip unpacked by a
    Windows tool) says the same and matches compiled.json; ``.gitattributes`` keeps them LF as well."""
    crc = 0
    for name, data in sources:
        crc = zlib.crc32(data.replace(b"\r\n", b"\n"), zlib.crc32(name.encode(), crc))
    return f"{len(sources)}:{crc:08x}"


def _parse(sources: list[tuple[str, bytes]]) -> dict[str, str]:
    import tomllib

    merged: dict[str, str] = {}
    for _name, data in sources:
        merged.update(tomllib.loads(data.decode("utf-8")))
    return merged


@cache
def catalogue(language: str) -> dict[str, str]:
    """The merged messages of a language.

    Parsing the TOML files takes ~6 ms of every start, so each language folder also holds
    ``compiled.json`` (``python -m fever_desk.i18n`` writes it; a test keeps it current).  It is used
    only when its fingerprint matches the TOML files byte for byte: an edited catalogue is always
    read from its TOML, never from a stale copy.
    """
    if language == "en":
        return {}
    sources = _sources(language)
    try:
        compiled = json.loads((LOCALES / language / COMPILED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        compiled = None
    if isinstance(compiled, dict) and compiled.get("sources") == _fingerprint(sources):
        return dict(compiled["messages"])
    return _parse(sources)


def compile_catalogues() -> list[Path]:
    """Write each language's ``compiled.json`` from its TOML files; returns the files written."""
    written = []
    for language in LANGUAGES:
        if language == "en":
            continue
        sources = _sources(language)
        target = LOCALES / language / COMPILED
        body = {"sources": _fingerprint(sources), "messages": _parse(sources)}
        target.write_text(json.dumps(body, ensure_ascii=False, indent=0, sort_keys=True) + "\n", "utf-8")
        written.append(target)
    return written


def set_language(language: str) -> None:
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    _current = language


def pin_language(language: str | None) -> None:
    """Use ``language`` for this run whatever :func:`set_language` is told later (None unpins).

    The command line's ``--language`` must win over the settings file, which commands load (and which
    calls :func:`set_language`) at different moments of their work.
    """
    global _pinned
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    _pinned = language


def current_language() -> str:
    return _pinned or _current


def tr(text: str, /, **values: object) -> str:
    """Translate ``text`` into the current language and fill ``{placeholders}`` from ``values``."""
    translated = catalogue(_pinned or _current).get(text, text)
    return translated.format(**values) if values else translated


def tr_in(language: str, text: str, /, **values: object) -> str:
    """Translate into a given language, for output that must not follow the UI (slips, reports)."""
    translated = catalogue(language).get(text, text) if language in LANGUAGES else text
    return translated.format(**values) if values else translated


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"wrote {path}")
