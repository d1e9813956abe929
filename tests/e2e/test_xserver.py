"""The harness's X server itself: what made the station's first start fail with "could not connect to
display" (status -6) in 8 of 30 runs without a window manager, on a machine shared by several runs."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.e2e.xserver import CLOSED, NUMBERS, answers, require, start_xvfb, x_connect, x_handshake

pytestmark = pytest.mark.e2e


def mid_handshake_when_the_last_client_leaves(display: str) -> str:
    """The station's start as it met the harness's polling: the station has connected but not finished
    its X handshake when the one other client (an ``xdotool`` poll) disconnects.  Returns how the
    station's handshake then ended (``""``: accepted)."""
    poll = _served_client(display)
    with x_connect(display) as station:
        time.sleep(0.5)  # the server accepts the connection and waits for the handshake
        poll.close()
        time.sleep(0.5)  # a server that resets does it now
        return x_handshake(station)


def _served_client(display: str) -> socket.socket:
    """A client the server has accepted.  A server that resets may still be resetting from the last try's
    clients leaving (and close this one's handshake too): try again, for up to five seconds."""
    ending = ""
    for _ in range(50):
        client = x_connect(display)
        ending = x_handshake(client)
        if ending == "":
            return client
        client.close()
        time.sleep(0.1)
    raise AssertionError(f"the server never served a client: {ending}")


def test_a_station_connecting_while_the_last_client_leaves_is_served(tmp_path: Path) -> None:
    require("Xvfb")
    xvfb, display = start_xvfb(tmp_path / "xvfb.log")
    try:
        assert mid_handshake_when_the_last_client_leaves(display) == ""
    finally:
        xvfb.terminate()
        xvfb.wait()


def test_without_noreset_that_station_loses_its_connection(tmp_path: Path) -> None:
    """Why Xvfb gets ``-noreset``: without it the same moment closes the station's connection.  The
    server accepts the waiting connection within the 0.5 s given on an idle machine; a few tries cover a
    busy one."""
    require("Xvfb")
    xvfb, display = start_xvfb(tmp_path / "xvfb.log", noreset=False)
    try:
        endings = [mid_handshake_when_the_last_client_leaves(display) for _ in range(5)]
        assert any(ending.startswith(CLOSED) for ending in endings), endings
    finally:
        xvfb.terminate()
        xvfb.wait()


def test_a_taken_number_is_skipped_and_its_server_keeps_answering(tmp_path: Path) -> None:
    """With ``-displayfd`` Xvfb writes no lock file: the second server on a number exits because the
    abstract socket is taken, the harness tries its next number, and the first server is untouched."""
    require("Xvfb")
    first, display = start_xvfb(tmp_path / "first.log")
    try:
        number = int(display.lstrip(":"))
        assert not Path(f"/tmp/.X{number}-lock").exists()
        others = [n for n in NUMBERS if n != number and not Path(f"/tmp/.X11-unix/X{n}").exists()]
        second, second_display = start_xvfb(tmp_path / "second.log", [number, *others[:5]])
        try:
            assert second_display != display
            assert "server already running" in (tmp_path / "second.log").read_text(encoding="utf-8")
            assert answers(display) == ""
            assert answers(second_display) == ""
        finally:
            second.terminate()
            second.wait()
    finally:
        first.terminate()
        first.wait()
