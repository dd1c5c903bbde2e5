"""Retry delays: backoff, 429 reset handling, Retry-After parsing."""

from __future__ import annotations

import pytest

from reconciler.auth0.retry import RetryPolicy, header_int, retry_after, retryable_status

NOW = 1_767_225_600.0


def policy(j: float) -> RetryPolicy:
    return RetryPolicy(max_tries=5, max_total_wait=30, base=0.5, cap=4.0, jitter=lambda: j)


def test_backoff_doubles_up_to_the_cap_with_jitter_between_half_and_full() -> None:
    assert [policy(0.0).backoff(n) for n in range(1, 6)] == [0.25, 0.5, 1.0, 2.0, 2.0]
    assert [policy(1.0).backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 4.0]


def test_429_waits_until_the_reset_plus_up_to_20_percent_jitter() -> None:
    headers = {"x-ratelimit-reset": str(int(NOW) + 2)}
    assert policy(0.0).rate_limit_wait(headers, NOW, 1) == 2.0
    assert policy(1.0).rate_limit_wait(headers, NOW, 1) == pytest.approx(2.0 + 0.4 + 0.05)


def test_retry_after_wins_over_the_reset_header() -> None:
    headers = {"retry-after": "7", "x-ratelimit-reset": str(int(NOW) + 2)}
    assert policy(0.0).rate_limit_wait(headers, NOW, 1) == 7.0


def test_429_without_usable_headers_falls_back_to_backoff() -> None:
    assert policy(0.0).rate_limit_wait({"x-ratelimit-reset": str(int(NOW) - 5)}, NOW, 2) == 0.5
    assert policy(0.0).rate_limit_wait({"x-ratelimit-reset": "soon"}, NOW, 1) == 0.25


def test_a_far_reset_is_capped_at_a_minute() -> None:
    headers = {"x-ratelimit-reset": str(int(NOW) + 86400)}
    assert policy(0.0).rate_limit_wait(headers, NOW, 1) == 60.0


def test_retry_after_as_seconds_or_http_date() -> None:
    assert retry_after({"retry-after": "3"}, NOW) == 3.0
    assert retry_after({"retry-after": "Thu, 01 Jan 2026 00:00:10 GMT"}, NOW) == 10.0
    assert retry_after({"retry-after": "whenever"}, NOW) is None
    assert retry_after({}, NOW) is None


def test_header_int_ignores_garbage() -> None:
    assert header_int({"x-ratelimit-remaining": " 4 "}, "x-ratelimit-remaining") == 4
    assert header_int({"x-ratelimit-remaining": "nan"}, "x-ratelimit-remaining") is None
    assert header_int({"x-ratelimit-remaining": "many"}, "x-ratelimit-remaining") is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [(429, True), (500, True), (503, True), (400, False), (404, False), (409, False)],
)
def test_only_429_and_5xx_are_retryable(status: int, expected: bool) -> None:
    assert retryable_status(status) is expected
