"""Compare emulator replies with recorded real Auth0 replies: shape, types, chosen values, and
the invariants that hold in every recorded sample."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "recorded"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: keys whose VALUES must match too (everything else: presence, type and nesting only)
VALUE_KEYS = frozenset(
    {
        "deployed", "all_changes_deployed", "number", "statusCode", "error", "message",
        "per_page", "page", "total", "display_name", "trigger_id", "version", "name", "code",
        "binding_policy", "default_runtime", "runtimes", "compatible_triggers",
        "all_changes_published", "actions_using_module_total", "version_number",
        "module_version_number", "module_name", "action_name",
    }
)  # fmt: skip
IN_PROGRESS = {"pending", "building", "retrying", "PENDING", "BUILDING", "RETRYING"}


def load(source: str, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / source / f"{name}.json").read_text("utf-8"))
    return data


def triggers_of(source: str, name: str) -> tuple[dict[str, Any], ...]:
    """The trigger list a recording's `GET /actions/triggers` returned (an era's catalogue)."""
    for it in load(source, name)["interactions"]:
        if it["path"] == "/actions/triggers":
            return tuple(it["response"]["triggers"])
    raise LookupError(f"{source}/{name}: no GET /actions/triggers")


def kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object", type(None): "null"}[type(value)]


def _trigger_key(t: Any) -> tuple[str, str]:
    return (str(t.get("id")), str(t.get("version"))) if isinstance(t, dict) else ("", "")


def _status_class(value: Any) -> Any:
    return "in-progress" if value in IN_PROGRESS else value


def diff(recorded: Any, emulated: Any, where: str = "$") -> list[str]:
    """Every divergence of `emulated` from `recorded`, one line each."""
    if kind(recorded) != kind(emulated):
        return [f"{where}: type {kind(emulated)}, recorded {kind(recorded)}"]
    if isinstance(recorded, dict):
        out = [f"{where}.{k}: missing" for k in recorded if k not in emulated]
        out += [f"{where}.{k}: not in the recording" for k in emulated if k not in recorded]
        for key in recorded:
            if key not in emulated:
                continue
            sub = f"{where}.{key}"
            rec, emu = recorded[key], emulated[key]
            if key == "triggers" and isinstance(rec, list) and isinstance(emu, list):
                # the real API lists triggers in no fixed order (DCLI-REC #123 vs #254)
                rec, emu = sorted(rec, key=_trigger_key), sorted(emu, key=_trigger_key)
            status_differs = key == "status" and _status_class(rec) != _status_class(emu)
            value_differs = key in VALUE_KEYS and not isinstance(rec, dict) and rec != emu
            if status_differs or value_differs:
                out.append(f"{sub}: {emu!r}, recorded {rec!r}")
            else:
                out += diff(rec, emu, sub)
        return out
    if isinstance(recorded, list):
        if len(recorded) != len(emulated):
            return [f"{where}: {len(emulated)} items, recorded {len(recorded)}"]
        out = []
        for i, (rec, emu) in enumerate(zip(recorded, emulated, strict=True)):
            out += diff(rec, emu, f"{where}[{i}]")
        return out
    return []


def ids_in(recorded: Any, emulated: Any, into: dict[str, str]) -> None:
    """Learn recorded id -> emulator id from two replies of the same shape."""
    if isinstance(recorded, dict) and isinstance(emulated, dict):
        for key, rec in recorded.items():
            emu = emulated.get(key)
            if key == "id" and isinstance(rec, str) and isinstance(emu, str):
                into.setdefault(rec, emu)
            else:
                ids_in(rec, emu, into)
    elif isinstance(recorded, list) and isinstance(emulated, list):
        for rec, emu in zip(recorded, emulated, strict=False):
            ids_in(rec, emu, into)


# ---------------------------------------------------------------- invariants of every real sample


def _version_invariants(ver: dict[str, Any], where: str) -> list[str]:
    out = []
    if ver.get("status") != "built" and "built_at" in ver:
        out.append(f"{where}: built_at on a version that is not built")
    if "errors" in ver:
        out.append(f"{where}: errors[] (no recorded version has one)")
    return out


def action_invariants(action: dict[str, Any], where: str = "$") -> list[str]:
    out = []
    for key in ("built_at", "errors"):
        if key in action:
            out.append(f"{where}.{key}: no recorded action has it")
    cur, dep = action.get("current_version"), action.get("deployed_version")
    if (cur is None) != (dep is None):
        out.append(f"{where}: current_version present iff deployed_version present")
    if isinstance(cur, dict) and isinstance(dep, dict):
        for key in ("id", "number", "code", "runtime", "created_at", "updated_at"):
            if cur.get(key) != dep.get(key):
                out.append(f"{where}.current_version.{key} does not mirror deployed_version")
        if cur.get("status") != str(dep.get("status")).upper():
            out.append(f"{where}.current_version.status is not deployed_version.status upper")
        if cur.get("build_time") != dep.get("built_at"):
            out.append(f"{where}.current_version.build_time is not deployed_version.built_at")
    if isinstance(dep, dict):
        if dep.get("deployed") is not True:
            out.append(f"{where}.deployed_version.deployed is not true")
        out += _version_invariants(dep, f"{where}.deployed_version")
    return out


def reply_invariants(method: str, path: str, body: Any) -> list[str]:
    """The invariants that hold in every recorded reply of this endpoint."""
    if not isinstance(body, dict) or "statusCode" in body:
        return []
    if path.startswith("/actions/modules"):
        return module_invariants(body)
    out: list[str] = []
    if path.startswith("/actions/actions") and "/versions" not in path and "/test" not in path:
        if path.endswith("/deploy"):
            out += deploy_reply_invariants(body)
        else:
            for i, a in enumerate(body.get("actions", [body])):
                out += action_invariants(a, f"$.actions[{i}]" if "actions" in body else "$")
    elif "/versions" in path:
        if path.endswith("/deploy"):
            out += deploy_reply_invariants(body)
        for i, v in enumerate(body.get("versions", [])):
            out += _version_invariants(v, f"$.versions[{i}]")
            if v.get("action", {}).get("all_changes_deployed") is not False:
                out.append(f"$.versions[{i}].action.all_changes_deployed is not false")
    elif "/bindings" in path:
        for i, b in enumerate(body.get("bindings", [])):
            if b["action"].get("all_changes_deployed") is not False:
                out.append(f"$.bindings[{i}].action.all_changes_deployed is not false")
            out += action_invariants(b["action"], f"$.bindings[{i}].action")
        if not body.get("bindings") and "total" in body:
            out.append("$.total on an empty page")
    elif path == "/actions/triggers":
        for i, t in enumerate(body["triggers"]):
            if not isinstance(t.get("compatible_triggers"), list):
                out.append(f"$.triggers[{i}].compatible_triggers is not a list")
    return out


def deploy_reply_invariants(body: dict[str, Any]) -> list[str]:
    out = []
    if body.get("deployed") is not False:
        out.append("$.deployed: a deploy/rollback reply says false")
    if "built_at" in body:
        out.append("$.built_at: no recorded deploy/rollback reply has it")
    if body.get("action", {}).get("all_changes_deployed") is not False:
        out.append("$.action.all_changes_deployed: a deploy/rollback reply says false")
    return out


def module_invariants(body: dict[str, Any]) -> list[str]:
    """Every recorded module reply: no secret value; `all_changes_published` only with a
    `latest_version`; version numbers count from 1."""
    out = []
    items = body.get("modules") or body.get("versions") or [body]
    for i, item in enumerate(items):
        for holder in (item, item.get("latest_version") or {}):
            if any("value" in s for s in holder.get("secrets", [])):
                out.append(f"$[{i}]: a secret value in a reply")
        published = "latest_version" in item or "latest_version_number" in item
        if item.get("all_changes_published") is True and not published:
            out.append(f"$[{i}]: all_changes_published without a latest_version")
        latest = item.get("latest_version") or {}
        number = item.get("version_number", latest.get("version_number"))
        if number is not None and (not isinstance(number, int) or number < 1):
            out.append(f"$[{i}]: version_number {number!r}")
    return out
