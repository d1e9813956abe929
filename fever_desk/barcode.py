"""Drug box barcodes (EAN-13) and telling a keyboard-wedge scanner from a person typing.

A handheld scanner at the counter is a USB keyboard: it "types" the digits of the code and Enter, all
within a few milliseconds of each other.  A person typing digits into a field needs 80 ms or more
between keys (a fast typist on a number row still well above 40 ms), so the gap between keystrokes
tells them apart: a run of at least ``min_length`` digits, each within ``max_gap_s`` of the one before,
ended by Enter within the same gap, is a burst; anything slower is typing and is left alone.  The gap is
a setting (``scanner_max_gap_ms``) because scanners vary and a remote desktop adds jitter.

A burst is taken for a scan only when it is a whole EAN-13 (or EAN-8) code with a correct check digit
(:func:`is_scannable`): a scanner checks the digit before it sends anything, so a scanner never sends a
broken code, while software typing for a person (an automation tool, a test robot, a remote-desktop
paste) is also fast but types ID numbers (18 characters) and phone numbers (11 digits), which are never
taken for a scan.

Pure: the desk feeds keystrokes with their times (``ui/desk/pharmacy/scanner.py``), so the rule is
tested with a fake clock and without Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EAN13_LENGTH = 13
DEFAULT_MAX_GAP_MS = 35
MIN_SCAN_LENGTH = 8  # EAN-8 is the shortest code a drug box carries


def ean13_check_digit(first12: str) -> str:
    """The 13th digit: weights 1, 3, 1, 3 … over the first twelve, then what rounds up to a ten."""
    if len(first12) != 12 or not first12.isascii() or not first12.isdigit():
        raise ValueError(f"an EAN-13 check digit needs 12 digits, got {first12!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def is_ean13(code: str) -> bool:
    """True for 13 ASCII digits whose last is the check digit of the first twelve."""
    return (
        len(code) == EAN13_LENGTH
        and code.isascii()
        and code.isdigit()
        and ean13_check_digit(code[:12]) == code[12]
    )


def ean8_check_digit(first7: str) -> str:
    """EAN-8's last digit: weights 3, 1, 3 … over the first seven."""
    if len(first7) != 7 or not first7.isascii() or not first7.isdigit():
        raise ValueError(f"an EAN-8 check digit needs 7 digits, got {first7!r}")
    total = sum(int(d) * (1 if i % 2 else 3) for i, d in enumerate(first7))
    return str((10 - total % 10) % 10)


def is_scannable(code: str) -> bool:
    """A code a scanner sends: a valid EAN-13, or a valid EAN-8 (small boxes)."""
    if len(code) == 8 and code.isascii() and code.isdigit():
        return ean8_check_digit(code[:7]) == code[7]
    return is_ean13(code)


def barcode_problem(code: str) -> str:
    """Empty when ``code`` can be stored as a drug's barcode, else the reason (an English source string)."""
    if not code:
        return ""
    if len(code) != EAN13_LENGTH or not code.isascii() or not code.isdigit():
        return "A barcode has 13 digits (EAN-13)."
    if not is_ean13(code):
        return "The barcode's last digit does not match: check the digits."
    return ""


@dataclass
class BurstDetector:
    """Collects digit keystrokes with their times; :meth:`enter` says whether they were a scan.

    ``started_at`` lets the caller undo what the burst typed into a field: it is the time of the burst's
    first digit, and changes whenever a slow key starts a new burst.
    """

    max_gap_s: float = DEFAULT_MAX_GAP_MS / 1000
    min_length: int = MIN_SCAN_LENGTH
    digits: list[str] = field(default_factory=list)
    last_at: float | None = None

    def digit(self, char: str, at: float) -> bool:
        """One digit typed at ``at`` (seconds); True if it starts a new burst (the one before was slow)."""
        new = self.last_at is None or at - self.last_at > self.max_gap_s
        if new:
            self.digits = []
        self.digits.append(char)
        self.last_at = at
        return new

    def other_key(self) -> None:
        """Any key that is not a digit or Enter: whatever came before was not a scan."""
        self.reset()

    def enter(self, at: float) -> str | None:
        """Enter at ``at``: the scanned code if the burst qualifies, else None (a person's Enter)."""
        code = "".join(self.digits)
        fast = self.last_at is not None and at - self.last_at <= self.max_gap_s
        self.reset()
        return code if fast and len(code) >= self.min_length else None

    def reset(self) -> None:
        self.digits = []
        self.last_at = None
