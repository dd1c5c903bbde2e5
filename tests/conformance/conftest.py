"""A fake-clock emulator per test (builds finish when the replay says the recorded one had)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reconciler.emulator import Emulator, EmulatorConfig, FakeClock, start_emulator
from tests.conformance.replay import Replayer


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emu(clock: FakeClock, request: pytest.FixtureRequest) -> Iterator[Emulator]:
    marker = request.node.get_closest_marker("emulator")
    options = {"build_seconds": 1.0, "clock": clock, "burst": 10_000}
    options.update(marker.kwargs if marker else {})
    server = start_emulator(EmulatorConfig(**options))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def replay(emu: Emulator, clock: FakeClock) -> Replayer:
    return Replayer(emu, clock)
