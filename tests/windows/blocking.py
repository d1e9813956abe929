"""Run Python the way Windows would run it, as far as imports go: the POSIX-only modules are missing.

Windows has no ``termios``, ``tty``, ``pty``, ``fcntl``, ``pwd``, ``grp`` or ``resource``.  Setting
``sys.modules[name] = None`` makes ``import name`` raise ModuleNotFoundError exactly as it does there,
so a module-level import of any of them is caught on Linux, in CI, before a clinic PC meets it.  The
modules are blocked in a fresh interpreter (a subprocess) before anything else is imported, so nothing
already loaded hides the problem, and the rest of the suite is not affected.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POSIX_ONLY = ("termios", "tty", "pty", "fcntl", "pwd", "grp", "resource")

#: Third-party packages that choose their back end by platform: on Windows pyserial loads
#: ``serialwin32`` (no fcntl, no termios); on this Linux it would load ``serialposix``, which needs both.
#: They are imported *before* the block, so what is tested is our own code, not pyserial's Linux half.
PLATFORM_BRANCHING = ("serial", "serial.tools.list_ports")

PRELUDE = (
    "import sys\n"
    f"for _name in {PLATFORM_BRANCHING!r}:\n"
    "    __import__(_name)\n"
    f"for _name in {POSIX_ONLY!r}:\n"
    "    sys.modules[_name] = None\n"
    "del _name\n"
)


def run_blocked(
    code: str, *, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new interpreter (cwd: the repository) with the POSIX-only modules blocked."""
    environment = dict(os.environ if env is None else env)
    environment.setdefault("QT_QPA_PLATFORM", "offscreen")
    environment["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
