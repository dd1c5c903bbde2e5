"""The tenant's token bucket (auth0-actions-api.md §5.2): burst = size, rate = refill per second."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from reconciler.emulator.clock import Clock


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int  # x-ratelimit-limit: the bucket size
    remaining: int  # x-ratelimit-remaining: whole tokens left
    reset: int  # x-ratelimit-reset: epoch seconds when the next token is available

    def headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(self.reset),
        }


class TokenBucket:
    """Continuous refill (per-second limits refill by the millisecond in Auth0)."""

    def __init__(self, rate: float, burst: int, clock: Clock) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._tokens = float(burst)
        self._stamp = clock.time()
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        if now > self._stamp:
            self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now

    def _decision(self, allowed: bool, now: float) -> Decision:
        whole = math.floor(self._tokens)
        wait = 0.0 if self._tokens >= self.burst else (whole + 1 - self._tokens) / self.rate
        return Decision(allowed, self.burst, max(0, whole), math.ceil(now + wait))

    def take(self) -> Decision:
        """Spend one token if there is one."""
        with self._lock:
            now = self.clock.time()
            self._refill(now)
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return self._decision(True, now)
            return self._decision(False, now)

    def peek(self) -> Decision:
        with self._lock:
            now = self.clock.time()
            self._refill(now)
            return self._decision(True, now)
