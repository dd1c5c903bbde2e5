"""The manifests' digest: sha256 of a canonical JSON of the desired state, the same for the same
manifests wherever their files lie."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from reconciler.core.model import DesiredAction, DesiredModule, DesiredState, DesiredTriggerBindings


def _canonical(state: DesiredState) -> dict[str, Any]:
    def action(a: DesiredAction) -> dict[str, Any]:
        used = {"modules": [[m.name, m.version, m.external] for m in a.modules]}
        return (used if a.modules else {}) | {
            "name": a.name,
            "trigger": a.trigger,
            "trigger_version": a.trigger_version,
            "runtime": a.runtime,
            "code": a.code,
            "dependencies": [[d.name, d.version] for d in a.dependencies],
            "secrets": [[s.name, s.var] for s in a.secrets],
            "deploy": a.deploy,
            "protect": a.protect,
        }

    def bindings(b: DesiredTriggerBindings) -> dict[str, Any]:
        entries = [[e.action, e.display_name, e.external] for e in b.entries]
        return {"trigger": b.trigger, "entries": entries}

    def module(m: DesiredModule) -> dict[str, Any]:
        return {
            "name": m.name,
            "code": m.code,
            "dependencies": [[d.name, d.version] for d in m.dependencies],
            "secrets": [[s.name, s.var] for s in m.secrets],
            "publish": m.publish,
            "protect": m.protect,
        }

    # modules appear only when used, so the digest of manifests without them is unchanged
    modules = {"modules": [module(m) for m in state.modules]} if state.modules else {}
    return modules | {
        "format": 1,
        "actions": [action(a) for a in state.actions],
        "bindings": [bindings(b) for b in state.bindings],
        "settings": {"prune": state.settings.prune, "ignore": list(state.settings.ignore)},
    }


def compute_digest(state: DesiredState) -> str:
    """sha256 of a canonical JSON of the desired state: secret names and var names, no values,
    no file locations (moving a file does not change the digest)."""
    text = json.dumps(_canonical(state), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
