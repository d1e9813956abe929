"""PyInstaller entry script: the bundle's ``fever-desk`` executable is exactly ``ui.cli.main:main``.

A script rather than the module itself, because PyInstaller runs its entry as ``__main__``; importing
``ui.cli.main`` from here keeps the module's name (and its lazy imports) the same as in a pip install.
"""

from __future__ import annotations

import sys

from ui.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
