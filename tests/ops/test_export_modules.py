"""`export` writes the tenant's Actions Modules and each action's module references; the exported
tree validates and loads the same modules and references."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest

from reconciler.auth0.client import Auth0Client
from reconciler.core.errors import ApiError
from reconciler.core.livemodel import (
    LiveAction,
    LiveModule,
    LiveModuleRef,
    LiveSecret,
    LiveState,
    LiveVersion,
)
from reconciler.core.model import Dependency
from reconciler.core.trailer import with_trailer
from reconciler.emulator import Emulator
from reconciler.features.export import bundle_from_live, read_modules, render_bundle
from reconciler.manifest import load_manifests
from tests.ops.test_schema_modeline import assert_manifests_load_their_schema
from tests.support import Api

Cli = Callable[..., tuple[int, str, str]]
HELPERS = "module.exports = { claim: (n) => `${actions.secrets.NS}/${n}` };\n"
AUDIT = "module.exports = { note: () => 'audit' };\n"
LOGIN = (
    "const h = require('claims-helpers');\n"
    "exports.onExecutePostLogin = async (event, api) => "
    "{ api.idToken.setCustomClaim(h.claim('x'), 1); };\n"
)
SECRET = "module-secret-value-never-written-9"


def seed(emu: Emulator, api: Api) -> dict[str, str]:
    helpers = {
        "name": "claims-helpers",
        "code": HELPERS,
        "dependencies": [{"name": "lodash", "version": "4.17.21"}],
        "secrets": [{"name": "NS", "value": SECRET}],
        "published": 2,
    }
    draft = {"name": "audit draft", "code": AUDIT, "published": 0}
    helpers_id, _ = emu.seed_modules([helpers, draft])
    versions = api.call("GET", f"/actions/modules/{helpers_id}/versions")["versions"]
    by_number = {v["version_number"]: v["id"] for v in versions}
    trigger = [{"id": "post-login", "version": "v3"}]
    for name, number in (("enrich", 1), ("gate", 2)):
        pins = [{"module_id": helpers_id, "module_version_id": by_number[number]}]
        body = {"name": name, "supported_triggers": trigger, "code": LOGIN, "modules": pins}
        api.create(body, deploy=True)
    return by_number


def test_export_writes_modules_and_refs_that_load_back(
    emu: Emulator, api: Api, tenant_env: str, run_cli: Cli, tmp_path: Path
) -> None:
    seed(emu, api)
    out = tmp_path / "exported"
    code, stdout, stderr = run_cli("export", "--out", str(out), "--tenant", tenant_env)
    assert (code, stderr) == (0, "")
    assert "wrote 2 actions, 2 modules, 0 binding lists and 1 variable" in stdout
    assert (out / "modules/claims-helpers.js").read_text() == HELPERS
    assert (out / "modules/audit-draft.js").read_text() == AUDIT
    assert "CLAIMS_HELPERS_NS=" in (out / ".env.example").read_text()
    assert "# module claims-helpers, secret NS" in (out / ".env.example").read_text()
    assert all(SECRET not in p.read_text() for p in out.rglob("*") if p.is_file())
    assert_manifests_load_their_schema(out)

    code, stdout, stderr = run_cli("validate", str(out))
    assert code == 0, stdout + stderr
    state = load_manifests(str(out), resolve=False)
    helpers, audit = state.module("claims-helpers"), state.module("audit draft")
    assert helpers is not None
    assert audit is not None
    assert (helpers.code, helpers.publish) == (HELPERS, True)
    assert helpers.dependencies == (Dependency("lodash", "4.17.21"),)
    assert [(s.name, s.var) for s in helpers.secrets] == [("NS", "CLAIMS_HELPERS_NS")]
    assert (audit.code, audit.publish) == (AUDIT, False)  # never published: nothing new goes out
    refs = {a.name: [(r.name, r.version, r.external) for r in a.modules] for a in state.actions}
    assert refs == {
        "enrich": [("claims-helpers", 1, False)],
        "gate": [("claims-helpers", 2, False)],
    }


def test_a_trailer_is_stripped_and_an_unknown_module_is_external(tmp_path: Path) -> None:
    """Pure: a module's ownership trailer is stripped (its protect kept); a reference to a
    module the export does not write is marked external, so the tree still validates."""
    owned = with_trailer(HELPERS, "sha256:" + "0" * 64, protect=True)
    module = LiveModule("mod_1", "claims-helpers", owned, (), (LiveSecret("NS"),), True, 1, 3)
    refs = (LiveModuleRef("mod_1", "claims-helpers", "v3", 3), LiveModuleRef("x", "other", "v", 1))
    action = LiveAction(
        "act_1", "gate", "post-login", "v3", LOGIN, "node22", (), (), "built", "", "",
        LiveVersion("ver_1", 1, LOGIN, "node22", (), (), "built", True), True, modules=refs,
    )  # fmt: skip
    bundle = bundle_from_live(LiveState("t", (), (action,), (), (module,)))
    assert bundle.modules[0].code == HELPERS
    assert bundle.modules[0].protect
    for rel, text in render_bundle(bundle).items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    state = load_manifests(str(tmp_path), resolve=False)
    (loaded,) = state.actions
    assert [(r.name, r.version, r.external) for r in loaded.modules] == [
        ("claims-helpers", 3, False),
        ("other", 1, True),
    ]
    (helpers,) = state.modules
    assert (helpers.name, helpers.code, helpers.protect) == ("claims-helpers", HELPERS, True)


class _NoModules:
    """A client whose tenant answers the modules list as one without the feature does."""

    def __init__(self, status: int, error_code: str | None) -> None:
        self.status, self.error_code = status, error_code

    def _paged(self, path: str, key: str) -> list[dict[str, object]]:
        raise ApiError("GET", path, self.status, "not here", self.error_code)


def test_a_tenant_without_modules_exports_none_with_a_note() -> None:
    for status, code in ((404, None), (501, None), (403, "feature_not_enabled")):
        modules, note = read_modules(cast(Auth0Client, _NoModules(status, code)))
        assert modules == ()
        assert note == f"the tenant does not offer Actions Modules ({status}); none exported"
    with pytest.raises(ApiError):  # any other failure still stops the export
        read_modules(cast(Auth0Client, _NoModules(403, "insufficient_scope")))
