"""Learning the tenant's Management API limit from its `x-ratelimit-*` answers (issue 16).

Auth0 limits are a token bucket (auth0-actions-api.md §5.2): `x-ratelimit-limit` is its size and
`x-ratelimit-remaining` what it holds after this request was charged. The refill rate is not
sent, so `RefillEstimator` measures it: between two answers `a` and `b` the tenant charged the
requests sent in between (`b.seq - a.seq`, our own send order) and refilled
`b.remaining - a.remaining + (b.seq - a.seq)` tokens, give or take one because `remaining` is
rounded down. `(that - 1) / elapsed` is therefore a lower bound of the refill rate. It is only
exact while the bucket never ran full (a full bucket stops refilling), so a window that ends on
an answer with `remaining >= limit - 1` starts a new window. `x-ratelimit-reset` is not used for
the rate: it is rounded up to a whole second, and at 16/s the next token is 1/16 s away.

`TenantPacer` mirrors the tenant's bucket: every newer answer sets our tokens to what the tenant
holds (`remaining`) minus our requests it has not charged yet, minus a reserve; between answers
they refill at the learned rate. Before a rate is learned it assumes a quarter of the bucket per
second (every documented plan refills at least that: free 2 of 2, Essentials 2.5 of 10,
Enterprise 16 of 50). `x-ratelimit-reset` (when the tenant adds the next token) is a promise too:
one more token than the answer left by that time (less what we send meanwhile), whichever comes
first; a waiting request looks again every SLICE seconds, so a newer answer can let it go.
That is what lets a slow prior climb: the answers then show a bucket that is not full, and the
estimator measures the real rate. Without any header it falls back to 8/s, burst 8.

Margin for shared tenants (another tool, or a colleague's apply, writing at the same time):
- RESERVE_SHARE: 20 % of the tenant's bucket (10 of 50; none of the free tier's 2) is never
  spent, so another tool's burst of that size still gets through without a 429, and Auth0's
  `api_limit_warning` (logged at 80 % of a bucket) is not triggered by us alone;
- RATE_MARGIN: between answers we refill at 90 % of the learned rate, which covers the
  estimate's timing error and leaves a tenth of the refill to others. Their requests show up as a
  lower `remaining`, which we follow, so we yield to a sustained second writer instead of racing.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from reconciler.auth0.ratelimit import (
    DEFAULT_BURST,
    DEFAULT_RATE,
    MAX_GATE,
    MIN_RATE,
    BucketState,
    TokenBucket,
)

RESERVE_SHARE = 0.2
RATE_MARGIN = 0.9
PRIOR_SHARE = 0.25  # refill assumed per second, as a share of the bucket, until one is measured
MIN_WINDOW = 1.0  # seconds: shorter windows are dominated by timing noise
PENALTY = 0.75  # a 429 slows the pace by a quarter
SLICE = 0.25  # a waiting request looks again this often: a newer answer may let it go sooner


@dataclass(frozen=True, slots=True)
class Sample:
    at: float  # when the answer arrived (our clock)
    remaining: int
    seq: int  # the request's place in our send order


class RefillEstimator:
    """A lower bound of the tenant's refill rate from successive answers (pure; no clock)."""

    def __init__(self, min_window: float = MIN_WINDOW) -> None:
        self.min_window = min_window
        self._anchor: Sample | None = None
        self._best: tuple[float, float] | None = None  # (window seconds, rate) of a clean window
        self._clipped: float | None = None  # best rate from windows that ended on a full bucket
        self._last_seq = 0

    @property
    def rate(self) -> float | None:
        if self._best is not None:
            return self._best[1]
        return self._clipped

    def add(self, at: float, remaining: int, limit: int, seq: int) -> None:
        """One answer. Answers older (in send order) than one already seen are ignored."""
        if seq <= self._last_seq:
            return
        self._last_seq = seq
        sample = Sample(at, remaining, seq)
        full = remaining >= limit - 1
        anchor = self._anchor
        if anchor is None:
            self._anchor = sample
            return
        window = at - anchor.at
        if window >= self.min_window:
            bound = max(0.0, (remaining - anchor.remaining + (seq - anchor.seq) - 1) / window)
            self._record(window, bound, full)
        if full:
            self._anchor = sample

    def _record(self, window: float, bound: float, full: bool) -> None:
        if full:  # the bucket filled up inside the window: a lower bound, but a loose one
            self._clipped = max(self._clipped or 0.0, bound)
        elif self._best is None or window >= self._best[0]:
            self._best = (window, bound)  # the longest clean window is the most precise


