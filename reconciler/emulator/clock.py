"""Clocks: the emulator reads time only through one of these, so tests can drive it."""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float:
        """Seconds since the Unix epoch."""
        ...


class RealClock:
    """The wall clock."""

    def time(self) -> float:
        return time.time()


class FakeClock:
    """A clock that moves only when told to (thread-safe)."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
