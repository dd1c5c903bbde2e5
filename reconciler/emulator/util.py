"""Small helpers shared by the emulator modules: ids, timestamps, digests."""

from __future__ import annotations

import functools
import hashlib
import uuid
from datetime import UTC, datetime


def new_id() -> str:
    return str(uuid.uuid4())


@functools.lru_cache(maxsize=8192)
def rfc3339(epoch: float) -> str:
    """RFC3339 in UTC with nanosecond digits, the way the Management API writes timestamps.
    (Memoised: a list of 100 actions formats the same few hundred stored stamps every time.)"""
    whole = int(epoch // 1)
    nanos = round((epoch - whole) * 1_000_000_000)
    if nanos >= 1_000_000_000:
        whole, nanos = whole + 1, nanos - 1_000_000_000
    base = datetime.fromtimestamp(whole, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{nanos:09d}Z"


def digest(value: str) -> str:
    """A one-way digest: the emulator keeps this instead of a secret value or a token."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()
