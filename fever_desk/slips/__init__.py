"""Referral slips: a printed, signed summary a referred patient carries to the designated hospital.

The pieces are separate so each can be tested and reused: :mod:`.content` works out what the slip says
(pure data), :mod:`.render` draws it as PDF, :mod:`.fonts` finds a Chinese font, :mod:`.signing` signs and
verifies the QR payload, :mod:`.qr` draws the code.  :func:`issue_slip` chains them for the desk.
No Qt here: the UI sends the bytes to a printer or a viewer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from fever_desk.guidelines import Guideline
from fever_desk.model import Screening
from fever_desk.settings import Settings
from fever_desk.slips.content import SlipContent, compose_slip, default_instructions, slip_number
from fever_desk.slips.fonts import FontNotFound, SlipFont, clear_font_cache, resolve_font
from fever_desk.slips.render import LAYOUTS, render_slip
from fever_desk.slips.signing import (
    SigningKeys,
    VerifyResult,
    fingerprint,
    load_or_create_keys,
    load_public_key,
    public_key_text,
    sign_payload,
    verify_payload,
    verify_slip_text,
)

__all__ = [
    "LAYOUTS",
    "FontNotFound",
    "IssuedSlip",
    "SigningKeys",
    "SlipContent",
    "SlipFont",
    "VerifyResult",
    "clear_font_cache",
    "compose_slip",
    "default_instructions",
    "fingerprint",
    "issue_slip",
    "load_or_create_keys",
    "load_public_key",
    "public_key_text",
    "render_slip",
    "resolve_font",
    "sign_payload",
    "slip_font_path",
    "slip_number",
    "verify_payload",
    "verify_slip_text",
]


@dataclass(frozen=True)
class IssuedSlip:
    content: SlipContent
    pdf: bytes
    layout: str


def slip_font_path(settings: Settings) -> str | None:
    """The configured font (``slip_font_path`` field or kept JSON key), or None for the system search."""
    value = getattr(settings, "slip_font_path", None) or settings.extra.get("slip_font_path")
    return str(value) if value else None


def issue_slip(
    screening: Screening,
    settings: Settings,
    data_dir: str | os.PathLike[str],
    *,
    layout: str = "80mm",
    language: str | None = None,
    guideline: Guideline | None = None,
    issued_at: datetime | None = None,
) -> IssuedSlip:
    """Compose, sign and render in one call; ``data_dir`` holds the station's key pair (made on first use).

    Raises ``FontNotFound`` (show :meth:`FontNotFound.localized`), ``KeyError`` for an unknown layout and
    ``ValueError`` for a screening without an outcome.  The font is resolved before signing so that a
    missing font fails before anything is issued.
    """
    if layout not in LAYOUTS:
        raise KeyError(f"unknown slip layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    font = resolve_font(slip_font_path(settings))
    keys = load_or_create_keys(data_dir)
    content = compose_slip(
        screening, settings, keys, guideline=guideline, language=language, issued_at=issued_at
    )
    return IssuedSlip(content, render_slip(content, layout, font=font), layout)
