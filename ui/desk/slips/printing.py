"""Printing a slip's PDF on any system printer through Qt, by rasterising it with pypdfium2.

PySide6-Essentials has no QtPdf, and the PDF from ``fever_desk.slips`` must be the one source of truth, so
the pages are rendered to greyscale images at the printer's resolution (capped: a PDF "printer" reports
1200 dpi, which would mean 150 MB for one roll slip) and painted onto the ``QPrinter``.  The page size is
taken from the PDF itself: the 80 mm roll slip is exactly as tall as its content, and A5 maps to the
driver's A5 paper.

Threads: Qt allows ``QPainter`` on a ``QPrinter`` or ``QImage`` outside the GUI thread (dialogs, pixmaps and
widgets are GUI-only), so :func:`print_pdf` runs on the slip worker while the GUI thread keeps its hands off
that printer.  pdfium itself is not thread-safe, hence one lock around every use.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from fever_desk.model import Screening
from fever_desk.problems import Problem
from fever_desk.settings import Settings
from ui.services import slips as slip_service

if TYPE_CHECKING:
    from fever_desk.slips import IssuedSlip

MAX_RASTER_DPI = 600  # laser printers; thermal heads are 203 dpi, and more only costs memory
PREVIEW_DPI = 200
_POINTS_PER_INCH = 72.0
_PDFIUM_LOCK = threading.Lock()


class PrintProblem(Problem, RuntimeError):
    """A printer that cannot be used (a :class:`fever_desk.problems.Problem`)."""

    template = "The printer cannot be used."


class NoPrinter(PrintProblem):
    template = "No printer named '{name}' is installed. Choose another printer in the settings."


class NoDefaultPrinter(PrintProblem):
    template = "No printer is installed on this computer, or none is set as the default."


class PrintFailed(PrintProblem):
    template = "Printing on {printer} failed. Check that the printer is on, has paper and is connected."


@dataclass(frozen=True)
class RasterPage:
    """One PDF page as a greyscale image, with the page's own size in points (1/72 inch)."""

    image: QImage
    width_pt: float
    height_pt: float


def printer_names() -> list[str]:
    """The system's print queues (Windows printers, CUPS queues), as the print dialog lists them."""
    return list(QPrinterInfo.availablePrinterNames())


def default_printer_name() -> str:
    return QPrinterInfo.defaultPrinterName()


def make_printer(name: str = "") -> QPrinter:
    """A high-resolution printer for the queue ``name``; "" means the system's default printer."""
    info = QPrinterInfo.printerInfo(name) if name else QPrinterInfo.defaultPrinter()
    if info.isNull():
        raise NoPrinter(name=name) if name else NoDefaultPrinter()
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


def pdf_printer(path: str, resolution: int = 203) -> QPrinter:
    """A printer writing a PDF file: what tests print to, and how a print can be checked by eye."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    printer.setResolution(resolution)
    return printer


def printer_label(printer: QPrinter) -> str:
    """What the print record names: the queue, or the file for a PDF printer."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return f"PDF: {printer.outputFileName()}"
    return printer.printerName()


def rasterise(pdf: bytes, dpi: float) -> list[RasterPage]:
    """Every page of ``pdf`` as a greyscale image at ``dpi``; safe on any thread (QImage, not QPixmap)."""
    import pypdfium2 as pdfium  # loaded on first use, on the slip worker

    pages: list[RasterPage] = []
    with _PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            for page in document:
                width, height = page.get_size()
                bitmap = page.render(scale=dpi / _POINTS_PER_INCH, grayscale=True)
                image = QImage(
                    bitmap.buffer,
                    bitmap.width,
                    bitmap.height,
                    bitmap.stride,
                    _image_format(bitmap.n_channels),
                ).copy()  # copy: the bitmap's buffer is freed with the document
                pages.append(
                    RasterPage(image.convertToFormat(QImage.Format.Format_Grayscale8), width, height)
                )
                page.close()
        finally:
            document.close()
    return pages


def _image_format(channels: int) -> QImage.Format:
    return {
        1: QImage.Format.Format_Grayscale8,
        3: QImage.Format.Format_BGR888,
        4: QImage.Format.Format_RGB32,
    }[channels]


