"""The request loop: token, client-side rate limit, retries, error mapping, statistics.

`call()` sends one logical request and returns its parsed JSON body. Retry rules (retry.py):
429 waits for the reset, 5xx / timeouts / dropped connections back off, any other 4xx is raised at
once. A request that may already have changed the tenant ("uncertain": a 5xx, a timeout or a
connection dropped after sending) is only re-sent by non-idempotent callers after their `recover`
check said it did not go through.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from reconciler.auth0 import errormap
from reconciler.auth0.learn import TenantPacer
from reconciler.auth0.retry import RetryPolicy, header_float, header_int, retryable_status
from reconciler.auth0.stats import StatsRecorder
from reconciler.auth0.token import Credentials, IssuedToken, TokenCache
from reconciler.auth0.transport import Params, Reply, Transport, TransportFailure
from reconciler.core.errors import ApiError

TOKEN_PATH = "/oauth/token"  # noqa: S105 - a URL path
UNANSWERED_TRIES = 2  # attempts of a connect that times out before the host ever answered


class Resend:
    """Returned by a `recover` check: the first attempt did not go through, send it again."""


RESEND = Resend()
Recover = Callable[[], Any]  # returns RESEND or the result to use


class Engine:
    def __init__(
        self,
        transport: Transport,
        credentials: Credentials,
        bucket: TenantPacer,
        policy: RetryPolicy,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self.transport = transport
        self.bucket = bucket
        self.policy = policy
        self.stats = StatsRecorder()
        self.credentials = credentials
        self._clock = clock
        self._sleep = sleep
        self._answered = False  # has the host ever answered? (connection failures before: no retry)
        self._calibrated = threading.Event()  # has the Management API answered once?
        self._probe = threading.Lock()
        self.tokens = TokenCache(credentials, self._fetch_token, clock=clock)

    def calibrated(self, timeout: float) -> bool:
        """Has the Management API answered once (the probe is over)? Waits up to `timeout`."""
        return self._calibrated.wait(timeout)

    @property
    def domain(self) -> str:
        return self.transport.endpoint.domain

    def _fetch_token(self) -> IssuedToken:
        body = {
            "grant_type": "client_credentials",
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
            "audience": f"https://{self.domain}/api/v2/",
        }
        reply = self.call("POST", TOKEN_PATH, body=body, auth=False)
        token = reply.get("access_token") if isinstance(reply, dict) else None
        expires = reply.get("expires_in", 86400) if isinstance(reply, dict) else None
        if not isinstance(token, str) or not token or not isinstance(expires, int | float):
            raise errormap.malformed("POST", TOKEN_PATH, 200, "no access_token / expires_in")
        self.stats.token_fetched()
        return IssuedToken(token, float(expires))

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        auth: bool = True,
        recover: Recover | None = None,
        gone_ok: bool = False,
    ) -> Any:
        """One logical request with retries; the parsed JSON body (None for an empty body).

        `recover`: for non-idempotent requests, called before re-sending after an uncertain
        failure. `gone_ok`: a 404 after an uncertain failure means the first attempt did it.
        """
        tries = 0
        waited = 0.0
        refreshed = False
        uncertain = False
        while True:
            tries += 1
            if uncertain and recover is not None:
                found = recover()
                if found is not RESEND:
                    return found
            token = self.tokens.get() if auth else None
            outcome, delay, error, uncertain_now = self._attempt(
                method, path, params, body, token, tries
            )
            if error is None:
                return outcome
            if (
                isinstance(error, ApiError)
                and error.status == 401
                and auth
                and token is not None
                and not refreshed
                and "expired" in error.message.lower()
                and self.tokens.invalidate(token)
            ):
                refreshed = True
                tries -= 1
                continue
            if gone_ok and uncertain and isinstance(error, ApiError) and error.status == 404:
                return None
            if delay is None or tries >= self.policy.max_tries:
                raise error
            if waited + delay > self.policy.max_total_wait:
                raise error
            uncertain = uncertain or uncertain_now
            self._sleep(delay)
            waited += delay
            self.stats.retried(delay)

    def _attempt(
        self,
        method: str,
        path: str,
        params: Params | None,
        body: Any,
        token: str | None,
        tries: int,
    ) -> tuple[Any, float | None, ApiError | None, bool]:
        """(result, retry delay or None, error or None, uncertain).

        Until the Management API has answered once, its bucket's state is unknown (another run
        may just have drained it), so the first API request goes alone as a probe; its
        `x-ratelimit-*` headers calibrate the client-side bucket before anything fans out.
        The /oauth/token answer does not end the probe: on Auth0 it reports the Authentication
        API's own bucket (it still adapts the bucket down, which is never unsafe).
        """
        if path == TOKEN_PATH or self._calibrated.is_set():
            return self._exchange(method, path, params, body, token, tries)
        with self._probe:
            if not self._calibrated.is_set():
                return self._exchange(method, path, params, body, token, tries)
        return self._exchange(method, path, params, body, token, tries)

    def _exchange(
        self,
        method: str,
        path: str,
        params: Params | None,
        body: Any,
        token: str | None,
        tries: int,
    ) -> tuple[Any, float | None, ApiError | None, bool]:
        throttled, seq = self.bucket.ticket(api=path != TOKEN_PATH)
        try:
            reply = self.transport.send(method, path, params=params, body=body, token=token)
        except TransportFailure as failure:
            self.stats.sent(method, failure.kind, throttled=throttled)
            error = errormap.connection_error(
                method, path, failure.kind, failure.detail, self.domain
            )
            retry = self._retry_failure(failure.kind, tries)
            return None, self.policy.backoff(tries) if retry else None, error, failure.sent
        self._answered = True
        self.stats.sent(method, str(reply.status), throttled=throttled)
        if path != TOKEN_PATH:
            self._observe(reply, seq)
            self._calibrated.set()
        else:  # on Auth0 these headers describe the Authentication API's bucket: bound only
            remaining = header_int(reply.headers, "x-ratelimit-remaining")
            if remaining is not None:
                self.bucket.bound(remaining)
        return self._judge(method, path, reply, tries)

    def _retry_failure(self, kind: str, tries: int) -> bool:
        """Retry a timeout or a dropped connection. A server that kept dripping past the
        deadline is not retried (it would only drip again). Before the host has ever answered,
        a refused connection is not retried and a connect timeout once (UNANSWERED_TRIES), so a
        wrong or dead address fails in seconds."""
        if kind in ("timeout", "dropped"):
            return True
        if kind in ("refused", "unreachable"):
            return self._answered or (kind == "unreachable" and tries < UNANSWERED_TRIES)
        return False

    def _observe(self, reply: Reply, seq: int) -> None:
        remaining = header_int(reply.headers, "x-ratelimit-remaining")
        limit = header_int(reply.headers, "x-ratelimit-limit")
        if limit is not None or remaining is not None:
            reset = header_float(reply.headers, "x-ratelimit-reset")
            self.bucket.observe(seq, limit, remaining, reset)

    def _judge(
        self, method: str, path: str, reply: Reply, tries: int
    ) -> tuple[Any, float | None, ApiError | None, bool]:
        status = reply.status
        if 200 <= status < 300:
            if reply.problem is not None:
                return None, None, errormap.malformed(method, path, status, reply.problem), False
            return reply.body, None, None, False
        error = errormap.from_response(
            method, path, status, reply.body, self.domain, note=reply.problem
        )
        if status == 429:
            delay = self.policy.rate_limit_wait(reply.headers, self._clock(), tries)
            self.bucket.penalise(until=header_float(reply.headers, "x-ratelimit-reset"))
            return None, delay, error, False
        if retryable_status(status):  # 5xx: the server may have acted before failing
            return None, self.policy.backoff(tries), error, True
        return None, None, error, False  # any other 4xx is an answer
