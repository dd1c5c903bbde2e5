"""The soak's invariants, checked through raw HTTP (not reconciler's client) and, for secret
values, through the emulator's own state (it keeps a sha256 digest of each value)."""

from __future__ import annotations

import contextlib
import hashlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

import requests
from soak_world import Spec, World

from reconciler.emulator import Emulator
from reconciler.emulator.ratelimit import TokenBucket

TRAILER = "// managed-by: reconciler"
Json = dict[str, Any]


def _content(obj: Json) -> tuple[Any, ...]:
    deps = sorted((d["name"], d["version"]) for d in obj.get("dependencies") or [])
    names = sorted(s["name"] for s in obj.get("secrets") or [])
    return str(obj.get("code")).split(TRAILER)[0], obj.get("runtime"), deps, names


class Observer:
    def __init__(self, emu: Emulator, fault_rate: float) -> None:
        self.emu, self.fault_rate = emu, fault_rate
        self.http = requests.Session()
        self.windows: list[tuple[int, int]] = []  # request-log ranges made by the checks
        self._token: str | None = None

    @contextlib.contextmanager
    def window(self) -> Iterator[None]:
        """Faults off and the rate limit lifted while the checks look (the checks are not
        the system under test); the tenant's own bucket is put back afterwards."""
        app = self.emu.app
        bucket = app.bucket
        app.bucket = TokenBucket(100000.0, 100000, self.emu.clock)
        self.emu.set_fault_rate(0.0)
        start = len(self.emu.request_log)
        try:
            yield
        finally:
            self.windows.append((start, len(self.emu.request_log)))
            self.emu.set_fault_rate(self.fault_rate)
            app.bucket = bucket

    def _headers(self) -> dict[str, str]:
        if self._token is None:
            body = {
                "grant_type": "client_credentials",
                "client_id": self.emu.client_id,
                "client_secret": self.emu.client_secret,
                "audience": f"https://{self.emu.domain}/api/v2/",
            }
            reply = self.http.post(f"{self.emu.url}/oauth/token", json=body, timeout=10)
            self._token = str(reply.json()["access_token"])
        return {"Authorization": f"Bearer {self._token}"}

    def get(self, path: str) -> Any:
        reply = self.http.get(f"{self.emu.url}/api/v2{path}", headers=self._headers(), timeout=10)
        if reply.status_code != 200:
            raise RuntimeError(f"GET {path}: {reply.status_code} {reply.text[:200]}")
        return reply.json()

    def actions(self) -> list[Json]:
        found: list[Json] = []
        for page in range(100):
            chunk = self.get(f"/actions/actions?per_page=100&page={page}")["actions"]
            found += chunk
            if len(chunk) < 100:
                break
        return found

    def snapshot(self, ids: list[str]) -> dict[str, Json]:
        return {i: self.get(f"/actions/actions/{i}") for i in ids}

    def always(self, live: list[Json], pristine: dict[str, Json]) -> list[str]:
        """What must hold at every moment, even right after a killed apply."""
        names = Counter(a["name"] for a in live)
        problems = [f"duplicate action name {n} ({c}x)" for n, c in names.items() if c > 1]
        for action_id, before in self.snapshot(list(pristine)).items():
            if before != pristine[action_id]:
                problems.append(f"seeded action {before['name']} was changed")
        return problems

    def converged(self, world: World, live: list[Json], confirmed: set[str]) -> list[str]:
        """After a completed apply: the tenant is exactly what the world declares."""
        problems: list[str] = []
        by_name = {a["name"]: a for a in live}
        managed = {a["name"] for a in live if TRAILER in (a.get("code") or "")}
        for name in sorted(managed - set(world.actions) - set(world.kept)):
            problems.append(f"orphaned managed action {name}")
        for name in sorted((set(world.kept) & confirmed) - set(by_name)):
            problems.append(f"{name} was removed with prune off but is gone")
        for name, spec in sorted(world.actions.items()):
            problems += self._action(world, name, spec, by_name.get(name))
        for trigger, entries in sorted(world.bindings.items()):
            found = self.get(f"/actions/triggers/{trigger}/bindings?per_page=100")["bindings"]
            got = [(b["action"]["name"], b["display_name"]) for b in found]
            want = [(n, d or n) for n, d in entries]
            if got != want:
                problems.append(f"bindings of {trigger}: {got} != declared {want}")
        return problems

    def _action(self, world: World, name: str, spec: Spec, live: Json | None) -> list[str]:
        if live is None:
            return [f"action {name} is missing"]
        deployed = live.get("deployed_version") or {}
        facts = {
            "code": _content(live)[0] == spec.code(name),
            "protect": ('"protect":true' in live["code"].replace(" ", "")) == spec.protect,
            "runtime": live["runtime"] == spec.runtime,
            "trigger": live["supported_triggers"][0]["id"] == spec.trigger,
            "dependencies": {d["name"]: d["version"] for d in live["dependencies"]} == spec.deps,
            "secret names": sorted(s["name"] for s in live["secrets"]) == sorted(spec.secrets),
            # a protect-only change rewrites the draft's trailer without a deploy (by design),
            # so the deployed version must hold the draft's content, trailers aside
            "deployed version": bool(deployed) and _content(deployed) == _content(live),
            "secret values": self._values(live["id"], spec, world),
        }
        return [f"action {name}: {what} differs" for what, ok in facts.items() if not ok]

    def _values(self, action_id: str, spec: Spec, world: World) -> bool:
        with self.emu.tenant.lock:
            secrets = self.emu.tenant.data.actions[action_id]["secrets"]
            stored = {s["name"]: s["value_digest"] for s in secrets}
        want = {
            s: hashlib.sha256(world.values[spec.var(s)].encode()).hexdigest() for s in spec.secrets
        }
        return stored == want

    def count(self, slow_ms: float) -> tuple[int, int, Counter[str]]:
        """(requests by reconciler, requests by the checks, faults the tool met by kind)."""
        skip = {i for start, end in self.windows for i in range(start, end)}
        tool = checks = 0
        faults: Counter[str] = Counter()
        for index, record in enumerate(self.emu.request_log):
            if index in skip:
                checks += 1
                continue
            tool += 1
            if record.status in (500, 503):
                faults[str(record.status)] += 1
            elif record.status == 0:
                faults["dropped"] += 1
            elif record.status == 429:
                faults["429"] += 1
            elif record.ms >= slow_ms:
                faults["slow"] += 1
        return tool, checks, faults
