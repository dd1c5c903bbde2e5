"""One HTTP exchange with the tenant: URL policy, TLS, bounded body reading, the request log line.

- HTTPS with certificate verification always (the system store or `--ca-bundle`); there is no
  switch to turn verification off. Plain `http://` only for loopback hosts.
- Bodies are read with a size cap; a non-JSON or broken body is reported, never raised raw.
- Every exchange (connect, TLS, headers, body) has a wall-clock deadline, DEADLINE seconds by
  default: a server that drips bytes fails with kind "deadline" instead of hanging (deadline.py).
- Each exchange logs one masked line to the `reconciler.http` logger:
  `GET /api/v2/actions/actions?page=0&per_page=100 -> 200 (12 ms)`.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from requests.auth import AuthBase

from reconciler.auth0.deadline import DeadlineAdapter, deadline
from reconciler.core.errors import ReconcilerError, clip
from reconciler.core.masking import MaskingFilter

LOG = logging.getLogger("reconciler.http")
LOG.addFilter(MaskingFilter())
MAX_BODY = 64 * 1024 * 1024  # a page of 100 actions with 100 kB of code, twice, fits easily
DEADLINE = 30.0  # seconds for one whole exchange, connect included
Params = Mapping[str, str | int | bool]


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    # `localhost` itself only: `*.localhost` names may go to DNS (glibc without systemd-resolved
    # does), which could answer with a public address for a plain-http request
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A validated tenant base URL and the domain used for the token audience."""

    base_url: str  # scheme://host[:port], no trailing slash
    domain: str  # host[:port] as the tenant calls itself

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ReconcilerError(f"not a tenant URL: {clip(url)!r} (expected https://DOMAIN)")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ReconcilerError(
                "a tenant URL takes no user, password, query or fragment; "
                "credentials come from AUTH0_* environment variables"
            )
        if parts.path not in ("", "/"):
            raise ReconcilerError(
                f"a tenant URL has no path: {clip(url)!r} (expected https://DOMAIN)"
            )
        host = parts.hostname
        if parts.scheme == "http" and not is_loopback(host):
            raise ReconcilerError(
                f"refusing plain http:// for non-loopback host {host}; use https://"
            )
        try:
            port = parts.port
        except ValueError:
            raise ReconcilerError(f"bad port in tenant URL {clip(url)!r}") from None
        shown = f"[{host}]" if ":" in host else host
        netloc = shown if port is None else f"{shown}:{port}"
        return cls(f"{parts.scheme}://{netloc}", netloc)


class Bearer(AuthBase):
    """Sets the Authorization header (and keeps requests from applying ~/.netrc instead)."""

    def __init__(self, token: str | None) -> None:
        self._token = token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if self._token is not None:
            r.headers["Authorization"] = f"Bearer {self._token}"
        return r


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: Any  # parsed JSON, or None if empty or unreadable
    problem: str | None  # why the body could not be used
    ms: float


class TransportFailure(Exception):
    """No HTTP answer. `sent`: the request may have reached (and changed) the server."""

    def __init__(self, kind: str, detail: str, *, sent: bool) -> None:
        super().__init__(detail)
        self.kind = kind  # dns | refused | unreachable | tls | timeout | deadline | dropped
        self.detail = detail
        self.sent = sent


