"""`/actions/modules`: list, create, get, update the draft, delete, publish, versions, the
actions using a module, rollback. Status codes as recorded (TF-REC TestAccActionModule*): create
201, publish 200, delete 204. Not recorded, chosen like the actions' replies: 409 for a
duplicate name, 412 for deleting a module an action uses (go-auth0 maps 412 for this client), 400
for the tenant's limits, 404 without an errorCode."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from reconciler.emulator import modules as mods
from reconciler.emulator.replies import HttpError, bad_body, empty, json_response
from reconciler.emulator.routing import Route, page_slice, q_int, query
from reconciler.emulator.state import Record
from reconciler.emulator.tenant import Tenant
from reconciler.emulator.validate import (
    check_action_fields,
    check_string,
    expect,
    only_keys,
    read_json,
    require,
)

IN_USE = "Unable to delete an action module that is used by actions."
CREATE_KEYS = ("name", "code", "dependencies", "secrets", "publish", "api_version")
UPDATE_KEYS = ("code", "dependencies", "secrets")
Body = dict[str, object]


def _paging(request: Request) -> tuple[int, int]:
    """(page, per_page): the modules endpoints default to 50 per page (go-auth0's default)."""
    args = query(request, ("page", "per_page"))
    return q_int(args, "page", 0, 0, None), q_int(args, "per_page", 50, 1, 100)


def _full_page(key: str, items: list[Record], page: int, per_page: int) -> Body:
    """As recorded for module versions: `total` and `page` always present; the empty page past
    the end says `total: 0` (TF-REC TestAccActionModuleMultipleVersions #4)."""
    shown = page_slice(items, page, per_page)
    return {key: shown, "total": len(items) if shown else 0, "page": page, "per_page": per_page}


def _check(body: dict[str, object]) -> None:
    fields = {k: v for k, v in body.items() if k != "code"}
    check_action_fields(fields, set())
    if "name" in body and not check_string(body["name"], "name"):
        raise bad_body("String is too short (0 chars), minimum 1", "name")
    if "code" in body:
        check_string(body["code"], "code", maximum=mods.MAX_MODULE_CODE)


def list_modules(t: Tenant, request: Request) -> Response:
    page, per_page = _paging(request)
    items = [mods.list_item(t, m) for m in t.data.modules.values()]
    return json_response(_full_page("modules", items, page, per_page))


def create_module(t: Tenant, request: Request) -> Response:
    body = read_json(request)
    only_keys(body, CREATE_KEYS)
    require(body, "name")
    require(body, "code")
    _check(body)
    publish = body.pop("publish", False)  # OAS: publish at once (one version, as a POST would)
    expect(publish, "boolean", "publish")
    if "api_version" in body:  # OAS: "The API version of the module"; nothing to do with it
        check_string(body.pop("api_version"), "api_version")
    now = t.now()
    rec = mods.create(t, body, now)
    if publish:
        mods.publish(t, rec, now)
    t.persist()
    return json_response(mods.view(t, rec), 201)


def get_module(t: Tenant, request: Request, module_id: str) -> Response:
    return json_response(mods.view(t, mods.module(t, module_id)))


def update_module(t: Tenant, request: Request, module_id: str) -> Response:
    rec = mods.module(t, module_id)
    body = read_json(request)
    only_keys(body, UPDATE_KEYS)
    _check(body)
    mods.write_draft(rec, body, t.now())
    t.persist()
    return json_response(mods.view(t, rec, patched=True))


def delete_module(t: Tenant, request: Request, module_id: str) -> Response:
    rec = mods.module(t, module_id)
    if mods.users(t, rec["id"]):
        raise HttpError(412, IN_USE)
    del t.data.modules[rec["id"]]
    t.data.module_versions.pop(rec["id"], None)
    t.persist()
    return empty(204)


def publish_module(t: Tenant, request: Request, module_id: str) -> Response:
    rec = mods.module(t, module_id)
    only_keys(read_json(request, allow_empty=True), ())
    ver = mods.publish(t, rec, t.now())
    t.persist()
    return json_response(mods.version_view(ver))


def list_module_versions(t: Tenant, request: Request, module_id: str) -> Response:
    rec = mods.module(t, module_id)
    page, per_page = _paging(request)
    found = sorted(mods.versions(t, rec["id"]), key=lambda v: -int(v["number"]))  # newest first
    items = [mods.version_view(v) for v in found]
    return json_response(_full_page("versions", items, page, per_page))


def get_module_version(t: Tenant, request: Request, module_id: str, version_id: str) -> Response:
    rec = mods.module(t, module_id)
    return json_response(mods.version_view(mods.version(t, rec["id"], version_id)))


def list_module_actions(t: Tenant, request: Request, module_id: str) -> Response:
    """As recorded: `total` and `page` left out when 0, like the actions list."""
    rec = mods.module(t, module_id)
    page, per_page = _paging(request)
    items = [mods.user_view(a, ref) for a, ref in mods.users(t, rec["id"])]
    shown = page_slice(items, page, per_page)
    out: Body = {"actions": shown}
    if shown:
        out["total"] = len(items)
    if page:
        out["page"] = page
    out["per_page"] = per_page
    return json_response(out)


def rollback_module(t: Tenant, request: Request, module_id: str) -> Response:
    rec = mods.module(t, module_id)
    body = read_json(request)
    only_keys(body, ("module_version_id",))
    require(body, "module_version_id")
    vid = check_string(body["module_version_id"], "module_version_id")
    mods.rollback(rec, mods.version(t, rec["id"], vid), t.now())
    t.persist()
    return json_response(mods.view(t, rec))


BASE = "/actions/modules"
ONE = BASE + "/<module_id>"
ROUTES = [
    Route(BASE, ("GET",), "read:actions", list_modules),
    Route(BASE, ("POST",), "create:actions", create_module),
    Route(ONE, ("GET",), "read:actions", get_module),
    Route(ONE, ("PATCH",), "update:actions", update_module),
    Route(ONE, ("DELETE",), "delete:actions", delete_module),
    Route(ONE + "/versions", ("GET",), "read:actions", list_module_versions),
    Route(ONE + "/versions", ("POST",), "create:actions", publish_module),
    Route(ONE + "/versions/<version_id>", ("GET",), "read:actions", get_module_version),
    Route(ONE + "/actions", ("GET",), "read:actions", list_module_actions),
    Route(ONE + "/rollback", ("POST",), "update:actions", rollback_module),
]
