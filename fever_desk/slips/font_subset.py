"""The font program reportlab embeds for each subset of a TrueType font, made with the glyphs parsed once.

reportlab's ``TTFontFile.makeSubset`` re-reads, for every PDF, each glyph it embeds and each component of
a composite glyph out of the font file (the shipped font builds most Hanzi from shared components), in
pure Python; that was the largest part of the time to render a slip after compression.  :func:`make_subset`
produces the same bytes (a test compares them with reportlab's) but keeps what it learns of each glyph
(its outline bytes and where its component references sit) for the next document: a slip uses a few
hundred glyphs of the same font all day.
"""

from __future__ import annotations

import contextlib
from struct import pack, unpack

from reportlab.pdfbase.ttfonts import (
    GF_ARG_1_AND_2_ARE_WORDS,
    GF_MORE_COMPONENTS,
    GF_WE_HAVE_A_SCALE,
    GF_WE_HAVE_A_TWO_BY_TWO,
    GF_WE_HAVE_AN_X_AND_Y_SCALE,
    TTFontFile,
    TTFontMaker,
    _set_ushort,
)

# glyph index -> (outline bytes, ((offset of a component's glyph index in those bytes, component glyph), …))
GlyphCache = dict[int, tuple[bytes, tuple[tuple[int, int], ...]]]


def _glyph(
    face: TTFontFile, index: int, glyf: bytes, cache: GlyphCache
) -> tuple[bytes, tuple[tuple[int, int], ...]]:
    known = cache.get(index)
    if known is not None:
        return known
    start = face.glyphPos[index]
    data = glyf[start : face.glyphPos[index + 1]]
    components: list[tuple[int, int]] = []
    if len(data) > 2 and unpack(">h", data[:2])[0] < 0:  # a composite: a list of other glyphs, placed
        at = 10  # after numberOfContours and the bounding box
        flags = GF_MORE_COMPONENTS
        while flags & GF_MORE_COMPONENTS:
            flags, component = unpack(">HH", data[at : at + 4])
            components.append((at + 2, component))
            at += 4 + (4 if flags & GF_ARG_1_AND_2_ARE_WORDS else 2)
            if flags & GF_WE_HAVE_A_SCALE:
                at += 2
            elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
                at += 4
            elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
                at += 8
    cache[index] = known = (data, tuple(components))
    return known


def make_subset(face: TTFontFile, subset: list[int], cache: GlyphCache) -> bytes:
    """The TrueType file for ``subset`` (code points, in the order of their one-byte codes), as
    ``face.makeSubset(subset)`` makes it."""
    glyf = face.get_table("glyf")
    glyph_map = [0]  # new glyph index -> original; 0 is the "missing character" glyph
    glyph_set = {0: 0}  # original -> new
    code_to_glyph = {}
    for code in subset:
        original = face.charToGlyph.get(code, 0)
        if original not in glyph_set:
            glyph_set[original] = len(glyph_map)
            glyph_map.append(original)
        code_to_glyph[code] = glyph_set[original]
    n = 0
    while n < len(glyph_map):  # components of composites join the subset, and may have components too
        for _, component in _glyph(face, glyph_map[n], glyf, cache)[1]:
            if component not in glyph_set:
                glyph_set[component] = len(glyph_map)
                glyph_map.append(component)
        n += 1

    output = TTFontMaker()
    for tag in ("name", "OS/2", "cvt ", "fpgm", "prep"):
        with contextlib.suppress(KeyError):  # cvt, fpgm and prep are optional
            output.add(tag, face.get_table(tag))
    output.add("post", b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16)

    glyphs = len(glyph_map)
    hmtx: list[int] = []
    for original in glyph_map:
        advance, left = face.hmetrics[original]
        hmtx += (int(advance), int(left))
    n = len(hmtx) - 2  # a run of equal advances at the end is stored once (numberOfHMetrics)
    while n and hmtx[n] == hmtx[n - 2]:
        n -= 2
    n += 2
    full_metrics = n >> 1
    hmtx = hmtx[:n] + hmtx[n + 1 :: 2]
    output.add("hmtx", pack(f">{len(hmtx)}H", *hmtx))
    output.add("hhea", _set_ushort(face.get_table("hhea"), 34, full_metrics))
    output.add("maxp", _set_ushort(face.get_table("maxp"), 4, glyphs))

    cmap = [0, 1, 1, 0, 0, 12, 6, 10 + len(subset) * 2, 0, 0, len(subset)]  # one format-6 table
    cmap += [code_to_glyph[code] for code in subset]
    output.add("cmap", pack(f">{len(cmap)}H", *cmap))

    offsets: list[int] = []
    parts: list[bytes] = []
    pos = 0
    for original in glyph_map:
        offsets.append(pos)
        data, components = _glyph(face, original, glyf, cache)
        if components:
            patched = bytearray(data)
            for at, component in components:
                patched[at : at + 2] = pack(">H", glyph_set[component])
            data = bytes(patched)
        parts.append(data)
        pos += len(data)
        if pos % 4:
            parts.append(b"\0" * (4 - pos % 4))
            pos += 4 - pos % 4
    offsets.append(pos)
    output.add("glyf", b"".join(parts))
    if (pos + 1) >> 1 > 0xFFFF:
        long_offsets = 1
        loca = pack(f">{len(offsets)}L", *offsets)
    else:
        long_offsets = 0
        loca = pack(f">{len(offsets)}H", *(offset >> 1 for offset in offsets))
    output.add("loca", loca)
    output.add("head", _set_ushort(face.get_table("head"), 50, long_offsets))
    return output.makeStream()
