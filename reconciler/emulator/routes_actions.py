"""`/actions/actions`: list, create, get, update, delete, deploy, test (reference §1.1-1.7)."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from reconciler.emulator import modules, testrun, views
from reconciler.emulator.drafts import add_version, apply_fields, new_action
from reconciler.emulator.replies import HttpError, bad_body, bad_query, empty, json_response
from reconciler.emulator.routing import Route, page_slice, paging, q_bool, query
from reconciler.emulator.state import Record
from reconciler.emulator.tenant import MAX_ACTIONS, Tenant
from reconciler.emulator.validate import (
    ACTION_KEYS,
    check_action_fields,
    expect,
    json_type,
    only_keys,
    read_json,
    require,
)

NOT_BUILT = "A draft must be in the 'built' state before it can be deployed."
BOUND = "Unable to delete an action bound to a trigger."
LIST_PARAMS = ("triggerId", "actionName", "deployed", "installed", "page", "per_page")


def _trigger_ids(t: Tenant) -> set[str]:
    return set(t.catalogue.ids())


def _installed(rec: Record) -> bool:
    return "integration" in rec or "installed_integration_id" in rec


def list_actions(t: Tenant, request: Request) -> Response:
    args = query(request, LIST_PARAMS)
    page, per_page = paging(args)
    trigger_id = args.get("triggerId")
    if trigger_id is not None and trigger_id not in _trigger_ids(t):
        raise bad_query(f'No enum match for: "{trigger_id}"', "triggerId")
    deployed, installed = q_bool(args, "deployed"), q_bool(args, "installed")
    name = args.get("actionName")
    items = list(t.data.actions.values())  # creation order (dicts and the state file keep it)
    if trigger_id is not None:
        items = [r for r in items if any(x["id"] == trigger_id for x in r["supported_triggers"])]
    if name is not None:
        items = [r for r in items if r["name"] == name]
    if deployed is not None:
        items = [r for r in items if (r.get("deployed_version_id") is not None) == deployed]
    if installed is not None:
        items = [r for r in items if _installed(r) == installed]
    shown = [views.action(t, r) for r in page_slice(items, page, per_page)]
    return json_response(views.page_body("actions", shown, len(items), page, per_page))


def _check_name_free(t: Tenant, name: str, own_id: str | None) -> None:
    other = t.action_by_name(name)
    if other is not None and other["id"] != own_id:
        raise HttpError(409, f"An action with the name '{name}' already exists.")


def create_action(t: Tenant, request: Request) -> Response:
    body = read_json(request)
    only_keys(body, (*ACTION_KEYS, "deploy"))
    require(body, "name")
    require(body, "supported_triggers")
    check_action_fields(body, _trigger_ids(t))
    deploy = body.pop("deploy", False)
    expect(deploy, "boolean", "deploy")
    if "modules" in body:
        body["modules"] = modules.resolve_refs(t, body["modules"])
    if len(t.data.actions) >= MAX_ACTIONS:
        raise HttpError(400, f"You have reached the limit of {MAX_ACTIONS} actions per tenant.")
    _check_name_free(t, body["name"], None)
    now = t.now()
    rec = new_action(t, body, now)
    t.data.actions[rec["id"]] = rec
    if deploy:  # deployed in the same call: the version builds along with the draft
        add_version(t, rec, rec, rec["build"], now)
    t.persist()
    return json_response(views.action(t, rec), 201)


def get_action(t: Tenant, request: Request, action_id: str) -> Response:
    return json_response(views.action(t, t.action(action_id)))


def update_action(t: Tenant, request: Request, action_id: str) -> Response:
    rec = t.action(action_id)
    body = read_json(request)
    only_keys(body, ACTION_KEYS)
    check_action_fields(body, _trigger_ids(t))
    if "name" in body:
        _check_name_free(t, body["name"], rec["id"])
    if "supported_triggers" in body:
        new_ids = {x["id"] for x in body["supported_triggers"]}
        if any(tid not in new_ids for tid in t.bound_triggers(rec["id"])):
            raise HttpError(400, "can't upgrade to this trigger.")
    if "modules" in body:
        body["modules"] = modules.resolve_refs(t, body["modules"])
    apply_fields(t, rec, body, t.now())
    t.persist()
    return json_response(views.action(t, rec))


def delete_action(t: Tenant, request: Request, action_id: str) -> Response:
    args = query(request, ("force",))
    force = q_bool(args, "force") or False
    rec = t.action(action_id)
    bound = t.bound_triggers(rec["id"])
    if bound and not force:
        raise HttpError(409, BOUND)
    for tid in bound:
        t.data.bindings[tid] = [b for b in t.data.bindings[tid] if b["action_id"] != rec["id"]]
    del t.data.actions[rec["id"]]
    t.data.versions.pop(rec["id"], None)
    t.persist()
    return empty(204)


def deploy_action(t: Tenant, request: Request, action_id: str) -> Response:
    rec = t.action(action_id)
    if t.build_status(rec["build"]) != "built":
        raise HttpError(400, NOT_BUILT)
    ver = add_version(t, rec, rec, rec["build"], t.now())
    t.persist()
    # As recorded on the wire: the reply says deployed:false / all_changes_deployed:false and has
    # no built_at; a GET right after shows the new deployed_version.
    return json_response(views.version(t, rec, ver, fresh=True))


def test_action(t: Tenant, request: Request, action_id: str) -> Response:
    rec = t.action(action_id)
    body = read_json(request)
    only_keys(body, ("payload",))
    require(body, "payload")
    if not isinstance(body["payload"], dict):
        raise bad_body(
            f"Expected type object but found type {json_type(body['payload'])}", "payload"
        )
    return json_response({"payload": testrun.evaluate(t, rec, body["payload"])})


ROUTES = [
    Route("/actions/actions", ("GET",), "read:actions", list_actions),
    Route("/actions/actions", ("POST",), "create:actions", create_action),
    Route("/actions/actions/<action_id>", ("GET",), "read:actions", get_action),
    Route("/actions/actions/<action_id>", ("PATCH",), "update:actions", update_action),
    Route("/actions/actions/<action_id>", ("DELETE",), "delete:actions", delete_action),
    Route("/actions/actions/<action_id>/deploy", ("POST",), "create:actions", deploy_action),
    Route("/actions/actions/<action_id>/test", ("POST",), "create:actions", test_action),
]
