"""Each real-display test runs twice: under openbox, and with no window manager (a kiosk session)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.xserver import XServer, require


@pytest.fixture(params=["openbox", "no-wm"])
def x_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[XServer]:
    window_manager = None if request.param == "no-wm" else request.param
    require("Xvfb", "xdotool", *(("openbox", "xprop") if window_manager else ()))
    server = XServer(tmp_path, window_manager)
    try:
        yield server
    finally:
        server.stop()
