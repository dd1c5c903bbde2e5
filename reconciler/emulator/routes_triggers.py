"""Triggers and bindings (auth0-actions-api.md §1.9, §4.4) and the executions lookup (§1.10)."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from reconciler.emulator import views
from reconciler.emulator.replies import HttpError, bad_body, json_response, not_found
from reconciler.emulator.routing import Route, page_slice, paging, query
from reconciler.emulator.state import Record
from reconciler.emulator.tenant import MAX_BINDINGS, Tenant
from reconciler.emulator.util import new_id
from reconciler.emulator.validate import (
    check_array,
    check_string,
    expect,
    only_keys,
    read_json,
)

NOT_DEPLOYED = "Trying to create a binding for an action that has not been deployed yet."
ENTITY_BOUND_PATCH = "cannot update action bindings for an entity-bound trigger"
REF_TYPES = ("binding_id", "action_id", "action_name")


def list_triggers(t: Tenant, request: Request) -> Response:
    query(request, ())
    return json_response({"triggers": t.catalogue.wire()})


def _trigger(t: Tenant, trigger_id: str) -> None:
    if trigger_id not in t.catalogue.ids():
        raise HttpError(
            400,
            f"Path validation error: 'No enum match for: \"{trigger_id}\"' on property triggerId.",
            "invalid_uri",
        )


def list_bindings(t: Tenant, request: Request, trigger_id: str) -> Response:
    _trigger(t, trigger_id)
    page, per_page = paging(query(request, ("page", "per_page")))
    # Entity-bound triggers: 400 ENTITY_BOUND at the end of 2024 (deploy-cli #988), but the
    # newest recording (DCLI-REC Aug 2026, should-dump-without-throwing-an-error #133-#136)
    # answers 200 with an empty page, so the emulator does that.
    items = t.data.bindings.get(trigger_id, []) if t.catalogue.is_trigger_bound(trigger_id) else []
    shown = [views.binding(t, b) for b in page_slice(items, page, per_page)]
    return json_response(views.page_body("bindings", shown, len(items), page, per_page))


def _check_item(item: Any, where: str) -> None:
    expect(item, "object", where)
    if "ref" not in item:  # e.g. the old {id_type, id_value} shape (node-auth0 #740)
        raise bad_body("Data does not match any schemas from 'oneOf'", where)
    ref = item["ref"]
    expect(ref, "object", f"{where}.ref")
    kind = ref.get("type", "action_name")
    if kind not in REF_TYPES:
        raise bad_body(f'No enum match for: "{kind}"', f"{where}.ref.type")
    if "value" not in ref:
        raise bad_body("Missing required property: value", f"{where}.ref")
    check_string(ref["value"], f"{where}.ref.value")
    if "display_name" in item:
        check_string(item["display_name"], f"{where}.display_name")
    if "secrets" in item:
        check_array(item["secrets"], f"{where}.secrets")


def _resolve(t: Tenant, trigger_id: str, old: list[Record], ref: Record) -> tuple[Record, Any]:
    """(action record, existing binding or None) for one ref."""
    kind, value = ref.get("type", "action_name"), ref["value"]
    if kind == "binding_id":
        found = next((b for b in old if b["id"] == value), None)
        if found is None:
            raise not_found("That binding does not exist.")
        return t.data.actions[found["action_id"]], found
    rec = t.data.actions.get(value) if kind == "action_id" else t.action_by_name(value)
    if rec is None:
        raise not_found()
    return rec, None


def update_bindings(t: Tenant, request: Request, trigger_id: str) -> Response:
    _trigger(t, trigger_id)
    body = read_json(request)
    only_keys(body, ("bindings",))
    items = check_array(body.get("bindings", []), "bindings", maximum=MAX_BINDINGS)
    for i, item in enumerate(items):
        _check_item(item, f"bindings[{i}]")
    if not t.catalogue.is_trigger_bound(trigger_id):
        raise HttpError(400, ENTITY_BOUND_PATCH)
    old = t.data.bindings.get(trigger_id, [])
    unused = list(old)
    now = t.now()
    new: list[Record] = []
    for item in items:
        rec, existing = _resolve(t, trigger_id, old, item["ref"])
        if not any(x["id"] == trigger_id for x in rec["supported_triggers"]):
            raise HttpError(400, f"The action '{rec['name']}' does not support {trigger_id}.")
        if not t.is_deployed(rec):
            raise HttpError(400, NOT_DEPLOYED)
        if existing is None:  # keep the binding id when the same action was bound already
            existing = next((b for b in unused if b["action_id"] == rec["id"]), None)
        if existing is not None and existing in unused:
            unused.remove(existing)
            binding = dict(existing)
        else:
            binding = {"id": new_id(), "trigger_id": trigger_id, "action_id": rec["id"]}
            binding.update({"created_at": now, "updated_at": now, "display_name": rec["name"]})
        name = item.get("display_name", binding["display_name"])
        if name != binding["display_name"]:
            binding.update({"display_name": name, "updated_at": now})
        new.append(binding)
    t.data.bindings[trigger_id] = new
    t.persist()
    return json_response({"bindings": [views.binding(t, b) for b in new]})


def get_execution(t: Tenant, request: Request, execution_id: str) -> Response:
    raise not_found("That execution does not exist.")


ROUTES = [
    Route("/actions/triggers", ("GET",), "read:actions", list_triggers),
    Route("/actions/triggers/<trigger_id>/bindings", ("GET",), "read:actions", list_bindings),
    Route("/actions/triggers/<trigger_id>/bindings", ("PATCH",), "update:actions", update_bindings),
    Route("/actions/executions/<execution_id>", ("GET",), "read:actions", get_execution),
]
