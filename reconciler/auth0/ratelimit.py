"""A client-side token bucket: the user's `--rate-limit` ceiling (burst = size, rate = refill).

Learning the tenant's own limit from its `x-ratelimit-*` headers is `learn.TenantPacer`'s job;
this bucket only caps it, and a 429 slows it by a quarter too (never below a floor).

Time comes from an injectable `clock` (epoch seconds) and `sleep`: tests drive it without waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_RATE = 8.0  # requests per second: DCLI's "80 % of capacity" on a small tenant
DEFAULT_BURST = 8
MIN_RATE = 0.25
MAX_GATE = 60.0  # never trust a reset further away than this


@dataclass(frozen=True, slots=True)
class BucketState:
    rate: float
    burst: int
    tokens: float


class TokenBucket:
    """Thread-safe token bucket; `acquire()` blocks until one request may be sent."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self._rate = float(rate)
        self._burst = int(burst)
        self._tokens = float(burst)
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._not_before = 0.0
        self._lock = threading.Lock()

    def state(self) -> BucketState:
        with self._lock:
            self._refill(self._clock())
            return BucketState(self._rate, self._burst, self._tokens)

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._last)
        self._tokens = min(float(self._burst), self._tokens + elapsed * self._rate)
        self._last = now

    def acquire(self) -> float:
        """Take one token, sleeping as needed. Returns the seconds spent waiting."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._refill(now)
                if now >= self._not_before and self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return waited
                wait = max(self._not_before - now, (1.0 - self._tokens) / self._rate)
            wait = max(wait, 0.001)
            self._sleep(wait)
            waited += wait

    def penalise(self, until: float | None = None) -> None:
        """A 429 arrived: slow down by a quarter and empty the bucket (until `until`, if given)."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            self._rate = max(MIN_RATE, self._rate * 0.75)
            self._tokens = min(self._tokens, 0.0)
            if until is not None and 0 < until - now <= MAX_GATE:
                self._not_before = max(self._not_before, until)
