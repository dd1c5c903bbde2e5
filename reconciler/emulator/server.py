"""Start and stop the emulator: a threaded werkzeug server on a background thread."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from reconciler.core.errors import ReconcilerError
from reconciler.core.interrupts import quiet_thread
from reconciler.emulator.app import EmulatorApp
from reconciler.emulator.auth import Auth
from reconciler.emulator.clock import Clock
from reconciler.emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, EmulatorConfig
from reconciler.emulator.faults import Faults
from reconciler.emulator.httpd import ConnectionSet, KeepAliveHandler
from reconciler.emulator.reqlog import RequestLog, RequestRecord
from reconciler.emulator.seed import normalise_loaded, seed_action
from reconciler.emulator.seed_modules import seed_module
from reconciler.emulator.tenant import Tenant
from reconciler.emulator.tls import make_certificate, server_context


def _listen(host: str, port: int, tmp: str | None) -> socket.socket:
    """Bind and listen, turning a taken port into one clear error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        reason = exc.strerror or str(exc)
        raise ReconcilerError(f"emulator: cannot listen on {host}:{port}: {reason}") from None
    return sock


class Emulator:
    """A running emulator. Use `start_emulator(cfg)`; stop with `stop()` or a `with` block."""

    client_id = DEFAULT_CLIENT_ID
    client_secret = DEFAULT_CLIENT_SECRET

    def __init__(self, cfg: EmulatorConfig) -> None:
        self.cfg = cfg
        self.tenant = Tenant(cfg)
        with self.tenant.lock:
            normalise_loaded(self.tenant)
        self.faults = Faults(cfg.fault_rate, cfg.seed)
        self._log = RequestLog()
        self.auth = Auth(self.tenant, cfg.all_clients())
        self.app = EmulatorApp(self.tenant, self.auth, self.faults, self._log)
        self._tmp: str | None = None
        self.ca_file: str | None = None
        ssl_context = None
        if cfg.tls:
            self._tmp = tempfile.mkdtemp(prefix="reconciler-emulator-tls-")
            cert, key = make_certificate(Path(self._tmp))
            self.ca_file = str(cert)
            ssl_context = server_context(cert, key)
        listener = _listen(cfg.host, cfg.port, self._tmp)
        try:
            self._server: BaseWSGIServer = make_server(
                cfg.host,
                cfg.port,
                self.app,
                threaded=True,
                request_handler=KeepAliveHandler,
                ssl_context=ssl_context,
                fd=listener.fileno(),  # werkzeug dups it; we bound it so errors are ours
            )
        finally:
            listener.close()
        self._connections = ConnectionSet()
        self._server.connections = self._connections  # type: ignore[attr-defined]
        self.port: int = int(self._server.server_address[1])
        host = f"[{cfg.host}]" if ":" in cfg.host else cfg.host
        self.domain = f"{host}:{self.port}"
        self.url = f"{'https' if cfg.tls else 'http'}://{self.domain}"
        self.app.base_url, self.app.domain = self.url, self.domain
        self._thread = threading.Thread(
            target=self._serve,
            name="reconciler-emulator",
            daemon=True,
        )
        self._stopped = False

    def _serve(self) -> None:
        quiet_thread()  # its request threads inherit the mask: Ctrl-C goes to the main thread
        self._server.serve_forever(poll_interval=0.02)  # shutdown() waits one poll interval

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> Emulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut down, join the thread, persist the state (if a file is configured)."""
        if self._stopped:
            return
        self._stopped = True
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()
        self._connections.close_all()  # kept-alive connections: the emulator is gone for them too
        with self.tenant.lock:
            self.tenant.persist()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> Emulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ---------------------------------------------------------------- test hooks

    @property
    def clock(self) -> Clock:
        return self.tenant.clock

    @property
    def request_log(self) -> list[RequestRecord]:
        return self._log.snapshot()

    def clear_log(self) -> None:
        self._log.clear()

    def set_fault_rate(self, rate: float) -> None:
        self.faults.set_rate(rate)

    def add_client(self, client_id: str, secret: str, scopes: tuple[str, ...] | list[str]) -> None:
        self.auth.add_client(client_id, secret, scopes)

    def seed(self, actions: list[dict[str, Any]]) -> list[str]:
        """Add raw actions (marketplace ones too, or Action objects exactly as a real
        `GET /actions/actions/{id}` returned them, on any runtime: see emulator/seed.py);
        returns their ids."""
        with self.tenant.lock:
            ids = [seed_action(self.tenant, raw)["id"] for raw in actions]
            self.tenant.persist()
        return ids

    def seed_modules(self, modules: list[dict[str, Any]]) -> list[str]:
        """Add Actions Modules (published once unless `published` says otherwise: see
        emulator/seed_modules.py); returns their ids."""
        with self.tenant.lock:
            ids = [seed_module(self.tenant, raw)["id"] for raw in modules]
            self.tenant.persist()
        return ids


def start_emulator(cfg: EmulatorConfig | None = None) -> Emulator:
    """Start an emulator on a background thread and return it (also a context manager)."""
    return Emulator(cfg or EmulatorConfig()).start()
