"""Suite-wide guards: no test sees the developer's Auth0 credentials or reconciler settings,
colour is off, and the process-wide secret masker starts empty for every test."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

from reconciler.apply import waits
from reconciler.core import masking

# the shared emu / api fixtures; node's verdict once per distinct source (tests/node_memo.py);
# SUITE_CPU_REPORT=DIR: the CPU each test costs (tests/cpu_report.py)
pytest_plugins = ["tests.support", "tests.node_memo", "tests.cpu_report"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first: with pytest-xdist they then run while the quick ones fill the other
    workers, instead of starting last and setting the wall time on their own."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


#: the build time of the suite's emulators (tests/support.py, tests/client/conftest.py)
FAST_BUILD_S = 0.05


@pytest.fixture(autouse=True)
def _fast_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process applies wait for builds as long as the suite's emulators take (0.05 s), not
    the 1 s of an Auth0 build (a test that needs the real waits sets it back itself)."""
    monkeypatch.setattr(waits, "EXPECTED_BUILD_S", FAST_BUILD_S)


@pytest.fixture(autouse=True)
def _isolate_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(("AUTH0_", "RECONCILER_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    masking.MASKER.clear()
    yield
    masking.MASKER.clear()
    http_log = logging.getLogger("reconciler.http")  # --verbose run in-process by a CLI test
    http_log.handlers.clear()
    http_log.setLevel(logging.NOTSET)
