"""Fixtures for the client tests: an emulator over loopback HTTP and clients bound to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.token import Credentials
from reconciler.emulator import Emulator, EmulatorConfig, start_emulator


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., Emulator]]:
    started: list[Emulator] = []

    def make(**overrides: Any) -> Emulator:
        settings: dict[str, Any] = {"rate_limit": 1000.0, "burst": 1000, "build_seconds": 0.05}
        settings.update(overrides)
        emu = start_emulator(EmulatorConfig(**settings))
        started.append(emu)
        return emu

    try:
        yield make
    finally:
        for emu in started:
            emu.stop()


@pytest.fixture
def emu(make_emulator: Callable[..., Emulator]) -> Emulator:
    return make_emulator()


@pytest.fixture
def make_client() -> Iterator[Callable[..., Auth0Client]]:
    made: list[Auth0Client] = []

    def make(emu: Emulator, **overrides: Any) -> Auth0Client:
        creds = overrides.pop("credentials", None) or Credentials(emu.client_id, emu.client_secret)
        settings: dict[str, Any] = {"rate_limit": 200.0, "burst": 200, "backoff": (0.01, 0.05)}
        settings.update(overrides)
        client = Auth0Client(emu.url, creds, **settings)
        made.append(client)
        return client

    try:
        yield make
    finally:
        for client in made:
            client.close()


@pytest.fixture
def client(emu: Emulator, make_client: Callable[..., Auth0Client]) -> Auth0Client:
    return make_client(emu)
