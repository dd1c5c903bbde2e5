"""The emulator's request handler: werkzeug's, with HTTP/1.1 keep-alive (issue 16).

Auth0 keeps a client's connections open between requests; werkzeug's development server answers
every request with `Connection: close` and then drains the socket, so each request paid a new
TCP connection and TLS handshake (2-10 ms of CPU on each side) that a real tenant does not charge.
This handler answers the way Auth0 does: the connection stays open unless the client asks to
close it. To stay in step with the byte stream it reads exactly the request body the
`Content-Length` announces (the app's unread rest is drained, up to `DRAIN_BYTES`, else the
connection is closed), and it sends whole responses with their own `Content-Length`. A chunked
request body, a response without a length, an error in the app or a dropped connection (the
`drop` faults) close the connection, as werkzeug would.

`Emulator.stop` shuts down every open connection (`ConnectionSet`): a client that keeps a pooled
connection must see a stopped emulator as gone, not be answered by its last handler thread.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterable
from typing import IO, Any, cast

from werkzeug.serving import WSGIRequestHandler
from werkzeug.wsgi import LimitedStream

IDLE_SECONDS = 60.0  # an idle keep-alive connection is closed after this (a read time-out)
DRAIN_BYTES = 1 << 20  # unread request body drained to keep the connection; more: close it


class ConnectionSet:
    """The sockets of the connections being served, so that a stop can close them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.add(sock)

    def discard(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)

    def close_all(self) -> None:
        with self._lock:
            socks, self._open = list(self._open), set()
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


_UNTRACKED = ConnectionSet()  # a server that keeps no set (never closed by a stop)


class KeepAliveHandler(WSGIRequestHandler):
    """No per-request access log on stderr (the request log is the record); keep-alive."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS

    def setup(self) -> None:
        super().setup()
        # a kept-alive connection is not flushed by a close: without this, Nagle holds a reply's
        # last small segment until the client's delayed ACK (~40 ms)
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._connections().add(self.connection)

    def finish(self) -> None:
        self._connections().discard(self.connection)
        super().finish()

    def _connections(self) -> ConnectionSet:
        found = getattr(self.server, "connections", None)  # set by Emulator
        return found if isinstance(found, ConnectionSet) else _UNTRACKED

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002 - werkzeug's name
        return None

    def run_wsgi(self) -> None:
        length = self.headers.get("Content-Length", "0").strip() or "0"
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower() or not length.isdigit():
            self.close_connection = True
            super().run_wsgi()  # werkzeug's own handling, then the connection closes
            return
        if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.environ = environ = self.make_environ()
        body = LimitedStream(cast("IO[bytes]", self.rfile), int(length))
        environ["wsgi.input"] = body
        reply: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> Any:
            reply[:] = [status, headers]
            return chunks.append

        chunks: list[bytes] = []
        try:
            result: Iterable[bytes] = self.server.app(environ, start_response)
            try:
                chunks.extend(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except ConnectionError:  # a `drop` fault (the app shut the socket) or a vanished client
            self.close_connection = True
            return
        except Exception:
            self.close_connection = True
            reply[:] = ["500 INTERNAL SERVER ERROR", [("Content-Type", "text/plain")]]
            chunks[:] = [b"Internal Server Error"]
        if not reply:
            self.close_connection = True
            return
        self._drain(body)
        self._send(reply[0], reply[1], b"".join(chunks))

    def _drain(self, body: LimitedStream) -> None:
        left = body.limit - body.tell()
        if left > DRAIN_BYTES:
            self.close_connection = True
        elif left > 0:
            try:
                body.exhaust()
            except Exception:  # the client went away mid-body
                self.close_connection = True

    def _send(self, status: str, headers: list[tuple[str, str]], data: bytes) -> None:
        code, _, message = status.partition(" ")
        self.send_response(int(code), message)
        has_length = False
        for key, value in headers:
            lowered = key.lower()
            if lowered == "connection":
                continue
            if lowered == "content-length":
                has_length = True
            self.send_header(key, value)
        if not has_length:
            self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()
