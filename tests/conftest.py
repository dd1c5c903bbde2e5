"""Suite-wide guards: no test sees the developer's Auth0 credentials or reconciler settings,
colour is off, and the process-wide secret masker starts empty for every test."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

from reconciler import masking

pytest_plugins = ["tests.support"]  # the shared emu / api fixtures


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
