"""The layering is a product decision: the domain core must stay free of Qt and SQLAlchemy.

import-linter runs in `make lint` (part of `make test`); this test runs it too and also checks, with a
plain AST scan, that the check really fails on a violating import.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_CORE = ("PySide6", "sqlalchemy", "alembic", "db", "devices", "ui")


def forbidden_imports(package: Path, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for file in package.rglob("*.py"):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in forbidden:
                    found.append(f"{file.relative_to(package.parent)}:{node.lineno} imports {name}")
    return found


def test_core_imports_no_outer_layer() -> None:
    assert forbidden_imports(ROOT / "fever_desk", FORBIDDEN_IN_CORE) == []


def test_scan_catches_a_violation(tmp_path: Path) -> None:
    pkg = tmp_path / "fever_desk"
    pkg.mkdir()
    (pkg / "bad.py").write_text(
        "from PySide6.QtWidgets import QWidget\nimport sqlalchemy as sa\n", encoding="utf-8"
    )
    problems = forbidden_imports(pkg, FORBIDDEN_IN_CORE)
    assert len(problems) == 2 and "PySide6" in problems[0]


def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is part of the test extras"
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout and "BROKEN" not in result.stdout


def test_opening_the_window_does_not_load_the_database_stack() -> None:
    """SQLAlchemy and Alembic load on the database worker; importing them first would delay the window."""
    code = (
        "import sys, ui.desk.main_window, ui.desk.app; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))"
    )
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
