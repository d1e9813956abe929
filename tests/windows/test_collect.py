"""The suite can at least be collected on Windows: no test module or helper imports a POSIX-only module
at import time (``tests/pg.py`` needed ``pwd``, ``tests/devices/test_faults.py`` ``termios``).  Tests that
need a pty or ``runuser`` still exist; they skip or fail when run there, but they no longer stop pytest
from listing everything else."""

from __future__ import annotations

from tests.windows.blocking import run_blocked


def test_the_whole_suite_collects_without_posix_modules() -> None:
    code = (
        "import pytest\nsys.exit(pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider', 'tests']))\n"
    )
    result = run_blocked(code, timeout=600)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    collected = [line for line in result.stdout.splitlines() if "::" in line]
    assert len(collected) > 500, result.stdout[-2000:]
    assert "error" not in result.stdout.splitlines()[-1].lower(), result.stdout[-2000:]


def test_every_test_helper_imports_without_posix_modules() -> None:
    """Helpers imported only inside fixtures (``tests.pg``) are not reached by collection: import them all."""
    code = """
import importlib, pkgutil
import tests
failures = []
for info in pkgutil.walk_packages(tests.__path__, "tests."):
    try:
        importlib.import_module(info.name)
    except Exception as exc:
        failures.append(f"{info.name}: {type(exc).__name__}: {exc}")
print("\\n".join(failures))
sys.exit(1 if failures else 0)
"""
    result = run_blocked(code, timeout=600)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]


def test_pty_tests_skip_where_there_are_no_ptys() -> None:
    """Windows has no ``os.openpty``: the simulator's pty tests skip there, the others still run."""
    code = (
        "import os\n"
        "del os.openpty\n"
        "import pytest\n"
        "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', '-rs', 'tests/ui/test_cli_devices.py']))\n"
    )
    result = run_blocked(code, timeout=600)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    summary = result.stdout.splitlines()[-1]
    assert "skipped" in summary and "passed" in summary, result.stdout[-2000:]
    assert "pseudo-terminal" in result.stdout
