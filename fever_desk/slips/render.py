"""Draw a :class:`SlipContent` as PDF bytes with reportlab: an 80 mm thermal roll or an A5 sheet.

The layout is a single column laid out in two passes: first every line is wrapped and measured, then drawn.
Measuring first is what lets the 80 mm page be exactly as tall as its content (a thermal printer cuts where
the page ends, so a fixed height would waste paper or cut off the QR code); A5 instead starts a new page
when one is full.  Text is wrapped by hand, character by character for Chinese and word by word for Latin
runs, because reportlab's ``simpleSplit`` only breaks at spaces and Chinese has none; this also keeps a
render around a few milliseconds, which platypus would not.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from fever_desk.slips.content import SlipContent, format_time
from fever_desk.slips.fonts import SlipFont, resolve_font
from fever_desk.slips.qr import draw_qr, qr_matrix


@dataclass(frozen=True)
class Layout:
    """Page and type sizes in points; ``height`` None means "as tall as the content" (roll paper)."""

    name: str
    width: float
    height: float | None
    margin: float
    body: float
    small: float
    title: float
    emphasis: float
    qr: float
    qr_in_header: bool  # A5: beside the title, to keep one page; 80 mm: at the foot, full width


LAYOUTS: dict[str, Layout] = {
    # 80 mm rolls print about 72 mm wide; 8.5 pt stays legible on 203 dpi heads.
    "80mm": Layout("80mm", 80 * mm, None, 4 * mm, 8.5, 7.0, 13.0, 11.0, 30 * mm, False),
    "a5": Layout("a5", A5[0], A5[1], 10 * mm, 9.5, 7.5, 15.0, 12.0, 32 * mm, True),
}
_TOKENS = re.compile(r"[!-~°]+ *| +|.")
_NO_LINE_START = set("，。、；：！？）》」』】,.;:!?)%")


class _Advances(dict[str, float]):
    """One font's advance widths at 1 pt, filled on first use of each character."""

    def __init__(self, font: str) -> None:
        super().__init__()
        self.font = font

    def __missing__(self, ch: str) -> float:
        self[ch] = width = pdfmetrics.stringWidth(ch, self.font, 1.0)
        return width


_ADVANCES: dict[str, _Advances] = {}


def _width(text: str, font: str, size: float) -> float:
    """``pdfmetrics.stringWidth`` from a per-font table of character widths.  Line breaking measures every
    token and Chinese breaks between any two characters, so a slip asks for about 900 widths; reportlab's
    TrueType path looks each up through the font registry and its glyph tables every time, which was a
    fifth of the time to render a Chinese slip.  Neither font kerns, so the sum is the same width."""
    table = _ADVANCES.get(font)
    if table is None:
        table = _ADVANCES[font] = _Advances(font)
    return sum(map(table.__getitem__, text)) * size


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaking: Latin runs stay whole when they fit, Chinese breaks between any two characters,
    and closing punctuation never starts a line (it may overhang the margin by one character instead)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0.0
        for token in _TOKENS.findall(paragraph):
            if not line and token.isspace():
                continue
            w = _width(token.rstrip(), font, size)
            if used + w <= width or (line and len(token.rstrip()) == 1 and token[0] in _NO_LINE_START):
                line, used = line + token, used + _width(token, font, size)
                continue
            if w > width:  # a run longer than the line: break it by characters
                for ch in token:
                    cw = _width(ch, font, size)
                    if used + cw > width and line:
                        lines.append(line.rstrip())
                        line, used = "", 0.0
                    line, used = line + ch, used + cw
                continue
            lines.append(line.rstrip())
            line, used = token.lstrip(), _width(token.lstrip(), font, size)
        lines.append(line.rstrip())
    return lines


_Draw = Callable[[Canvas, float, float], None]  # canvas, left x, top y


