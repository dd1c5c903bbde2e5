"""Ctrl-C reaches the main thread, wherever it waits.

POSIX delivers a Ctrl-C (a process-directed SIGINT) to any thread that does not block it, and
CPython runs the Python handler (KeyboardInterrupt) only in the main thread: a main thread
blocked in a read or on a lock does not wake while the signal sits with a worker, so under load
a Ctrl-C could go unheard until the work ended. So every thread the tool starts blocks SIGINT
(`quiet_thread`, run first in each), leaving the main thread the only one the kernel can pick,
and the apply prompt waits on stdin and the signal wakeup fd together (`read_line`).
"""

from __future__ import annotations

import os
import select
import signal
import sys


def quiet_thread() -> None:
    """Block SIGINT in the calling (worker) thread; a ThreadPoolExecutor initializer."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def read_line(limit: int) -> str:
    """One line of stdin (at most `limit` characters). In the main thread it also wakes when a
    signal arrives, so a Ctrl-C raises KeyboardInterrupt at once."""
    stream = sys.stdin
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return stream.readline(limit)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    try:
        previous = signal.set_wakeup_fd(wake_w)
    except ValueError:  # not the main thread
        os.close(wake_r)
        os.close(wake_w)
        return stream.readline(limit)
    try:
        while True:
            ready, _, _ = select.select([fd, wake_r], [], [])
            if fd in ready:
                return stream.readline(limit)
            os.read(wake_r, 512)  # a signal came: its Python handler runs next (Ctrl-C raises)
    finally:
        signal.set_wakeup_fd(previous)
        os.close(wake_r)
        os.close(wake_w)
