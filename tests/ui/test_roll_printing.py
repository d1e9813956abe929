"""Slips on roll printers whose driver ignores the custom paper length: never stretched.

A POS-80 driver typically hands over a fixed page (80 × 297 mm, or 80 × 100 mm for a label setting)
whatever length the slip asked for.  Stretching the slip image to that page distorted the text and the
QR code; :func:`ui.desk.slips.printing.fit_rect` keeps the aspect ratio (full width, top of the roll; shrunk
and centred when the slip is longer than the page).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize

from fever_desk.slips import issue_slip
from tests.fever_desk import slip_cases
from tests.pdf import page_png
from ui.desk.slips.printing import fit_rect, paint_pages, pdf_printer, rasterise

MM = 72 / 25.4


def test_a_slip_shorter_than_the_page_keeps_its_shape_at_full_width() -> None:
    # an 80 mm slip, 200 mm long, on an 80 × 297 mm page at 203 dpi (device pixels)
    x, y, w, h = fit_rect(80 * MM, 200 * MM, 639, 2374)
    assert (x, y, w) == (0, 0, 639)
    assert h == pytest.approx(639 * 200 / 80)  # not 2374: no vertical stretch


def test_a_slip_longer_than_the_page_is_shrunk_whole_and_centred() -> None:
    x, y, w, h = fit_rect(80 * MM, 200 * MM, 639, 800)
    assert h == 800 and w == pytest.approx(800 * 80 / 200)
    assert x == pytest.approx((639 - w) / 2) and y == 0


@pytest.mark.parametrize(
    ("image", "paper"),
    [
        ((226.8, 566.9), (639, 2374)),
        ((226.8, 566.9), (639, 300)),
        ((419.5, 595.3), (4961, 7016)),
        ((419.5, 595.3), (576, 3000)),
    ],
)
def test_the_aspect_ratio_is_kept_and_the_image_stays_on_the_paper(image, paper) -> None:
    x, y, w, h = fit_rect(*image, *paper)
    assert w / h == pytest.approx(image[0] / image[1])
    assert x >= 0 and y >= 0 and x + w <= paper[0] + 1e-6 and y + h <= paper[1] + 1e-6
    assert w == pytest.approx(paper[0]) or h == pytest.approx(paper[1])  # as large as the page allows


def qr_box(pdf: bytes, tmp_path: Path) -> tuple[str, float, float]:
    """The QR code found on the printed page: its text and the width and height of its outline."""
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(page_png(pdf, tmp_path)))
    assert found, "no readable QR code on the printed page"
    p = found[0].position
    width = ((p.top_right.x - p.top_left.x) + (p.bottom_right.x - p.bottom_left.x)) / 2
    height = ((p.bottom_left.y - p.top_left.y) + (p.bottom_right.y - p.top_right.y)) / 2
    return found[0].text, width, height


@pytest.mark.parametrize("page_mm", [(80, 297), (80, 100)])
def test_a_driver_that_ignores_the_slip_length_gets_an_undistorted_qr(qapp, tmp_path, page_mm) -> None:
    slip = issue_slip(slip_cases.screening(), slip_cases.settings(), tmp_path / "keys", layout="80mm")
    out = tmp_path / "printed.pdf"
    printer = pdf_printer(str(out), 203)
    printer.setFullPage(True)
    fixed = QPageSize(
        QSizeF(*page_mm), QPageSize.Unit.Millimeter, "POS-80", QPageSize.SizeMatchPolicy.ExactMatch
    )
    printer.setPageLayout(QPageLayout(fixed, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    paint_pages(printer, rasterise(slip.pdf, 203), set_page_size=False)  # the driver's page, not ours
    text, width, height = qr_box(out.read_bytes(), tmp_path / "png")
    assert text == slip.content.qr_payload
    assert width / height == pytest.approx(1, abs=0.03)  # square, as printed on the slip
