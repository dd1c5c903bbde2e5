"""Fault injection: scripted exact faults (the nth matching request) and a random fault rate.

Kinds: "500", "503", "429" (answered before the handler runs: the request has no effect),
"drop" (connection closed without a response, before the handler), "slow" (a delay, then the
normal response) and "drop-after" (the handler runs and its change is kept, then the connection is
dropped: the "did my POST go through?" case).
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass

FAULT_KINDS = frozenset({"500", "503", "429", "drop", "slow", "drop-after"})
RANDOM_KINDS = ("500", "503", "drop", "slow")


@dataclass
class ScriptedFault:
    method: str  # "*" for any
    path_glob: str
    nth: int  # 1-based: the nth matching request gets the fault
    fault: str
    times: int = 1  # how many consecutive matching requests from the nth on
    seen: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method.upper())) and fnmatch.fnmatchcase(path, self.path_glob)


class Faults:
    """Thread-safe fault plan."""

    def __init__(self, rate: float = 0.0, seed: int | None = None) -> None:
        self._rate = rate
        self._rng = random.Random(seed)  # noqa: S311 - fault injection, not cryptography
        self._script: list[ScriptedFault] = []
        self._lock = threading.Lock()

    def script(
        self,
        method: str = "*",
        path_glob: str = "*",
        nth: int = 1,
        fault: str = "503",
        times: int = 1,
    ) -> None:
        """From now on, the `nth` request matching method + glob (and `times - 1` more) faults."""
        if fault not in FAULT_KINDS:
            raise ValueError(f"unknown fault {fault!r}; expected one of {sorted(FAULT_KINDS)}")
        if nth < 1 or times < 1:
            raise ValueError("nth and times must be >= 1")
        with self._lock:
            self._script.append(ScriptedFault(method.upper(), path_glob, nth, fault, times))

    def clear(self) -> None:
        with self._lock:
            self._script.clear()
            self._rate = 0.0

    def set_rate(self, rate: float) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        with self._lock:
            self._rate = rate

    def decide(self, method: str, path: str, *, api: bool) -> str | None:
        """The fault for this request, or None. Random faults only hit /api/v2 requests."""
        with self._lock:
            chosen: str | None = None
            for rule in self._script:
                if rule.matches(method, path):
                    rule.seen += 1
                    if chosen is None and rule.nth <= rule.seen < rule.nth + rule.times:
                        chosen = rule.fault
            self._script = [r for r in self._script if r.seen < r.nth + r.times - 1]
            if chosen is None and api and self._rate > 0 and self._rng.random() < self._rate:
                chosen = self._rng.choice(RANDOM_KINDS)
            return chosen