class _Flow:
    """A column of measured blocks: ``(height, draw)`` pairs, laid out once and drawn once."""

    def __init__(self, layout: Layout, font: str, language: str) -> None:
        self.layout, self.font = layout, font
        self.width = layout.width - 2 * layout.margin
        self.blocks: list[tuple[float, _Draw]] = []
        self.sep = "：" if language.startswith("zh") else ": "
        # gbsn00lp (GB 2312) has no "•"; the standard PDF fonts have no charToGlyph but do have "•".
        glyphs = getattr(getattr(pdfmetrics.getFont(font), "face", None), "charToGlyph", None)
        self.bullet = "•" if glyphs is None or ord("•") in glyphs else "·"

    def _lines(self, lines: Sequence[str], size: float, indent: float, *, center: bool, bold: bool) -> None:
        leading = size * 1.3
        font = self.font

        def draw(c: Canvas, x: float, top: float) -> None:
            text = c.beginText()
            text.setFont(font, size, leading)
            if bold:  # most CJK system fonts have no bold face: stroke the outline to thicken it
                text.setTextRenderMode(2)
                c.setLineWidth(size * 0.04)
            for i, line in enumerate(lines):
                dx = (self.width - _width(line, font, size)) / 2 if center else indent * (i > 0)
                text.setTextOrigin(x + dx, top - size - i * leading)
                text.textOut(line)
            if bold:
                text.setTextRenderMode(0)  # the mode outlives the text object; later lines are plain
            c.drawText(text)

        self.blocks.append((leading * len(lines), draw))

    def text(self, text: str, size: float, *, center: bool = False, bold: bool = False) -> None:
        self._lines(wrap(text, self.font, size, self.width), size, 0, center=center, bold=bold)

    def field(self, label: str, value: str, size: float | None = None) -> None:
        """``label：value`` with continuation lines hanging under the value."""
        size = size or self.layout.body
        head = label + self.sep
        indent = _width(head, self.font, size)
        lines = wrap(value or "-", self.font, size, self.width - indent)
        self._lines([head + lines[0], *lines[1:]], size, indent, center=False, bold=False)

    def fields(self, *pairs: tuple[str, str]) -> None:
        """Several short ``label：value`` pairs on one line, wrapped like text when they do not fit."""
        self.text("    ".join(f"{label}{self.sep}{value or '-'}" for label, value in pairs), self.layout.body)

    def items(self, label: str, items: Sequence[str], none: str, numbered: bool = False) -> None:
        if not items:
            self.field(label, none)
            return
        size = self.layout.body
        self._lines([label + self.sep], size, 0, center=False, bold=False)
        for n, item in enumerate(items, 1):
            mark = f"{n}. " if numbered else f"{self.bullet} "
            indent = _width(mark, self.font, size)
            lines = wrap(item, self.font, size, self.width - indent)
            self._lines([mark + lines[0], *lines[1:]], size, indent, center=False, bold=False)

    def space(self, height: float) -> None:
        self.blocks.append((height, lambda c, x, top: None))

    def rule(self) -> None:
        def draw(c: Canvas, x: float, top: float) -> None:
            c.setLineWidth(0.5)
            c.line(x, top - 3, x + self.width, top - 3)

        self.blocks.append((6.0, draw))

    def _child(self, width: float) -> _Flow:
        child = _Flow(self.layout, self.font, "")
        child.width, child.sep, child.bullet = width, self.sep, self.bullet
        return child

    def _draw_all(self, c: Canvas, x: float, top: float) -> None:
        for h, block in self.blocks:
            block(c, x, top)
            top -= h

    def beside_qr(self, build: Callable[[_Flow], None], payload: str, caption: str) -> None:
        """Blocks on the left and the QR code on the right, as one block."""
        side = self.layout.qr
        left, right = self._child(self.width - side - 4 * mm), self._child(side)
        build(left)
        right.qr(payload, caption)
        height = max(sum(h for h, _ in left.blocks), sum(h for h, _ in right.blocks))

        def draw(c: Canvas, x: float, top: float) -> None:
            left._draw_all(c, x, top)
            right._draw_all(c, x + self.width - side, top)

        self.blocks.append((height, draw))

    def boxed(self, build: Callable[[_Flow], None]) -> None:
        """Blocks drawn inside a frame; kept together so a page break never splits the outcome."""
        pad = 4.0
        inner = self._child(self.width - 2 * pad)
        build(inner)
        height = sum(h for h, _ in inner.blocks) + 2 * pad

        def draw(c: Canvas, x: float, top: float) -> None:
            c.setLineWidth(1.2)
            c.rect(x, top - height, self.width, height, stroke=1, fill=0)
            inner._draw_all(c, x + pad, top - pad)

        self.blocks.append((height + 2, draw))

    def qr(self, payload: str, caption: str) -> None:
        matrix = qr_matrix(payload)
        side, size = self.layout.qr, self.layout.small
        caption_lines = wrap(caption, self.font, size, self.width)

        def draw(c: Canvas, x: float, top: float) -> None:
            draw_qr(c, matrix, x + (self.width - side) / 2, top, side)

        self.blocks.append((side + 2, draw))
        self._lines(caption_lines, size, 0, center=True, bold=False)


