"""Draw the fever-desk icon (a red cross and a thermometer on white) as PNG and ICO with Pillow.

Run once by hand (``python installer/make_icons.py``) after changing the design; the results are
committed so that building the bundle needs neither Pillow nor an SVG renderer.  The SVG beside them is
the same drawing written by hand, for Linux desktops that scale it.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent / "icons"
RED = (200, 16, 46, 255)
DARK = (60, 60, 60, 255)
SIZE = 256


def draw(size: int = SIZE) -> Image.Image:
    """The 256-px master, drawn on a 0..256 grid so the SVG can use the same coordinates."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    s = size / 256
    pen.rounded_rectangle(
        (8 * s, 8 * s, 248 * s, 248 * s), radius=40 * s, fill="white", outline=RED, width=int(10 * s)
    )
    # The red cross, left of centre.
    pen.rectangle((62 * s, 48 * s, 110 * s, 208 * s), fill=RED)
    pen.rectangle((26 * s, 104 * s, 146 * s, 152 * s), fill=RED)
    # The thermometer on the right: a stem with a bulb, red column inside.
    pen.rounded_rectangle(
        (172 * s, 40 * s, 204 * s, 180 * s), radius=16 * s, fill="white", outline=DARK, width=int(6 * s)
    )
    pen.ellipse((158 * s, 160 * s, 218 * s, 220 * s), fill=RED, outline=DARK, width=int(6 * s))
    pen.rectangle((182 * s, 96 * s, 194 * s, 172 * s), fill=RED)
    return image


def main() -> None:
    HERE.mkdir(exist_ok=True)
    master = draw()
    master.save(HERE / "fever-desk.png", optimize=True)
    master.save(HERE / "fever-desk.ico", sizes=[(16, 16), (32, 32), (48, 48), (256, 256)])


if __name__ == "__main__":
    main()
