"""A wall-clock deadline for one whole HTTP exchange (connect, TLS, headers, body).

`requests` restarts its read timeout with every byte, so a server that drips one byte at a time
never times out. Here every exchange runs under a `Watch`; urllib3 connections built by
`DeadlineAdapter` attach a duplicate of their TCP socket to the current thread's watch, and one
watchdog thread shuts that socket down when the deadline passes. The blocked read then fails at
once, and the caller sees `watch.expired`.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from reconciler.core.interrupts import quiet_thread

_local = threading.local()


class Watch:
    """One exchange's deadline and the sockets to shut down when it passes."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self.expired = False
        self._done = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            if not self._done:
                self._socks.append(sock)
                if self.expired:
                    _shut(sock)

    def expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for sock in self._socks:
                _shut(sock)

    def finish(self) -> None:
        with self._lock:
            self._done = True
            self._socks.clear()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """One daemon thread expiring watches in deadline order."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Watch]] = []
        self._count = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, watch: Watch) -> None:
        with self._cond:
            heapq.heappush(self._heap, (watch.expires, next(self._count), watch))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="http-deadline", daemon=True)
                self._thread.start()
            if self._heap[0][2] is watch:  # only an earlier deadline changes the wait
                self._cond.notify()

    def _run(self) -> None:
        quiet_thread()
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                _, _, watch = heapq.heappop(self._heap)
            watch.expire()


_WATCHDOG = _Watchdog()


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[Watch]:
    """Run the block's HTTP exchange (this thread, a DeadlineAdapter session) under a deadline."""
    watch = Watch(seconds)
    _local.watch = watch
    _WATCHDOG.add(watch)
    try:
        yield watch
    finally:
        _local.watch = None
        watch.finish()


def _attach(conn: Any) -> None:
    watch = getattr(_local, "watch", None)
    sock = conn.__dict__.get("_watched_sock")
    if watch is not None and sock is not None:
        watch.attach(sock)


def _watch_new(conn: Any, sock: socket.socket) -> socket.socket:
    _forget(conn)
    conn.__dict__["_watched_sock"] = sock.dup()  # survives the TLS wrap (which detaches `sock`)
    _attach(conn)
    return sock


def _forget(conn: Any) -> None:
    old = conn.__dict__.pop("_watched_sock", None)
    if old is not None:
        old.close()


class _HTTPConnection(HTTPConnection):
    """A connection whose socket the deadline watchdog can shut down (the TLS one too)."""

    def _new_conn(self) -> socket.socket:
        return _watch_new(self, super()._new_conn())

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach(self)
        super().request(*args, **kwargs)

    def close(self) -> None:
        super().close()
        _forget(self)


class _HTTPSConnection(_HTTPConnection, HTTPSConnection):
    """The same watch, on HTTPS (the MRO puts the watch before urllib3's TLS connection)."""


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections can be shut down by their exchange's deadline."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
        return manager