def page_layout(width_pt: float, height_pt: float) -> QPageLayout:
    """Portrait, no margins, the PDF's own size; A5 is named so the driver picks its A5 paper."""
    a5 = QPageSize(QPageSize.PageSizeId.A5).size(QPageSize.Unit.Point)
    if abs(width_pt - a5.width()) < 2 and abs(height_pt - a5.height()) < 2:
        size = QPageSize(QPageSize.PageSizeId.A5)
    else:
        size = QPageSize(
            QSizeF(width_pt, height_pt), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.ExactMatch
        )
    return QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))


def fit_rect(
    image_w: float, image_h: float, paper_w: float, paper_h: float
) -> tuple[float, float, float, float]:
    """Where a page image goes on the paper: ``(x, y, width, height)``, never stretched.

    Many POS-80 drivers ignore the custom paper length and hand over a fixed page (80 × 297 mm, or
    whatever the driver was set to): stretching the slip to that rectangle distorted the text and made
    the QR code unscannable.  The image keeps its aspect ratio: scaled to the paper's width and put at
    the top (a roll is cut after the content), or, when that is taller than the page, shrunk until it
    fits and centred across — one whole slip rather than a slip cut in two between pages, with its
    QR code intact.
    """
    if min(image_w, image_h, paper_w, paper_h) <= 0:
        raise ValueError("page and paper sizes must be positive")
    scale = min(paper_w / image_w, paper_h / image_h)
    width, height = image_w * scale, image_h * scale
    return (paper_w - width) / 2, 0.0, width, height


def paint_pages(printer: QPrinter, pages: Sequence[RasterPage], *, set_page_size: bool = True) -> None:
    """Paint the images, one per page, as large as the page allows without distorting them
    (:func:`fit_rect`).  ``set_page_size=False`` for a print preview, whose page size Qt fixed before
    asking for the pages."""
    if not pages:
        raise ValueError("nothing to print: the PDF has no pages")
    if set_page_size:
        printer.setFullPage(True)
        printer.setPageLayout(page_layout(pages[0].width_pt, pages[0].height_pt))
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed(printer=printer_label(printer) or "?")
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        for number, page in enumerate(pages):
            if number:
                if set_page_size:
                    printer.setPageLayout(page_layout(page.width_pt, page.height_pt))
                if not printer.newPage():
                    raise PrintFailed(printer=printer_label(printer) or "?")
            paper = printer.paperRect(QPrinter.Unit.DevicePixel)
            target = fit_rect(page.width_pt, page.height_pt, paper.width(), paper.height())
            painter.drawImage(QRectF(*target), page.image)
    finally:
        painter.end()
    if printer.printerState() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
        raise PrintFailed(printer=printer_label(printer) or "?")


def print_pdf(pdf: bytes, printer: QPrinter, *, max_dpi: int = MAX_RASTER_DPI) -> str:
    """Rasterise ``pdf`` at the printer's resolution and print it; returns :func:`printer_label`.

    Blocking (rendering, then the spooler): call it on the slip worker, never on the GUI thread."""
    dpi = max(72, min(printer.resolution(), max_dpi))
    paint_pages(printer, rasterise(pdf, dpi))
    return printer_label(printer)


def print_job(
    screening: Screening, settings: Settings, layout: str, printer: QPrinter
) -> tuple[slip_service.ArchivedSlip, str]:
    """The slip worker's print: sign and render, print, then archive what was printed (nothing is
    archived for a copy that never reached the printer).  Returns the archived slip and the printer."""
    slip = slip_service.issue(screening, settings, layout)
    label = print_pdf(slip.pdf, printer)
    return slip_service.archive(screening, slip), label


def preview_job(screening: Screening, settings: Settings, layout: str) -> tuple[IssuedSlip, list[RasterPage]]:
    """The slip worker's half of a preview: the slip and its pages as images, ready to paint quickly."""
    slip = slip_service.issue(screening, settings, layout)
    return slip, rasterise(slip.pdf, PREVIEW_DPI)
