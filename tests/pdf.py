"""Reading back the PDFs the station writes, as a person opening them would: the text, the page as an image,
the fonts embedded.

pypdfium2 (already a dependency of the station, which prints through it) does all of it in-process, so the
tests need neither poppler's ``pdftotext``/``pdftoppm`` nor any other system package.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium


def _document(pdf: bytes | Path) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(pdf.read_bytes() if isinstance(pdf, Path) else pdf)


def pdf_text(pdf: bytes | Path) -> str:
    """Every page's text, pages separated by a form feed as pdftotext does; lines end with ``\\n``."""
    document = _document(pdf)
    try:
        pages = []
        for page in document:
            text_page = page.get_textpage()
            pages.append(text_page.get_text_bounded().replace("\r\n", "\n"))
            text_page.close()
            page.close()
        return "\f".join(pages)
    finally:
        document.close()


def page_png(pdf: bytes | Path, folder: Path, dpi: int = 203) -> Path:
    """The first page as a grey PNG at ``dpi`` (203: a thermal head, the coarsest a QR code must survive)."""
    folder.mkdir(parents=True, exist_ok=True)
    document = _document(pdf)
    try:
        page = document[0]
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        page.close()
    finally:
        document.close()
    path = folder / "page.png"
    image.save(path)
    return path


def embedded_fonts(pdf: bytes | Path) -> set[str]:
    """The names of the fonts whose glyphs are embedded in the file (subsets, tagged ``ABCDEF+`` by the
    PDF rules), without the tag.  The standard PDF fonts that reportlab names by default but that carry
    no glyphs (Helvetica for a chart's unused default) are not embedded, so not listed."""
    raw = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    return {name.decode() for name in re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([^\s/\]>]+)", raw)}
