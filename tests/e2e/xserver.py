"""The private X server of a real-display test: Xvfb on a display number no other run holds, openbox on it
when asked, and a raw X connection to prove that the server answers a client.

Two things here are about several test runs sharing one machine (2 cores, other engineers' e2e runs and
benches beside this one):

* Xvfb runs with ``-noreset``.  Without it, the server *resets* each time its last client disconnects —
  and, without a window manager, that happened at every ``xdotool`` poll the harness made while the station
  was still starting.  A reset closes every connection whose X handshake is not finished yet, so a station
  that connected in that moment died at once, status -6, with Qt's ``could not connect to display :N``,
  while the server was there again a moment later (``tests/e2e/test_xserver.py`` shows the handshake
  closed on a server started without the flag, and served with it).
* With ``-displayfd`` Xvfb writes *no* lock file (``/tmp/.X<n>-lock``); what makes a second server on a
  taken number exit ("server already running") is Linux's abstract socket ``@/tmp/.X11-unix/X<n>``, which
  only one process can bind.  A number whose lock file exists (a server started without ``-displayfd``,
  ``xvfb-run``) is skipped before trying it.  A socket *file* left by a server that was killed does not
  stop Xvfb: it replaces it.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import socket
import struct
import subprocess
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")

REQUIRE_ENV = "FEVER_DESK_REQUIRE_SERVICES"
PACKAGES = "apt-get install xvfb xdotool openbox x11-utils"
#: Generous: a loaded CI machine (2 cores, several jobs) may take seconds for a cold start.
TIMEOUT_S = 40.0
SCREEN = "1280x1024x24"
#: Well above the numbers people and ``xvfb-run`` (99) use.
NUMBERS = range(200, 900)
CLOSED = "the server closed the connection during the handshake"


def require(*tools: str) -> None:
    """Skip (or, under ``FEVER_DESK_REQUIRE_SERVICES=1`` as in CI, fail) when a tool is missing."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        reason = f"the real-display tests need {', '.join(missing)}: {PACKAGES}"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def screenshot(display: str, target: Path) -> str:
    """The whole screen as PNG (imagemagick) or XWD (x11-apps); says why when neither is installed."""
    env = {**os.environ, "DISPLAY": display}
    if shutil.which("import"):
        command = ["import", "-window", "root", str(target.with_suffix(".png"))]
        path = target.with_suffix(".png")
    elif shutil.which("xwd"):
        command = ["xwd", "-root", "-silent", "-out", str(target.with_suffix(".xwd"))]
        path = target.with_suffix(".xwd")
    else:
        return "no screenshot (apt-get install imagemagick)"
    done = subprocess.run(command, env=env, capture_output=True, timeout=30, check=False)
    return str(path) if done.returncode == 0 else f"no screenshot ({done.stderr.decode(errors='replace')})"


