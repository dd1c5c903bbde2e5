"""scrypt that lets other threads run: OpenSSL's `EVP_PBE_scrypt` called through ctypes.

`hashlib.scrypt` calls the very same OpenSSL function but holds the GIL while it runs (CPython
3.11: two threads hashing took as long as one), so verifying a plan's 100 live secret digests
could use one core only. A ctypes call releases the GIL, so the threads of `run_parallel` hash
on every core. The function is taken from the libcrypto that `_hashlib` itself is linked
against (same library, same code, same result), and a known vector is checked against
`hashlib.scrypt` before it is used; anything unexpected falls back to `hashlib.scrypt`. The cost
parameters are not changed: this is the same memory-hard hash, computed concurrently.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from reconciler.core.interrupts import quiet_thread

Scrypt = Callable[[bytes, bytes, int, int, int, int, int], bytes]
T = TypeVar("T")
_VECTOR = (b"reconciler\x00password", b"\x00salt", 16, 1, 1, 1 << 20, 16)
MIN_PARALLEL = 8  # fewer jobs than this run inline: threads cost more than they save

_lock = threading.Lock()
_loaded = False
_native: Scrypt | None = None


def hashlib_scrypt(
    data: bytes, salt: bytes, n: int, r: int, p: int, maxmem: int, dklen: int
) -> bytes:
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen)


def _bind() -> Scrypt | None:
    """The ctypes binding, or None where it cannot be had (no ctypes, another libcrypto)."""
    try:
        import _hashlib
        import ctypes

        fn: Any = ctypes.CDLL(_hashlib.__file__).EVP_PBE_scrypt
    except (ImportError, OSError, AttributeError):
        return None
    size, u64, text = ctypes.c_size_t, ctypes.c_uint64, ctypes.c_char_p
    fn.argtypes = [text, size, text, size, u64, u64, u64, u64, text, size]
    fn.restype = ctypes.c_int

    def native(data: bytes, salt: bytes, n: int, r: int, p: int, maxmem: int, dklen: int) -> bytes:
        out = ctypes.create_string_buffer(dklen)
        if fn(data, len(data), salt, len(salt), n, r, p, maxmem, out, dklen) != 1:
            # the parameters were refused (e.g. maxmem): let hashlib raise its own error
            return hashlib_scrypt(data, salt, n, r, p, maxmem, dklen)
        return out.raw

    try:
        same = native(*_VECTOR) == hashlib_scrypt(*_VECTOR)
    except (ctypes.ArgumentError, ValueError, OSError):
        return None
    return native if same else None


def native() -> Scrypt | None:
    """The GIL-releasing scrypt (loaded and self-checked once), or None."""
    global _loaded, _native
    with _lock:
        if not _loaded:
            _native = _bind()
            _loaded = True
    return _native


def current() -> Scrypt:
    """The scrypt to call now: the GIL-free one once `native()` loaded it, else hashlib's (a
    lone hash does not need the binding, so it is not loaded for one)."""
    return _native if _native is not None else hashlib_scrypt


def workers() -> int:
    """Threads worth running: the processors this process may use, at most 4."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


def run_parallel(jobs: Sequence[T], work: Callable[[T], object]) -> None:
    """Run `work` on every job, on several threads when there are many jobs, this machine has
    several processors and the GIL-free scrypt is available (else in this thread: there would
    be nothing to gain). The first exception is raised."""
    count = workers()
    if len(jobs) < MIN_PARALLEL or count < 2 or native() is None:
        _each(jobs, work)
        return
    with ThreadPoolExecutor(count, "digests", quiet_thread) as pool:
        for _ in pool.map(work, jobs):
            pass


def _each(jobs: Iterable[T], work: Callable[[T], object]) -> None:
    for job in jobs:
        work(job)
