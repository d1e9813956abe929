"""Standard streams the command line can always print to, whatever the PC's code page.

On a Chinese Windows PC a redirected or piped stream is encoded in the ANSI code page (cp936, i.e.
GBK), on an English one in cp1252.  Neither can encode ✓/✗, and cp1252 cannot encode a single Chinese
message, so a plain ``print`` raised UnicodeEncodeError halfway through a self-test or a backup report.
And the windowed desk (``fever-desk.exe``, built without a console) starts with ``sys.stdout`` and
``sys.stderr`` set to None, so anything that writes to them directly fails.

:func:`prepare_streams` is called first thing in ``ui.cli.main.main``:

* a missing stream becomes a sink (``os.devnull``), so a stray write or ``traceback.print_exc`` is
  harmless — what matters is in the log file (``ui.services.logs``);
* a redirected or piped stream that is not UTF-8 becomes UTF-8: a file of ``triage`` JSON or of a
  self-test report is then the same bytes on every PC, and every character survives;
* a console (a tty) keeps its encoding, because that is what it displays; characters it cannot show
  are replaced (``?``) instead of raising.  On Windows the console itself is Unicode (PEP 528), so this
  only matters for a legacy console or a terminal in a legacy locale; :func:`safe_symbol` picks marks
  such a console can show.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from typing import TextIO


def _is_utf(encoding: str | None) -> bool:
    try:
        return codecs.lookup(encoding or "ascii").name.startswith("utf")
    except LookupError:
        return False


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, OSError, ValueError):
        return False


def _prepared(stream: TextIO | None) -> TextIO:
    if stream is None:
        return open(os.devnull, "w", encoding="utf-8")  # kept for the process
    if _is_utf(getattr(stream, "encoding", None)) or not isinstance(stream, io.TextIOWrapper):
        return stream
    try:
        if _is_tty(stream):
            stream.reconfigure(errors="replace")
        else:
            stream.reconfigure(encoding="utf-8", errors="replace")
    except (AttributeError, OSError, ValueError):
        pass  # a stream that cannot be reconfigured is left as it is
    return stream


def prepare_streams() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` safe to print anything to (see the module docstring)."""
    sys.stdout = _prepared(sys.stdout)
    sys.stderr = _prepared(sys.stderr)


def safe_symbol(symbol: str, *fallbacks: str, stream: TextIO | None = None) -> str:
    """``symbol`` if ``stream`` (default stdout) can encode it, else the first fallback that it can.

    The last fallback should be ASCII.  ``✓`` is not in GBK, but ``√`` is; cp1252 has ``×`` but
    neither check mark.
    """
    encoding = getattr(stream if stream is not None else sys.stdout, "encoding", None)
    if encoding is None:
        return symbol  # a str buffer (io.StringIO) or a sink: no bytes, nothing to fail
    for candidate in (symbol, *fallbacks):
        try:
            candidate.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            continue
        return candidate
    return fallbacks[-1] if fallbacks else symbol