def x_connect(display: str, timeout: float = 5.0) -> socket.socket:
    """A socket to ``display``'s file socket (``/tmp/.X11-unix/X<n>``), the X handshake not yet sent."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(f"/tmp/.X11-unix/X{display.lstrip(':').split('.')[0]}")
    except OSError:
        sock.close()
        raise
    return sock


def x_handshake(sock: socket.socket) -> str:
    """The X connection setup on ``sock``, no authorisation: ``""`` when the server accepted the client,
    else why not (the server's refusal, or the connection closed under the client)."""
    try:
        sock.sendall(struct.pack("<cxHHHHxx", b"l", 11, 0, 0, 0))  # little-endian, X11.0, no auth
        head = sock.recv(8)
    except OSError as exc:  # a broken pipe or a reset: the server closed it
        return f"{CLOSED} ({exc})"
    if len(head) < 8:
        return CLOSED
    if head[0] == 1:
        return ""
    reason = sock.recv(head[1]).decode(errors="replace") if head[0] == 0 else "authentication required"
    return f"refused: {reason}"


def answers(display: str) -> str:
    """``""`` when a client can connect to ``display`` and finish the X handshake now, else why not."""
    try:
        with x_connect(display) as sock:
            return x_handshake(sock)
    except OSError as exc:
        return f"cannot connect: {exc}"


def start_xvfb(
    log: Path, numbers: Iterable[int] | None = None, *, noreset: bool = True
) -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on the first of ``numbers`` (by default 20 drawn at random from :data:`NUMBERS`) that no
    other server holds; returns it once it answers a client.  ``noreset=False`` is for the harness's own
    test only (see the module's docstring)."""
    tried: list[str] = []
    for number in random.sample(NUMBERS, 20) if numbers is None else numbers:
        if Path(f"/tmp/.X{number}-lock").exists():
            tried.append(f":{number} locked")
            continue
        read, write = os.pipe()
        command = ["Xvfb", f":{number}", "-displayfd", str(write), "-screen", "0", SCREEN, "-nolisten", "tcp"]
        if noreset:
            command.append("-noreset")
        with log.open("ab") as err:
            xvfb = subprocess.Popen(command, pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=err)
        os.close(write)
        with os.fdopen(read) as answer:
            ready = answer.readline().strip()  # written once it listens; empty when Xvfb exited instead
        if not ready:
            xvfb.wait()
            tried.append(f":{number} taken")
            continue
        display = f":{ready}"
        why = answers(display)
        if not why:
            return xvfb, display
        xvfb.terminate()
        xvfb.wait()
        tried.append(f"{display} did not answer: {why}")
    printed = log.read_text(encoding="utf-8", errors="replace")[-2000:]
    pytest.fail(f"Xvfb did not start ({'; '.join(tried)}): {printed}")


class XServer:
    """A private Xvfb on a free display number, optionally with openbox on it."""

    def __init__(self, folder: Path, window_manager: str | None) -> None:
        self.folder = folder
        self.window_manager = window_manager
        self.processes: list[subprocess.Popen[bytes]] = []
        xvfb, self.display = start_xvfb(folder / "xvfb.log")
        self.processes.append(xvfb)
        if window_manager == "openbox":
            # Once in a fresh-clone run openbox left the screen unmanaged for 40 s with nothing in its log;
            # a second openbox is started then (as a person would restart it) before the test gives up.
            for attempt in (1, 2):
                with (folder / "openbox.log").open("ab") as log:
                    openbox = ["openbox", "--sm-disable"]
                    if attempt == 2:
                        openbox.append("--replace")
                    self.processes.append(
                        subprocess.Popen(openbox, env=self.env(), stdout=subprocess.DEVNULL, stderr=log)
                    )
                if attempt == 2:
                    self.wait_for(self._window_manager_running, "openbox to manage the screen")
                    break
                deadline = time.monotonic() + TIMEOUT_S / 2
                while time.monotonic() < deadline and not self._window_manager_running():
                    time.sleep(0.1)
                if self._window_manager_running():
                    break
                self.processes[-1].kill()
                self.processes[-1].wait()

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display, **extra}

    def state(self) -> str:
        """For a failure message: whether the server is running and answers a client right now."""
        xvfb = self.processes[0]
        if xvfb.poll() is not None:
            return f"Xvfb {self.display} exited with status {xvfb.returncode}"
        why = answers(self.display)
        return f"Xvfb {self.display} running, " + (f"does not answer: {why}" if why else "answers a client")

    def _window_manager_running(self) -> bool:
        done = self.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK", check=False)
        return "window id" in done

    def run(self, *command: str, check: bool = True) -> str:
        done = subprocess.run(
            command, env=self.env(), capture_output=True, text=True, timeout=30, check=False
        )
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(command)} failed: {done.stderr.strip()}")
        return done.stdout

    def wait_for(self, condition: Callable[[], T], what: str, timeout: float = TIMEOUT_S) -> T:
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                shot = screenshot(self.display, self.folder / re.sub(r"\W+", "-", what).strip("-"))
                pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}; screen: {shot}")
            time.sleep(0.1)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