def _build(content: SlipContent, flow: _Flow) -> None:
    lay, lab = flow.layout, content.labels
    center = not lay.qr_in_header
    caption = f"{lab['verify']} {content.key_fingerprint}"

    def header(head: _Flow) -> None:
        if content.institution:
            head.text(content.institution, lay.body, center=center)
        head.text(lab["title"], lay.title, center=center, bold=True)
        head.text(f"{lab['number']} {content.slip_number}", lay.emphasis, center=center, bold=True)
        head.space(3)
        head.field(lab["station"], content.station)
        head.field(lab["issued"], format_time(content.issued_at))

    if lay.qr_in_header:
        flow.beside_qr(header, content.qr_payload, caption)
    else:
        header(flow)
    flow.rule()
    flow.fields((lab["name"], content.name), (lab["sex"], content.sex), (lab["age"], content.age))
    flow.field(lab["id_number"], content.id_number)
    flow.field(lab["phone"], content.phone)
    flow.field(lab["temperature"], content.temperature)
    flow.items(lab["symptoms"], content.symptoms, lab["none"])
    flow.items(lab["epidemiological"], content.epidemiological, lab["none"])
    flow.space(3)

    def outcome(inner: _Flow) -> None:
        inner.text(content.disposition_label, lay.emphasis, bold=True)
        inner.items(lab["reasons"], content.reasons, lab["none"])

    flow.boxed(outcome)
    flow.space(2)
    flow.field(lab["hospital"], content.hospital_name, lay.emphasis)
    flow.field(lab["address"], content.hospital_address)
    flow.field(lab["hospital_phone"], content.hospital_phone)
    flow.items(lab["instructions"], content.instructions, lab["none"], numbered=True)
    flow.rule()
    flow.fields((lab["operator"], content.operator), (lab["hotline"], content.hotline))
    if not lay.qr_in_header:
        flow.space(4)
        flow.qr(content.qr_payload, caption)


def render_slip(content: SlipContent, layout: str = "80mm", *, font: SlipFont | str | None = None) -> bytes:
    """PDF bytes for ``content``.  ``font`` is a resolved :class:`SlipFont` (default: :func:`resolve_font`
    with the system paths) or the name of a font already registered with reportlab (the benchmark's
    Helvetica baseline).  Raises ``KeyError`` for an unknown layout and ``FontNotFound``."""
    lay = LAYOUTS[layout]
    if font is None:
        font = resolve_font()
    font_name = font.name if isinstance(font, SlipFont) else font
    flow = _Flow(lay, font_name, content.language)
    _build(content, flow)
    total = sum(h for h, _ in flow.blocks)
    page_height = lay.height or total + 2 * lay.margin
    out = io.BytesIO()
    c = Canvas(out, pagesize=(lay.width, page_height), pageCompression=1, initialFontName=font_name)
    c.setTitle(f"{content.labels['title']} {content.slip_number}")  # no patient data in the metadata
    c.setCreator("fever_desk")
    y = page_height - lay.margin
    for height, draw in flow.blocks:
        if y - height < lay.margin and y < page_height - lay.margin:
            c.showPage()
            y = page_height - lay.margin
        draw(c, lay.margin, y)
        y -= height
    c.showPage()
    c.save()
    return out.getvalue()
