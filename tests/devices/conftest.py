"""Shared helpers for the device tests: a hypothesis budget and a thread-safe callback recorder.

Waiting is always on a condition with a timeout, never a fixed sleep, so the tests are as fast as the
code and fail with a message instead of hanging.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from devices.base import Item, Reading
from devices.session import SessionStatus, State

settings.register_profile(
    "devices", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("devices")

FIXTURES = Path(__file__).parent / "fixtures"


class Recorder:
    """Collects what a DeviceSession delivers and lets a test wait for a condition on it."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.statuses: list[tuple[float, SessionStatus]] = []
        self._cond = threading.Condition()

    def on_reading(self, item: Item) -> None:
        with self._cond:
            self.items.append(item)
            self._cond.notify_all()

    def on_status(self, status: SessionStatus) -> None:
        with self._cond:
            self.statuses.append((time.monotonic(), status))
            self._cond.notify_all()

    @property
    def readings(self) -> list[Reading]:
        with self._cond:
            return [i for i in self.items if isinstance(i, Reading)]

    @property
    def states(self) -> list[State]:
        with self._cond:
            return [s.state for _, s in self.statuses]

    def holds_within(self, predicate: Callable[[], bool], timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(predicate, timeout)

    def wait(self, predicate: Callable[[], bool], timeout: float, what: str) -> float:
        """Wait until ``predicate()`` holds; return the time it took, or fail naming ``what``."""
        started = time.monotonic()
        with self._cond:
            if not self._cond.wait_for(predicate, timeout):
                pytest.fail(f"timed out after {timeout} s waiting for {what}; statuses={self.statuses}")
        return time.monotonic() - started

    def wait_state(self, state: State, timeout: float) -> float:
        return self.wait(lambda: bool(self.statuses) and self.statuses[-1][1].state is state, timeout, state)

    def wait_readings(self, count: int, timeout: float) -> float:
        return self.wait(
            lambda: sum(isinstance(i, Reading) for i in self.items) >= count, timeout, f"{count} readings"
        )


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()
