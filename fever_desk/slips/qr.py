"""The slip's QR code: the ``qrcode`` library computes the modules, reportlab draws them as vectors.

Drawing rectangles instead of embedding a bitmap keeps the code sharp at any printer resolution (a
scaled bitmap on a 203 dpi thermal head blurs module edges) and the PDF a few kilobytes.  Error correction
is level M (15 %): enough for a creased or slightly smudged slip, while the payload (about 140 characters,
see :mod:`fever_desk.slips.signing`) still fits a version 6 code that scans well at 30 mm.

The mask pattern is fixed (pattern 2) instead of letting ``qrcode`` try all eight: the search is the
slowest part of a slip (about 4.5 ms of ~16), and since two thirds of the payload is a signature, i.e.
random bytes, the masks score alike.  Over 40 random payloads pattern 2's penalty was on average 3 % (at
most 23 %) above the best mask's, far from the degenerate patterns masking exists to prevent.
"""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

MASK_PATTERN = 2


def qr_matrix(payload: str) -> list[list[bool]]:
    """Dark (True) and light modules, row by row, without the quiet zone (the layout leaves white space)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=MASK_PATTERN)
    code.add_data(payload)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(c: Canvas, matrix: list[list[bool]], left: float, top: float, side: float) -> None:
    """Fill the dark modules, one rectangle per horizontal run, in module units under a scaling matrix.

    Written as literal PDF operators with integer coordinates: going through reportlab's path object
    formats about 2,000 floats per code, a third of a slip's render time, for an identical result.
    """
    module = side / len(matrix)
    ops = ["q", f"{module:.4f} 0 0 {-module:.4f} {left:.3f} {top:.3f} cm"]
    for r, row in enumerate(matrix):
        col, width = 0, len(row)
        while col < width:
            if row[col]:
                start = col
                while col < width and row[col]:
                    col += 1
                ops.append(f"{start} {r} {col - start} 1 re")
            col += 1
    ops += ["f", "Q"]
    c.addLiteral("\n".join(ops))
