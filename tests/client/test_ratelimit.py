"""The client-side token bucket, driven by a fake clock."""

from __future__ import annotations

import pytest

from reconciler.auth0.ratelimit import MIN_RATE, TokenBucket

from .fakes import FakeTime


def bucket(rate: float = 2.0, burst: int = 2) -> tuple[TokenBucket, FakeTime]:
    t = FakeTime()
    return TokenBucket(rate, burst, clock=t.time, sleep=t.sleep), t


def test_burst_is_free_then_requests_are_spaced_at_the_rate() -> None:
    b, t = bucket(2.0, 2)
    waits = [b.acquire() for _ in range(5)]
    assert waits == [0.0, 0.0, pytest.approx(0.5), pytest.approx(0.5), pytest.approx(0.5)]
    assert t.now == pytest.approx(1_767_225_600.0 + 1.5)


def test_refill_is_capped_at_the_burst() -> None:
    b, t = bucket(2.0, 2)
    t.now += 100
    assert [b.acquire() for _ in range(3)] == [0.0, 0.0, pytest.approx(0.5)]


def test_penalise_slows_down_and_gates_until_the_reset() -> None:
    b, t = bucket(4.0, 4)
    start = t.now
    b.penalise(until=start + 3)
    assert b.state().rate == 3.0
    assert b.acquire() == pytest.approx(3.0)
    assert t.now == pytest.approx(start + 3)


def test_penalise_never_goes_below_the_floor_and_ignores_far_resets() -> None:
    b, t = bucket(0.3, 1)
    start = t.now
    for _ in range(10):
        b.penalise(until=start + 3600)
    assert b.state().rate == MIN_RATE
    assert b.acquire() == pytest.approx(1 / MIN_RATE)


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="rate must be"):
        TokenBucket(0, 1)
    with pytest.raises(ValueError, match="rate must be"):
        TokenBucket(1, 0)
