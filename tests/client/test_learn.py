"""Learning the tenant's limit: the refill estimator on pure data, the pacer on a fake clock,
and the client against emulators at the Enterprise (16/s, burst 50) and free (2/s, burst 2)
limits with no --rate-limit (issue 16)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.learn import RefillEstimator, TenantPacer
from reconciler.auth0.ratelimit import BucketState, TokenBucket
from reconciler.emulator import Emulator

from .fakes import FakeTime


def test_the_estimate_is_a_lower_bound_from_the_longest_clean_window() -> None:
    est = RefillEstimator()
    # an Enterprise bucket (50) refilling at 16/s, drained faster than it refills
    est.add(0.0, 49, 50, 1)  # the probe: the bucket was full, the window starts here
    est.add(0.5, 37, 50, 21)  # 50 - 21 + 8: too short a window to judge
    assert est.rate is None
    est.add(1.5, 33, 50, 41)  # refilled 33 - 49 + 40 = 24 tokens, minus 1 for the rounding
    assert est.rate == 23 / 1.5
    est.add(1.6, 40, 50, 30)  # an older request answered late: ignored
    est.add(2.5, 30, 50, 60)
    assert est.rate == 39 / 2.5
    est.add(6.0, 49, 50, 61)  # idle: the bucket ran full, this window under-counts the refill
    assert est.rate == 39 / 2.5
    est.add(7.5, 44, 50, 90)  # a new window, shorter than the best one: kept as is
    assert est.rate == 39 / 2.5


def test_windows_that_end_on_a_full_bucket_only_count_while_nothing_better_exists() -> None:
    est = RefillEstimator()
    est.add(0.0, 0, 10, 1)
    est.add(2.0, 9, 10, 3)  # full: (9 - 0 + 2 - 1) / 2 = 5
    assert est.rate == 5.0
    est.add(2.5, 5, 10, 8)
    est.add(4.0, 2, 10, 15)  # clean: (2 - 9 + 12 - 1) / 2 = 2
    assert est.rate == 2.0


def pacer(cap: TokenBucket | None = None) -> tuple[TenantPacer, FakeTime]:
    t = FakeTime()
    return TenantPacer(cap, clock=t.time, sleep=t.sleep), t


def test_without_headers_the_pacer_keeps_8_per_second_burst_8() -> None:
    p, t = pacer()
    waits = [p.ticket()[0] for _ in range(9)]
    assert waits == [0.0] * 8 + [pytest.approx(0.125)]
    assert p.state() == BucketState(8.0, 8, 0.0)


def test_the_first_answer_sets_the_bucket_less_the_reserve_and_the_requests_in_flight() -> None:
    p, _ = pacer()
    assert p.ticket() == (0.0, 1)
    p.observe(1, 50, 49)
    # 49 left minus 10 reserved (20 % of 50); a quarter of the bucket per second until measured
    assert p.state() == BucketState(12.5, 40, 39.0)
    seqs = [p.ticket()[1] for _ in range(5)]
    assert seqs == [2, 3, 4, 5, 6]
    p.observe(3, 50, 47)  # requests 4, 5 and 6 are not charged in this answer yet
    assert p.state().tokens == 47 - 3 - 10
    p.observe(2, 50, 48)  # older than what we already followed: no effect
    assert p.state().tokens == 34.0


def test_a_learned_rate_paces_at_90_percent_and_the_cap_still_rules() -> None:
    p, t = pacer()
    p.ticket()
    p.observe(1, 50, 49)
    for _ in range(39):
        p.ticket()
    t.now += 2.0
    p.observe(40, 50, 41)  # 41 - 49 + 39 - 1 = 30 tokens in 2 s
    assert p.state() == BucketState(15.0 * 0.9, 40, 31.0)
    capped, _ = pacer(TokenBucket(4.0, 4, clock=t.time, sleep=t.sleep))
    capped.ticket()
    capped.observe(1, 50, 49)
    assert capped.state() == BucketState(4.0, 4, 3.0)


def test_a_429_slows_the_pace_and_waits_for_a_near_reset() -> None:
    p, t = pacer()
    p.ticket()
    p.observe(1, 2, 0)  # the free tier: no reserve, prior 0.5/s
    start = t.now
    p.penalise(until=start + 3)
    assert p.state().rate == 0.375
    waited, seq = p.ticket()
    assert (waited, seq) == (pytest.approx(3.0), 2)


def test_a_reset_promises_one_token_sooner_than_the_slow_prior() -> None:
    p, t = pacer()
    p.ticket()
    start = t.now
    p.observe(1, 2, 0, reset=start + 0.4)  # prior 0.5/s would wait 2 s for the next token
    assert p.ticket() == (pytest.approx(0.4), 2)
    p.observe(2, 2, 0, reset=start + 3600)  # a reset too far away is not believed
    assert p.ticket()[0] == pytest.approx(2.0)


def test_requests_sent_before_the_reset_use_up_its_promise() -> None:
    p, t = pacer()
    p.ticket()
    p.observe(1, 2, 1, reset=t.now + 0.4)  # 1 token now, 2 by the reset
    waits = [p.ticket()[0] for _ in range(3)]
    # the second waits for the reset; the third for the 0.5/s prior: the promise is spent
    assert waits == [0.0, pytest.approx(0.4), pytest.approx(2.0)]


def test_the_token_request_passes_the_cap_only() -> None:
    t = FakeTime()  # the cap's second token is a second away: on the fake clock, not the real one
    p = TenantPacer(TokenBucket(1.0, 1, clock=t.time, sleep=t.sleep), clock=t.time, sleep=t.sleep)
    assert p.ticket(api=False) == (0.0, 0)
    assert p.ticket(api=True)[1] == 1


def test_a_token_answer_only_bounds_the_first_burst() -> None:
    p, _ = pacer()
    p.bound(1)  # the token endpoint said 1 left: start with at most that, learn no limit
    assert p.state() == BucketState(8.0, 8, 1.0)
    p.bound(50)  # a larger bucket never raises what we assume
    assert p.state() == BucketState(8.0, 8, 1.0)
    assert [p.ticket()[0] for _ in range(2)] == [0.0, pytest.approx(0.125)]


def _hammer(client: Auth0Client, requests: int) -> float:
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: client.list_triggers(), range(requests)))
    return time.monotonic() - started


@pytest.mark.slow
@pytest.mark.parametrize(
    ("rate", "burst", "requests"),
    [(16.0, 50, 100), (2.0, 2, 10)],
    ids=["enterprise", "free"],
)
def test_defaults_follow_the_tenant_with_no_429(
    make_emulator: Callable[..., Emulator],
    make_client: Callable[..., Auth0Client],
    rate: float,
    burst: int,
    requests: int,
) -> None:
    emu = make_emulator(rate_limit=rate, burst=burst, latency_ms=20)
    client = make_client(emu, rate_limit=None, burst=None)
    client.authenticate()
    wall = _hammer(client, requests)
    assert client.stats.rate_limited == 0
    learned = client.engine.bucket.estimator.rate
    assert learned is not None
    assert learned <= rate * 1.05  # a lower bound, never above the tenant's real rate
    print(f"learned {learned:.2f}/s, wall {wall:.2f} s")
    # all but the usable burst at the tenant's rate, with room for a busy machine
    usable = burst - int(burst * 0.2)
    assert wall < (requests - usable) / rate * 1.6 + 1.0
