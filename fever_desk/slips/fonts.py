"""Find a Chinese TrueType font and register it with reportlab, once per process.

The station ships its own font, WenQuanYi Micro Hei cut down to GBK (Apache 2.0, licence beside it in
``fever_desk/data/fonts/``, made by ``installer/subset_font.py``), and uses it unless the settings name
another: a slip printed at one counter then looks the same as one printed at any other, and a fresh PC
needs no font package.  The system fonts below are only a fallback for an installation whose shipped
file was removed or damaged.

A slip without a Chinese font would print as rows of empty boxes, which the hospital cannot read and the
nurse may not notice before the patient has left; so when no usable font is found we refuse to print with
:class:`FontNotFound`, naming what to install, rather than fall back to a Latin font.

reportlab embeds TrueType outlines only (``.ttf``, ``.ttc``); the CFF-based ``.otf``/``.ttc`` files such as
Noto Sans CJK are refused by reportlab when registered, and are skipped here.  A ``.ttc`` collection is
opened at ``subfontIndex`` (0 is the regular face of msyh, simsun and wqy-microhei).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont, TTFontFace

from fever_desk.problems import Problem
from fever_desk.slips.font_subset import make_subset

# The shipped font (TrueType outlines; GBK, so all of GB 2312, plus Latin-1 and punctuation).  Module-level
# so tests can take it away to simulate a damaged installation.
SHIPPED_FONT: Path = Path(__file__).resolve().parent.parent / "data" / "fonts" / "WenQuanYiMicroHei-GBK.ttf"

_WINDOWS_FONTS = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"

# Searched in order after the configured path and the shipped font.  Module-level so tests (and packagers)
# can replace it.
SYSTEM_FONT_PATHS: list[Path] = [
    _WINDOWS_FONTS / "msyh.ttc",
    _WINDOWS_FONTS / "simsun.ttc",
    _WINDOWS_FONTS / "simhei.ttf",
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/System/Library/Fonts/Supplemental/Arial Unicode.ttf"),
    Path("/Library/Fonts/Arial Unicode.ttf"),
]
# Ask fontconfig as a last resort on Linux; tests switch it off to simulate a bare machine.
USE_FC_LIST = True
# Characters every usable font must draw; a Latin font that happens to be named .ttc fails here.
_PROBE = "发热门诊姓名"


class FontNotFound(Problem, RuntimeError):
    """No Chinese TrueType font could be registered (a :class:`fever_desk.problems.Problem`)."""

    template = (
        "No Chinese TrueType font (.ttf or .ttc) was found for printing slips; looked in: {paths}. "
        "On Debian or Ubuntu run: apt-get install fonts-wqy-microhei. On Windows, Microsoft YaHei "
        "(C:\\Windows\\Fonts\\msyh.ttc) ships with Windows. Or set the slip font path in the settings."
    )

    def __init__(self, searched: list[str]) -> None:
        super().__init__(paths=", ".join(searched) or "-")


@dataclass(frozen=True)
class SlipFont:
    """A registered font: ``name`` is what reportlab's canvas uses; path and index say where it came from."""

    name: str
    path: Path
    subfont_index: int

    @property
    def shipped(self) -> bool:
        """True for the font the station carries itself (the default), False for a system font."""
        return self.path == SHIPPED_FONT


def _fc_list() -> list[Path]:
    exe = shutil.which("fc-list")
    if not USE_FC_LIST or exe is None:
        return []
    try:
        out = subprocess.run(
            [exe, ":lang=zh-cn", "file"],
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = {Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()}
    return sorted(p for p in found if p.suffix.lower() in (".ttf", ".ttc"))


class _QuickFlate(pdfdoc.PDFStreamFilterZCompress):
    """Deflate at level 1 instead of zlib's default 6.

    The embedded glyph outlines (about 50 KB for a slip) were the largest cost of rendering one: level 6
    spent 3.6 ms on them for a stream 6 % smaller than level 1 gives in 0.8 ms (32 KB against 34 KB)."""

    def encode(self, text: str | bytes) -> bytes:
        return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, 1)


