"""Credentials and the access-token cache.

A token from client credentials is cached and renewed shortly before `expires_in` runs out (10 %
of its lifetime, at most 30 s early), and once more when the API answers 401 "expired". A
pre-issued `AUTH0_ACCESS_TOKEN` cannot be renewed. Every secret and token is registered with the
process-wide masker the moment it is known.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from reconciler.core import masking

MAX_LEEWAY = 30.0


@dataclass(frozen=True, slots=True)
class Credentials:
    """Either a client id + secret (client credentials grant) or a pre-issued access token."""

    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        has_pair = bool(self.client_id) and bool(self.client_secret)
        if not has_pair and not self.access_token:
            raise ValueError("credentials need a client id and secret, or an access token")
        masking.register(self.client_secret)
        masking.register(self.access_token)

    @property
    def renewable(self) -> bool:
        return bool(self.client_id) and bool(self.client_secret)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    value: str = field(repr=False)
    expires_in: float  # seconds, as the server said


#: Fetches a new token (the client's POST /oauth/token, with its retries).
Fetcher = Callable[[], IssuedToken]


def leeway(expires_in: float) -> float:
    """How long before expiry a token is renewed."""
    return min(MAX_LEEWAY, max(0.0, expires_in) * 0.1)


class TokenCache:
    """Thread-safe: at most one thread fetches; the others wait for its result."""

    def __init__(
        self,
        credentials: Credentials,
        fetch: Fetcher,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._credentials = credentials
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = credentials.access_token
        self._renew_at = float("inf")
        self.fetches = 0

    @property
    def renewable(self) -> bool:
        return self._credentials.renewable

    def get(self) -> str:
        """A valid token, fetched or renewed if needed."""
        with self._lock:
            if self._token is not None and (not self.renewable or self._clock() < self._renew_at):
                return self._token
            issued = self._fetch()
            masking.register(issued.value)
            self.fetches += 1
            self._token = issued.value
            self._renew_at = self._clock() + issued.expires_in - leeway(issued.expires_in)
            return self._token

    def invalidate(self, token: str) -> bool:
        """Drop `token` after a 401 "expired". True if a fresh one can be fetched."""
        with self._lock:
            if not self.renewable:
                return False
            if self._token == token:
                self._token = None
            return True
