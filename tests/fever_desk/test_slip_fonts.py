"""The shipped font as embedded in a PDF: the station's faster subsetting gives reportlab's exact bytes, and
line breaking measures text as reportlab does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFontFile

from fever_desk.slips import clear_font_cache, resolve_font
from fever_desk.slips.font_subset import make_subset


@pytest.fixture
def face() -> Iterator[TTFontFile]:
    clear_font_cache()
    yield pdfmetrics.getFont(resolve_font().name).face
    clear_font_cache()


SUBSETS = {
    "slip words": "预检分诊转诊单姓名性别年龄体温°C 38.6 咳嗽乏力疑似病例定点救治医院（北院）：12320",
    "ascii first": "".join(chr(c) for c in range(128)) + "发热门诊",
    "rare and missing": "喆堃镕𠀀\U0001f600ÿé",  # GBK beyond GB 2312, then characters the font lacks
    "composite-heavy": "疑凝擬礙嶷薿鬞" * 3,
}


@pytest.mark.parametrize("name", SUBSETS)
def test_the_subset_is_byte_for_byte_what_reportlab_makes(face: TTFontFile, name: str) -> None:
    codes = list(dict.fromkeys(ord(ch) for ch in SUBSETS[name]))[:256]
    reference = TTFontFile.makeSubset(face, codes)
    cache: dict = {}
    assert make_subset(face, codes, cache) == reference
    assert make_subset(face, codes, cache) == reference  # and again from the glyphs it kept
    if name == "composite-heavy":
        assert any(components for _, components in cache.values())  # composites were exercised


@pytest.mark.parametrize("font_name", ["shipped", "Helvetica"])
def test_line_breaking_measures_text_as_reportlab_does(face: TTFontFile, font_name: str) -> None:
    from fever_desk.slips.render import _width, wrap

    font = resolve_font().name if font_name == "shipped" else font_name
    text = "体温 38.6°C，达到发热标准（≥37.3°C）; Wear a medical mask all the way 全程佩戴医用口罩" * 3
    for sample in (text, "", "A", "发", text[:17]):
        assert _width(sample, font, 8.5) == pytest.approx(pdfmetrics.stringWidth(sample, font, 8.5))
    lines = wrap(text, font, 8.5, 150)
    assert len(lines) > 3
    assert all(pdfmetrics.stringWidth(line, font, 8.5) <= 150 + 8.5 for line in lines)  # overhang ≤ 1 char
