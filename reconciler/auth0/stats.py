"""Request counters of one client, safe to update from the applier's thread pool."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Stats:
    requests: int = 0  # HTTP attempts sent, the token request and retries included
    retries: int = 0  # attempts that repeated an earlier one
    rate_limited: int = 0  # 429 answers received
    token_fetches: int = 0
    throttle_seconds: float = 0.0  # time spent waiting for the client-side bucket
    retry_wait_seconds: float = 0.0  # time spent backing off between attempts
    by_method: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)  # "200", "429", "dropped", ...


class StatsRecorder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests = 0
        self._retries = 0
        self._rate_limited = 0
        self._token_fetches = 0
        self._throttle = 0.0
        self._retry_wait = 0.0
        self._by_method: Counter[str] = Counter()
        self._by_status: Counter[str] = Counter()

    def sent(self, method: str, outcome: str, *, throttled: float) -> None:
        with self._lock:
            self._requests += 1
            self._by_method[method] += 1
            self._by_status[outcome] += 1
            self._throttle += throttled
            if outcome == "429":
                self._rate_limited += 1

    def retried(self, waited: float) -> None:
        with self._lock:
            self._retries += 1
            self._retry_wait += waited

    def token_fetched(self) -> None:
        with self._lock:
            self._token_fetches += 1

    def snapshot(self) -> Stats:
        with self._lock:
            return Stats(
                requests=self._requests,
                retries=self._retries,
                rate_limited=self._rate_limited,
                token_fetches=self._token_fetches,
                throttle_seconds=self._throttle,
                retry_wait_seconds=self._retry_wait,
                by_method=dict(self._by_method),
                by_status=dict(self._by_status),
            )
