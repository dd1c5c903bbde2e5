"""A local stand-in for the Actions part of the Auth0 Management API (not Auth0).

from reconciler.emulator import EmulatorConfig, start_emulator
with start_emulator(EmulatorConfig(build_seconds=0.05)) as emu:
    ...  # emu.url, emu.client_id, emu.client_secret, emu.request_log
"""

from __future__ import annotations

from reconciler.emulator.clock import Clock, FakeClock, RealClock
from reconciler.emulator.config import (
    ALL_SCOPES,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    ClientSpec,
    EmulatorConfig,
)
from reconciler.emulator.faults import FAULT_KINDS
from reconciler.emulator.reqlog import RequestRecord
from reconciler.emulator.server import Emulator, start_emulator

__all__ = [
    "ALL_SCOPES",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "FAULT_KINDS",
    "ClientSpec",
    "Clock",
    "Emulator",
    "EmulatorConfig",
    "FakeClock",
    "RealClock",
    "RequestRecord",
    "start_emulator",
]
