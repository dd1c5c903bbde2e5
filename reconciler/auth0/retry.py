"""When to retry a Management API call, and how long to wait first.

- 429: wait until `Retry-After` (seconds or an HTTP date) if present, else until
  `x-ratelimit-reset` (absolute epoch seconds), plus 0-20 % jitter; capped.
- 5xx, timeouts, dropped connections: capped exponential backoff with jitter.
- Any other 4xx is an answer, never retried (a 409 is a conflict, not a fault).
- A bounded number of tries and a bounded total wait per call.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

MAX_RATE_LIMIT_WAIT = 60.0
#: (first, largest) backoff of a client built without `backoff`, read when it is built; the soak
#: test shortens it (its faults are about what the tool survives, not how long it waits)
BACKOFF_S = (0.5, 8.0)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_tries: int = 6  # attempts in all, the first one included
    max_total_wait: float = 120.0  # seconds slept between attempts of one call, at most
    base: float = 0.5  # first backoff
    cap: float = 8.0  # largest single backoff
    jitter: Callable[[], float] = field(default=random.random, compare=False)

    def backoff(self, attempt: int) -> float:
        """Delay after failed attempt number `attempt` (1-based): base*2^(n-1), capped, then
        scaled by a random factor in [0.5, 1.0) so that parallel callers spread out."""
        raw = min(self.cap, self.base * (2 ** max(0, attempt - 1)))
        return float(raw * (0.5 + 0.5 * self.jitter()))

    def rate_limit_wait(self, headers: Mapping[str, str], now: float, attempt: int) -> float:
        """Delay after a 429: Retry-After, else x-ratelimit-reset, else backoff; plus jitter."""
        delay = retry_after(headers, now)
        if delay is None:
            reset = header_float(headers, "x-ratelimit-reset")
            if reset is not None and reset > now:
                delay = reset - now
        if delay is None:
            return self.backoff(attempt)
        delay = min(delay, MAX_RATE_LIMIT_WAIT)
        return delay + delay * 0.2 * self.jitter() + 0.05 * self.jitter()


def retryable_status(status: int) -> bool:
    return status == 429 or status >= 500


def header_float(headers: Mapping[str, str], name: str) -> float | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def header_int(headers: Mapping[str, str], name: str) -> int | None:
    value = header_float(headers, name)
    return int(value) if value is not None else None


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """`Retry-After` as seconds from now: delta-seconds or an HTTP date; None if absent/invalid."""
    raw = headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - now)
