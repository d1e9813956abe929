"""Make the font the station ships: WenQuanYi Micro Hei cut down to GBK, Latin and punctuation.

    pip install fonttools   (a build-time tool only: the station reads the result with reportlab)
    python installer/subset_font.py [/usr/share/fonts/truetype/wqy/wqy-microhei.ttc]

Why a subset of WenQuanYi Micro Hei: it has TrueType outlines (reportlab embeds nothing else), Latin
letters, digits and ° drawn to match its Hanzi (Droid Sans Fallback, which it is built on, has no Latin
at all, so "38.6°C" would print as boxes), and it may be used under the Apache License 2.0.  Cutting the
5 MB collection to the GBK repertoire (every GB 2312 character plus the 21 000 Hanzi of GBK, which the
rarer characters of people's names need) halves the file and the one-off registration time (64 → 34 ms);
the time to render a slip is the same with either file, because reportlab embeds only the glyphs used.
The output is written to ``fever_desk/data/fonts/`` beside its licence; rerun this after changing it.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian's fonts-wqy-microhei
TARGET = Path(__file__).resolve().parents[1] / "fever_desk" / "data" / "fonts" / "WenQuanYiMicroHei-GBK.ttf"


def repertoire() -> set[int]:
    """Code points kept: printable ASCII and Latin-1, GBK (which contains GB 2312), general
    punctuation, CJK symbols and full-width forms."""
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    # Both codecs: they differ on a few symbols (GB 2312's A1A4 is U+30FB in one, U+00B7 in the other).
    for codec in ("gb2312", "gbk"):
        for high in range(0x81, 0xFF):
            for low in range(0x40, 0xFF):
                with contextlib.suppress(UnicodeDecodeError):
                    chars.add(ord(bytes((high, low)).decode(codec)))
    chars |= set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    return chars


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else SOURCE
    options = subset.Options()
    options.layout_features = []  # reportlab neither reads nor embeds GSUB/GPOS
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    # face 0 of the collection (the proportional Micro Hei); the source's timestamp is kept, so rerunning
    # on the same file gives the same bytes.
    font = TTFont(source, fontNumber=0, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=repertoire())
    subsetter.subset(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(TARGET)
    digest = hashlib.sha256(TARGET.read_bytes()).hexdigest()
    print(f"{TARGET}: {TARGET.stat().st_size} bytes, {len(font.getBestCmap())} characters, sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
