"""One masker for every output path: stdout, stderr, logs, plan files, journals, error text.

Each resolved secret value (and every access token / client secret) is registered here once;
`mask()` replaces every registered value with `***`. Values shorter than MIN_LEN are not masked
inside text (they would garble output); the loader refuses such secret values instead.
"""

from __future__ import annotations

import logging
import threading

MIN_LEN = 4
MASK = "***"


class Masker:
    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()
        self._ordered: list[str] = []

    def register(self, value: str | None) -> None:
        if not value or len(value) < MIN_LEN:
            return
        with self._lock:
            if value not in self._values:
                self._values.add(value)
                # longest first, so a value containing another is replaced whole
                self._ordered = sorted(self._values, key=len, reverse=True)

    def mask(self, text: str) -> str:
        for value in self._ordered:
            if value in text:
                text = text.replace(value, MASK)
        return text

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._ordered = []


#: The process-wide masker. Tests may call MASKER.clear().
MASKER = Masker()


def register(value: str | None) -> None:
    MASKER.register(value)


def mask(text: str) -> str:
    return MASKER.mask(text)


class MaskingFilter(logging.Filter):
    """A logging filter that masks the fully formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = MASKER.mask(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
