"""Drive an emulator (real loopback HTTP) with a recorded request sequence and collect every
divergence of its replies from the recorded ones."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import requests

from reconciler.emulator import Emulator, FakeClock
from tests.conformance import recorded

TERMINAL = {"built", "failed"}


def _statuses(body: Any) -> set[str]:
    """Build statuses of the actions in a recorded reply (an action, or a list of them)."""
    if not isinstance(body, dict):
        return set()
    items = body.get("actions", [body])
    return {str(a.get("status")) for a in items if isinstance(a, dict) and "code" in a}


@dataclass
class Replayer:
    emu: Emulator
    clock: FakeClock
    ids: dict[str, str] = field(default_factory=dict)
    divergences: list[str] = field(default_factory=list)
    replies: list[tuple[dict[str, Any], Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        body = {
            "grant_type": "client_credentials",
            "client_id": self.emu.client_id,
            "client_secret": self.emu.client_secret,
            "audience": f"https://{self.emu.domain}/api/v2/",
        }
        token = requests.post(f"{self.emu.url}/oauth/token", json=body, timeout=10).json()
        self.headers = {"Authorization": f"Bearer {token['access_token']}"}

    def _map(self, text: str) -> str:
        return recorded.UUID.sub(lambda m: self.ids.get(m.group(0), m.group(0)), text)

    def send(self, it: dict[str, Any]) -> requests.Response:
        url = f"{self.emu.url}/api/v2{self._map(it['path'])}"
        if it["query"]:
            url += "?" + self._map(it["query"])
        data = None if it["request"] is None else self._map(json.dumps(it["request"]))
        headers = {**self.headers, "Content-Type": "application/json"}
        return requests.request(it["method"], url, data=data, headers=headers, timeout=10)

    def step(self, it: dict[str, Any]) -> Any:
        """Replay one interaction; returns the emulator's reply body (JSON or None)."""
        if _statuses(it["response"]) & TERMINAL:
            self.clock.advance(self.emu.cfg.build_seconds)  # the recorded build had finished
        resp = self.send(it)
        got = resp.json() if resp.content else None
        where = f"#{it['index']} {it['method']} {it['path']}"
        if resp.status_code != it["status"]:
            self.divergences.append(f"{where}: status {resp.status_code}, recorded {it['status']}")
        self.divergences += [f"{where} {d}" for d in recorded.diff(it["response"], got)]
        inv = recorded.reply_invariants(it["method"], it["path"], got)
        self.divergences += [f"{where} invariant: {d}" for d in inv]
        recorded.ids_in(it["response"], got, self.ids)
        self.replies.append((it, got))
        return got

    def run(
        self, fixture: dict[str, Any], skip: Collection[int] = (), *, modules: bool = False
    ) -> list[str]:
        """`modules`: replay the `/actions/modules` interactions too (the suites written before
        the emulator served modules leave them out)."""
        for it in fixture["interactions"]:
            if it["index"] in skip:
                continue
            if modules or not it["path"].startswith("/actions/modules"):
                self.step(it)
        return self.divergences

    def only(self, fixture: dict[str, Any], path_part: str, method: str) -> list[Any]:
        """The emulator replies to the replayed requests of one endpoint."""
        return [
            got for it, got in self.replies if it["method"] == method and path_part in it["path"]
        ]
