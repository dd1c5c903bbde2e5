"""`/actions/actions/{id}/versions`: list, get, deploy (rollback) (auth0-actions-api.md §1.8)."""

from __future__ import annotations

import copy

from werkzeug.wrappers import Request, Response

from reconciler.emulator import builds, views
from reconciler.emulator.drafts import VERSION_KEYS, add_version
from reconciler.emulator.replies import HttpError, json_response, not_found
from reconciler.emulator.routing import Route, page_slice, paging, query
from reconciler.emulator.state import Record
from reconciler.emulator.tenant import Tenant
from reconciler.emulator.util import new_id
from reconciler.emulator.validate import expect, only_keys, read_json

VERSION_NOT_FOUND = "That action version does not exist."
NOT_BUILT = "A version must be in the 'built' state before it can be deployed."


def _version(t: Tenant, rec: Record, version_id: str) -> Record:
    for ver in t.versions(rec["id"]):
        if ver["id"] == version_id:
            return ver
    raise not_found(VERSION_NOT_FOUND)


def list_versions(t: Tenant, request: Request, action_id: str) -> Response:
    rec = t.action(action_id)
    page, per_page = paging(query(request, ("page", "per_page")))
    items = sorted(t.versions(rec["id"]), key=lambda v: -int(v["number"]))  # newest first
    shown = [views.version(t, rec, v) for v in page_slice(items, page, per_page)]
    return json_response(views.page_body("versions", shown, len(items), page, per_page))


def get_version(t: Tenant, request: Request, action_id: str, version_id: str) -> Response:
    rec = t.action(action_id)
    return json_response(views.version(t, rec, _version(t, rec, version_id)))


def deploy_version(t: Tenant, request: Request, action_id: str, version_id: str) -> Response:
    """Rollback: a new version with the old content, deployed at once; maybe reset the draft."""
    rec = t.action(action_id)
    body = read_json(request, allow_empty=True)
    only_keys(body, ("update_draft",))
    update_draft = body.get("update_draft", False)
    expect(update_draft, "boolean", "update_draft")
    old = _version(t, rec, version_id)
    if t.build_status(old["build"]) != "built":
        raise HttpError(400, NOT_BUILT)
    now = t.now()
    ver = add_version(t, rec, old, old["build"], now)
    if update_draft:
        for key in VERSION_KEYS:
            rec[key] = copy.deepcopy(old.get(key))
        rec["updated_at"] = now
        rec["build"] = builds.new_build(new_id(), float(old["build"]["started"]), None)
    t.persist()
    # As recorded (GO1-REC DeployVersion #5): a new id and number, `deployed: false`, no built_at.
    return json_response(views.version(t, rec, ver, fresh=True))


ROUTES = [
    Route("/actions/actions/<action_id>/versions", ("GET",), "read:actions", list_versions),
    Route(
        "/actions/actions/<action_id>/versions/<version_id>", ("GET",), "read:actions", get_version
    ),
    Route(
        "/actions/actions/<action_id>/versions/<version_id>/deploy",
        ("POST",),
        "create:actions",
        deploy_version,
    ),
]
