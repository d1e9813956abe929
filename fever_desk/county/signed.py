"""A point's report to the county: its canonical text and its Ed25519 signature.

The county must tell a genuine report from a forged one, and the same report sent twice from a copy.
Each report is a small JSON object serialised one way only (keys sorted, no spaces, UTF-8, no escaped
non-ASCII): :func:`canonical` — so the signed bytes and the stored text are the same bytes, and the same
report always produces the same text and, Ed25519 being deterministic, the same signature (which makes
"sent twice" visible as "identical").

The key is the station's existing slip-signing key (``fever_desk.slips.signing``): one key per
installation, already backed up with the data folder, whose public half the county records at
enrolment.  Because the same key signs slips, the signed bytes start with a fixed context,
``fever-desk county report v1`` and a newline, which no slip payload (``FD1.``…) starts with: a slip
signature can never be presented as a report signature, nor the reverse.

Body fields (``v`` 1): ``type`` (``daily`` the daily/zero report, ``cards`` the day's report-card counts),
``point`` (the county's point number, given at enrolment), ``day`` (ISO date), ``revision`` (1, 2, … as
the station numbers them), and for ``daily`` ``figures`` (``fever_desk.reporting.DailyFigures`` names),
``zero`` and ``cutoff``; for ``cards`` ``cards`` (classification → count).  ``generated_at`` is the
station's claim, kept for reading; the county times a report by when *it* received it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fever_desk.reporting import DailyFigures

VERSION = 1
CONTEXT = b"fever-desk county report v1\n"
TYPES = ("daily", "cards")

#: Stable reasons for a refusal, for scripts and the station's read-back; :data:`REASON_TEXTS` in words.
REASON_TEXTS: dict[str, str] = {
    "unsigned": "The report carries no signature.",
    "malformed": "The report cannot be read (not a county report of this version).",
    "not_canonical": "The report's text is not in its canonical form.",
    "bad_signature": "The signature does not match the point's enrolled key: altered or forged.",
    "unknown_point": "No such point is registered with the county.",
    "not_enrolled": "The point has not enrolled its key with the county yet.",
    "point_mismatch": "The report names another point, day or revision than it was sent as.",
    "conflicting_revision": "A different report with this point, day and revision was accepted earlier.",
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(body: dict[str, Any]) -> str:
    """The one text of ``body`` that is signed, sent and stored."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def daily_body(
    point: int, day: date, revision: int, figures: DailyFigures, cutoff: str, generated_at: str
) -> dict[str, Any]:
    return {
        "v": VERSION,
        "type": "daily",
        "point": point,
        "day": day.isoformat(),
        "revision": revision,
        "figures": figures.to_json(),
        "zero": figures.is_zero_report,
        "cutoff": cutoff,
        "generated_at": generated_at,
    }


def cards_body(
    point: int, day: date, revision: int, cards: dict[str, int], generated_at: str
) -> dict[str, Any]:
    return {
        "v": VERSION,
        "type": "cards",
        "point": point,
        "day": day.isoformat(),
        "revision": revision,
        "cards": {str(k): int(v) for k, v in cards.items()},
        "generated_at": generated_at,
    }


@dataclass(frozen=True)
class SignedReport:
    """What travels: the canonical text and its signature (base64url, no padding)."""

    text: str
    signature: str


def sign(private_key: Ed25519PrivateKey, body: dict[str, Any]) -> SignedReport:
    text = canonical(body)
    return SignedReport(text, _b64(private_key.sign(CONTEXT + text.encode("utf-8"))))


@dataclass(frozen=True)
class Verdict:
    """``ok`` with ``reason`` "ok", or a refusal with one of :data:`REASON_TEXTS`' keys; ``body`` is the
    decoded report whenever it could be read."""

    ok: bool
    reason: str
    body: dict[str, Any] | None = None


def read_body(text: str) -> dict[str, Any] | None:
    """The decoded body when ``text`` is a well-formed, canonical report of this version, else None."""
    try:
        body = json.loads(text)
    except (ValueError, TypeError):
        return None
    if not isinstance(body, dict) or body.get("v") != VERSION or body.get("type") not in TYPES:
        return None
    try:
        date.fromisoformat(str(body["day"]))
        ok = isinstance(body["point"], int) and isinstance(body["revision"], int) and body["revision"] >= 1
    except (KeyError, ValueError):
        return None
    if body["type"] == "daily":
        ok = ok and isinstance(body.get("figures"), dict) and isinstance(body.get("zero"), bool)
    else:
        ok = ok and isinstance(body.get("cards"), dict)
    return body if ok else None


def verify(text: str, signature: str, public_key: Ed25519PublicKey) -> Verdict:
    """Whether ``text`` is a well-formed report signed by ``public_key`` and unaltered."""
    if not signature:
        return Verdict(False, "unsigned")
    body = read_body(text)
    if body is None:
        return Verdict(False, "malformed")
    if canonical(body) != text:
        return Verdict(False, "not_canonical", body)
    try:
        raw = _unb64(signature)
        if _b64(raw) != signature:
            raise ValueError("not canonical base64url")
        public_key.verify(raw, CONTEXT + text.encode("utf-8"))
    except (ValueError, binascii.Error, InvalidSignature):
        return Verdict(False, "bad_signature", body)
    return Verdict(True, "ok", body)
