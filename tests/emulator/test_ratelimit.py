"""Token-bucket rate limiting driven by a fake clock: 429 bodies, headers, refill rate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from reconciler.emulator import Emulator, EmulatorConfig, FakeClock, start_emulator
from reconciler.emulator.ratelimit import TokenBucket

if TYPE_CHECKING:
    from tests.emulator.conftest import Api

LIMITED = {
    "statusCode": 429,
    "error": "Too Many Requests",
    "message": "Global limit has been reached",
    "errorCode": "too_many_requests",
}


@pytest.fixture
def slow_emu(clock: FakeClock) -> Iterator[Emulator]:
    server = start_emulator(EmulatorConfig(clock=clock, rate_limit=5, burst=5))
    try:
        yield server
    finally:
        server.stop()


def test_fifty_rapid_requests_then_refill(
    slow_emu: Emulator, clock: FakeClock, make_api: type[Api]
) -> None:
    api = make_api(slow_emu)  # /oauth/token does not spend API tokens
    start = int(clock.time())
    responses = [api.get("/actions/triggers") for _ in range(50)]
    codes = [r.status_code for r in responses]
    assert codes == [200] * 5 + [429] * 45
    assert [r.headers["x-ratelimit-remaining"] for r in responses[:6]] == [
        "4",
        "3",
        "2",
        "1",
        "0",
        "0",
    ]
    for r in responses:
        assert r.headers["x-ratelimit-limit"] == "5"
    assert responses[0].headers["x-ratelimit-reset"] == str(start + 1)  # ceil(now + 0.2 s)
    assert responses[-1].headers["x-ratelimit-reset"] == str(start + 1)
    assert responses[-1].json() == LIMITED
    clock.advance(0.2)  # one token at 5/s
    again = [api.get("/actions/triggers").status_code for _ in range(2)]
    assert again == [200, 429]
    clock.advance(10)  # the bucket is full again, never more than burst
    codes = [api.get("/actions/triggers").status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2


def test_bucket_refills_at_the_stated_rate() -> None:
    clock = FakeClock(1000.0)
    bucket = TokenBucket(rate=5, burst=5, clock=clock)
    assert [bucket.take().allowed for _ in range(6)] == [True] * 5 + [False]
    denied = bucket.take()
    assert (denied.remaining, denied.reset, denied.limit) == (0, 1001, 5)
    clock.advance(0.5)  # 2.5 tokens
    assert [bucket.take().allowed for _ in range(3)] == [True, True, False]
    clock.advance(0.1)  # 0.5 + 0.5 = 1 token
    assert bucket.take().allowed
    clock.advance(0.19)
    assert not bucket.take().allowed
    full = TokenBucket(rate=2, burst=3, clock=clock).peek()
    assert (full.remaining, full.reset) == (3, 1001)