def _classify(exc: requests.RequestException) -> TransportFailure:
    chain = repr(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        return TransportFailure(
            "tls", "TLS handshake failed (certificate not trusted?)", sent=False
        )
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return TransportFailure("unreachable", "connect timed out", sent=False)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return TransportFailure("timeout", "read timed out", sent=True)
    if "NameResolutionError" in chain or "Name or service not known" in chain:
        return TransportFailure("dns", "cannot resolve the host name", sent=False)
    if "NewConnectionError" in chain or "Connection refused" in chain:
        return TransportFailure("refused", "connection refused", sent=False)
    return TransportFailure("dropped", "connection dropped before a response", sent=True)


def _parse(raw: bytes, content_type: str, truncated: bool) -> tuple[Any, str | None]:
    if truncated:
        return None, f"response body larger than {MAX_BODY // (1024 * 1024)} MB"
    if not raw.strip():
        return None, None
    try:
        return json.loads(raw.decode("utf-8")), None
    except (UnicodeDecodeError, ValueError, RecursionError):
        kind = clip(content_type.split(";")[0].strip(), 60) or "no content type"
        return None, f"response is not JSON ({kind}, {len(raw)} bytes)"


class Transport:
    """A pooled `requests.Session` bound to one tenant endpoint."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        ca_bundle: str | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        deadline: float = DEADLINE,
        pool_size: int = 16,
        clock: Callable[[], float] = time.perf_counter,
        logger: logging.Logger | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.log = logger or LOG
        if not any(isinstance(f, MaskingFilter) for f in self.log.filters):
            self.log.addFilter(MaskingFilter())
        self._verify: str | bool = ca_bundle if ca_bundle else True
        self._timeout = timeout
        self.deadline = deadline
        self._clock = clock
        self.session = requests.Session()
        # loopback: no proxies from the environment; elsewhere honour them (corporate networks)
        self.session.trust_env = not is_loopback(urlsplit(endpoint.base_url).hostname or "")
        adapter = DeadlineAdapter(pool_connections=1, pool_maxsize=pool_size)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers.update({"Accept": "application/json", "User-Agent": "reconciler"})

    def close(self) -> None:
        self.session.close()

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        token: str | None = None,
    ) -> Reply:
        target = path + (f"?{urlencode(_wire_params(params))}" if params else "")
        start = self._clock()
        try:
            reply = self._exchange(method, target, body, token, start)
        except TransportFailure as failure:
            ms = (self._clock() - start) * 1000
            self.log.info("%s %s -> %s (%d ms)", method, target, failure.detail, ms)
            raise
        self.log.info("%s %s -> %d (%d ms)", method, target, reply.status, reply.ms)
        return reply

    def _exchange(
        self, method: str, target: str, body: Any, token: str | None, start: float
    ) -> Reply:
        with deadline(self.deadline) as watch:
            try:
                reply = self._exchange_once(method, target, body, token, start)
            except TransportFailure:
                if not watch.expired:
                    raise
                reply = None
        if watch.expired:  # also when a shut-down socket looked like a short, complete body
            detail = f"no complete response within {self.deadline:g} s (deadline)"
            raise TransportFailure("deadline", detail, sent=True)
        assert reply is not None
        return reply

    def _exchange_once(
        self, method: str, target: str, body: Any, token: str | None, start: float
    ) -> Reply:
        try:
            resp = self.session.request(
                method,
                self.endpoint.base_url + target,
                json=body,
                auth=Bearer(token),
                timeout=self._timeout,
                verify=self._verify,
                allow_redirects=False,
                stream=True,
            )
        except requests.RequestException as exc:
            raise _classify(exc) from None
        try:
            chunks: list[bytes] = []
            size = 0
            truncated = False
            for chunk in resp.iter_content(65536):
                size += len(chunk)
                if size > MAX_BODY:
                    truncated = True
                    break
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise _classify(exc) from None
        finally:
            resp.close()
        payload, problem = _parse(b"".join(chunks), resp.headers.get("content-type", ""), truncated)
        if 300 <= resp.status_code < 400:
            problem = "unexpected redirect (is --tenant the tenant's own domain?)"
            payload = None
        ms = (self._clock() - start) * 1000
        return Reply(resp.status_code, resp.headers, payload, problem, ms)


def _wire_params(params: Params) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in params.items():
        if isinstance(value, bool):
            out.append((key, "true" if value else "false"))
        else:
            out.append((key, str(value)))
    return out


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (so pytest's capture sees it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def enable_request_log() -> None:
    """`--verbose`: one line per request on stderr (idempotent)."""
    if not any(isinstance(h, _StderrHandler) for h in LOG.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("reconciler: http: %(message)s"))
        LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
