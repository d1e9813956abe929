"""Reading a station's SQLite file in a test the way the station does: encrypted (``db.cipher``) or plain."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def connect_file(path: Path, **kwargs: Any) -> Any:
    """A DB-API connection to ``path``, keyed with the test station's key when the file is encrypted."""
    from db.cipher import connect, key_for

    return connect(Path(path), key_for(Path(path)), **kwargs)
