"""Every desk shortcut fires while the keyboard is in a text field, with keys typed through a real X server.

On the xcb platform a line edit claims Ctrl+E ("end of line") and Ctrl+U ("delete the line") of the X11
key bindings besides its Ctrl+A/C/V/X/Z, so a screen's Ctrl+E never fired from its date or temperature
field; offscreen has no such binding, so the in-process tests cannot see it.  The probe
(``tests/e2e/desk_keys_probe.py``) runs as its own process on a private Xvfb and types with ``xdotool``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.xserver import XServer, require

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
#: What a line edit's own Ctrl keys do with no shortcut bound (text "abcdef", cursor at the start):
#: Ctrl+E to the end, Ctrl+A selects all, Ctrl+C copies, Ctrl+U empties, Ctrl+V pastes, Ctrl+Z undoes it.
OWN_KEYS = {
    "Ctrl+E cursor": "6",
    "Ctrl+A selected": "abcdef",
    "Ctrl+U text": "",
    "Ctrl+V text": "abcdef",
    "Ctrl+Z text": "",
}


@pytest.fixture(scope="module")
def x_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XServer]:
    require("Xvfb", "xdotool")
    server = XServer(tmp_path_factory.mktemp("desk-keys"), None)
    try:
        yield server
    finally:
        server.stop()


def probe(x: XServer, *flags: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.desk_keys_probe", *flags],
        cwd=ROOT,
        env=x.env(QT_QPA_PLATFORM="xcb"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["platform"] == "xcb"
    return answer


def test_without_the_desk_filter_a_field_swallows_the_desks_ctrl_e(x_display: XServer) -> None:
    """The bug, as a nurse at a Linux desk met it: proof that this display has the X11 bindings."""
    answer = probe(x_display)
    collisions = {name: sorted(set(dead) & set(answer["desk"])) for name, dead in answer["dead"].items()}
    assert collisions["QLineEdit"] == ["Ctrl+E"]
    assert collisions["QDateEdit"] == ["Ctrl+E"]  # the County screen's date field
    assert "Ctrl+U" in answer["dead"]["QLineEdit"]
    assert answer["own"] == OWN_KEYS


def test_with_the_desk_filter_every_ctrl_key_reaches_its_shortcut_and_the_field_keeps_its_own(
    x_display: XServer,
) -> None:
    answer = probe(x_display, "--desk-filter")
    assert {"Ctrl+E", "Ctrl+K", "Ctrl+P", "Ctrl+S", "Ctrl+R"} <= set(answer["desk"])
    assert answer["dead"] == {name: [] for name in answer["dead"]}
    assert set(answer["dead"]) == {
        "QLineEdit",
        "QDateEdit",
        "QSpinBox",
        "QComboBox (editable)",
        "QPlainTextEdit",
    }
    assert answer["own"] == OWN_KEYS