class TenantPacer:
    """Thread-safe; `ticket()` blocks until one request may be sent. `cap`: the user's
    `--rate-limit` bucket, which the pacer never exceeds."""

    def __init__(
        self,
        cap: TokenBucket | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.cap = cap
        self.estimator = RefillEstimator()
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._limit: int | None = None
        self._factor = 1.0  # lowered by 429s
        self._tokens = float(DEFAULT_BURST)
        self._last = clock()
        self._not_before = 0.0
        self._issued = 0  # Management API requests sent so far
        self._synced = 0  # seq of the newest answer the tokens were set from
        self._promise: tuple[float, float] | None = None  # (reset, tokens the tenant has by then)

    # ------------------------------------------------------------------ derived values

    def _reserve(self) -> int:
        return math.floor(self._limit * RESERVE_SHARE) if self._limit else 0

    def _burst(self) -> int:
        return max(1, self._limit - self._reserve()) if self._limit else DEFAULT_BURST

    def _pace(self) -> float:
        if self._limit is None:
            base = DEFAULT_RATE
        else:
            learned = self.estimator.rate
            base = learned * RATE_MARGIN if learned else self._limit * PRIOR_SHARE
        return max(MIN_RATE, base * self._factor)

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._last)
        self._tokens = min(float(self._burst()), self._tokens + elapsed * self._pace())
        self._last = now
        if self._promise is not None and now >= self._promise[0]:
            self._tokens = max(self._tokens, self._promise[1])
            self._promise = None

    def _wait(self, now: float) -> float:
        wait = (1.0 - self._tokens) / self._pace()
        if self._promise is not None:
            wait = min(wait, self._promise[0] - now)
        return max(self._not_before - now, wait)

    def state(self) -> BucketState:
        with self._lock:
            self._refill(self._clock())
            rate, burst, tokens = self._pace(), self._burst(), self._tokens
        if self.cap is not None:
            capped = self.cap.state()
            rate, burst = min(rate, capped.rate), min(burst, capped.burst)
            tokens = min(tokens, capped.tokens)
        return BucketState(rate, burst, tokens)

    # ------------------------------------------------------------------ the request loop

    def ticket(self, *, api: bool = True) -> tuple[float, int]:
        """(seconds waited, this request's seq). `api=False`: a request the Management API's
        bucket does not charge (the token): only the user's cap applies, seq is 0."""
        waited = self.cap.acquire() if self.cap is not None else 0.0
        if not api:
            return waited, 0
        while True:
            with self._lock:
                now = self._clock()
                self._refill(now)
                if now >= self._not_before and self._tokens >= 1.0:
                    self._tokens -= 1.0
                    self._issued += 1
                    if self._promise is not None:  # the tenant will charge this one too
                        self._promise = (self._promise[0], self._promise[1] - 1.0)
                    return waited, self._issued
                wait = self._wait(now)
            wait = min(max(wait, 0.001), SLICE)
            self._sleep(wait)
            waited += wait

    def observe(
        self, seq: int, limit: int | None, remaining: int | None, reset: float | None = None
    ) -> None:
        """One Management API answer's headers (`seq` from its ticket)."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            if limit is not None and limit >= 1:
                self._limit = limit
                if remaining is not None:
                    self.estimator.add(now, remaining, limit, seq)
            if remaining is not None and seq > self._synced:
                self._synced = seq
                unseen = self._issued - seq  # sent after this one: not charged in `remaining`
                self._tokens = min(
                    float(self._burst()), float(remaining - unseen - self._reserve())
                )
                self._promise = None
                if reset is not None and 0 < reset - now <= MAX_GATE:
                    level = min(float(self._burst()), self._tokens + 1.0)
                    self._promise = (reset, level)

    def bound(self, remaining: int) -> None:
        """An answer from another bucket (the token endpoint's) that says only `remaining`
        requests are left: start no larger a burst than that, and learn nothing else from it.
        On Auth0 that bucket is the larger one, so this only matters where the two are one (a
        new run right after another drained a shared bucket, as on the emulator)."""
        with self._lock:
            self._refill(self._clock())
            self._tokens = min(self._tokens, float(max(0, remaining)))

    def penalise(self, until: float | None = None) -> None:
        """A 429: slow down by a quarter, empty the bucket, wait for `until` if it is near."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            self._factor = max(0.01, self._factor * PENALTY)  # _pace() stops at MIN_RATE
            self._tokens = min(self._tokens, 0.0)
            if until is not None and 0 < until - now <= MAX_GATE:
                self._not_before = max(self._not_before, until)
        if self.cap is not None:
            self.cap.penalise(until)