_QUICK_FLATE = _QuickFlate()


class _SlipFontFace(TTFontFace):
    """reportlab's font face, made cheaper per document: each embedded subset's font program is deflated
    by :class:`_QuickFlate`, the font's tables are sliced out of the file once, not for every PDF, and
    the subset is assembled from glyphs parsed once (:mod:`.font_subset`)."""

    def get_table(self, tag: str) -> bytes:
        # reportlab copies the whole ``glyf`` table (2.7 MB for the shipped font) out of the file data for
        # every subset it embeds, to take a few hundred glyphs from it.  The file never changes.
        tables: dict[str, bytes] = self.__dict__.setdefault("_tables", {})
        if tag not in tables:
            tables[tag] = super().get_table(tag)
        return tables[tag]

    def makeSubset(self, subset: list[int]) -> bytes:
        return make_subset(self, subset, self.__dict__.setdefault("_glyphs", {}))

    def addSubsetObjects(self, doc: pdfdoc.PDFDocument, fontname: str, subset: list[int]) -> object:
        reference = super().addSubsetObjects(doc, fontname, subset)
        stream = doc.idToObject.get(f"fontFile:{self.filename}({fontname})")
        if stream is not None and stream.filters == [pdfdoc.PDFZCompress]:
            stream.filters = [_QUICK_FLATE]
        return reference


def _try_register(path: Path, index: int) -> SlipFont | None:
    if not path.is_file() or path.suffix.lower() not in (".ttf", ".ttc"):
        return None
    name = f"FeverDeskCJK-{zlib.crc32(f'{path}#{index}'.encode()):08x}"
    try:
        # asciiReadable=False: only the glyphs a document uses are embedded, not always all 128 ASCII
        # ones; a slip's ~240 different characters then fit one subset (one font program, not two).
        font = TTFont(name, str(path), subfontIndex=index, asciiReadable=False)
    except (TTFError, OSError, ValueError, KeyError):
        return None  # CFF outlines, a damaged file, or an index the collection does not have
    if not all(ord(ch) in font.face.charToGlyph for ch in _PROBE):
        return None
    font.face.__class__ = _SlipFontFace  # same data, one method more (TTFont makes its face itself)
    pdfmetrics.registerFont(font)
    return SlipFont(name, path, index)


@cache
def _resolve(configured: str | None, subfont_index: int) -> SlipFont:
    candidates: list[tuple[Path, int]] = []
    if configured:
        candidates.append((Path(configured).expanduser(), subfont_index))
    candidates += [(SHIPPED_FONT, 0), *((p, 0) for p in SYSTEM_FONT_PATHS)]
    searched = [str(p) for p, _ in candidates]
    for path, index in candidates:
        if (font := _try_register(path, index)) is not None:
            return font
    for path in _fc_list():
        if (font := _try_register(path, 0)) is not None:
            return font
    raise FontNotFound([*searched, "fc-list :lang=zh-cn"] if USE_FC_LIST else searched)


def resolve_font(configured: str | os.PathLike[str] | None = None, subfont_index: int = 0) -> SlipFont:
    """The font for slips and every PDF: ``configured`` (the settings' ``slip_font_path``) when it can
    draw Chinese, else the shipped font; only if that is missing, the usual Windows, Debian and macOS
    paths, then fc-list.

    Registration parses a multi-megabyte file (35–55 ms for the shipped font here), so the result is cached:
    call this once at start-up or before the first print, and every later slip reuses it.
    Raises :class:`FontNotFound`.
    """
    return _resolve(os.fspath(configured) if configured else None, subfont_index)


def clear_font_cache() -> None:
    """Forget the resolved font (after the settings change the path, and in tests)."""
    _resolve.cache_clear()


def printable(text: str) -> str:
    """Text as the slip fonts can draw it: house style is "°C", and wqy-microhei has no real glyph for ℃."""
    return text.replace("℃", "°C")
