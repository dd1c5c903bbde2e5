"""The tenant: state + clock + configuration + one lock, and the lookups every route needs."""

from __future__ import annotations

import threading
from typing import Any

from reconciler.emulator import builds, state
from reconciler.emulator.config import EmulatorConfig
from reconciler.emulator.replies import not_found
from reconciler.emulator.state import Record, TenantState
from reconciler.emulator.triggers import TriggerCatalogue

MAX_ACTIONS = 100
MAX_VERSIONS = 50
MAX_BINDINGS = 20


class Tenant:
    """Holds the data; callers take `lock` around every read-modify-write."""

    def __init__(self, cfg: EmulatorConfig, data: TenantState | None = None) -> None:
        self.cfg = cfg
        self.clock = cfg.clock
        self.catalogue = (
            TriggerCatalogue() if cfg.triggers is None else TriggerCatalogue(cfg.triggers)
        )
        self.data = data if data is not None else state.load(cfg.state_file)
        self.lock = threading.RLock()

    def now(self) -> float:
        return self.clock.time()

    def persist(self) -> None:
        state.save(self.data, self.cfg.state_file)

    # ------------------------------------------------------------------ lookups

    def action(self, action_id: str) -> Record:
        found = self.data.actions.get(action_id)
        if found is None:
            raise not_found()
        return found

    def action_by_name(self, name: str) -> Record | None:
        for rec in self.data.actions.values():
            if rec["name"] == name:
                return rec
        return None

    def versions(self, action_id: str) -> list[Record]:
        return self.data.versions.setdefault(action_id, [])

    def deployed_version(self, rec: Record) -> Record | None:
        vid = rec.get("deployed_version_id")
        for ver in self.versions(rec["id"]):
            if ver["id"] == vid:
                return ver
        return None

    def build_status(self, build: dict[str, Any]) -> str:
        return builds.status(build, self.now(), self.cfg.build_seconds)

    def is_deployed(self, rec: Record) -> bool:
        """Bindable: a deployed version exists and its build has finished successfully."""
        ver = self.deployed_version(rec)
        return ver is not None and self.build_status(ver["build"]) == "built"

    def bound_triggers(self, action_id: str) -> list[str]:
        return [
            tid
            for tid, items in self.data.bindings.items()
            if any(b["action_id"] == action_id for b in items)
        ]
