"""`import-deploy-cli` converts deploy-cli's Actions Modules and the actions' module references
(issue 15) instead of dropping them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.core.errors import ReconcilerError
from reconciler.core.model import Dependency
from reconciler.features.deploycli import convert
from reconciler.manifest import load_manifests
from tests.ops.conftest import FIXTURES

Cli = Callable[..., tuple[int, str, str]]
YAML_EXPORT = FIXTURES / "deploy-cli-modules-yaml" / "tenant.yaml"
DIR_EXPORT = FIXTURES / "deploy-cli-modules-directory"
LITERAL = "literal-namespace-value-0003"
MODULE_CODE = (
    FIXTURES / "deploy-cli-modules-yaml/action-modules/claims-helpers/code.js"
).read_text()


def test_yaml_export_modules_and_refs_load_back(run_cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "converted"
    code, stdout, stderr = run_cli("import-deploy-cli", str(YAML_EXPORT), "--out", str(out))
    assert code == 0, stderr
    assert "wrote 2 actions, 1 module, 1 binding list and 1 variable" in stdout
    assert stderr == (
        "reconciler: warning: action block-unverified: module 'audit-log' is not in the export; "
        "its reference is kept as external: true\n"
    )
    assert (out / "modules/claims-helpers.js").read_text() == MODULE_CODE
    assert "CLAIMS_NAMESPACE: ${CLAIMS_NAMESPACE}" in (out / "modules.yaml").read_text()
    env = (out / ".env.example").read_text()
    assert "# deploy-cli keyword ##CLAIMS_NAMESPACE##: module claims-helpers, secret " in env

    (out / ".env").write_text("CLAIMS_NAMESPACE=https://claims.example.com\n")
    code, stdout, stderr = run_cli("validate", str(out), "--var-file", str(out / ".env"))
    assert code == 0, stdout + stderr
    state = load_manifests(str(out), resolve=False)
    (module,) = state.modules
    assert (module.name, module.code) == ("claims-helpers", MODULE_CODE)
    assert module.dependencies == (Dependency("lodash", "4.17.21"),)
    assert [(s.name, s.var) for s in module.secrets] == [("CLAIMS_NAMESPACE", "CLAIMS_NAMESPACE")]
    refs = {a.name: [(r.name, r.version, r.external) for r in a.modules] for a in state.actions}
    assert refs == {
        "block-unverified": [("claims-helpers", 1, False), ("audit-log", 3, True)],
        "enrich-token": [("claims-helpers", 2, False)],
    }


def test_directory_export_module_with_a_literal_secret() -> None:
    bundle = convert(DIR_EXPORT)
    (module,) = bundle.modules
    assert (module.name, module.code) == ("claims-helpers", MODULE_CODE)
    assert [(s.name, s.var) for s in module.secrets] == [
        ("CLAIMS_NAMESPACE", "CLAIMS_HELPERS_CLAIMS_NAMESPACE")
    ]
    assert [(e.name, e.comment) for e in bundle.env] == [
        (
            "CLAIMS_HELPERS_CLAIMS_NAMESPACE",
            "module claims-helpers, secret CLAIMS_NAMESPACE (the export held a literal value; "
            "not copied)",
        )
    ]
    assert bundle.warnings == (
        "module claims-helpers, secret CLAIMS_NAMESPACE: literal value not copied; "
        "set CLAIMS_HELPERS_CLAIMS_NAMESPACE in .env",
    )
    (action,) = bundle.actions
    assert [(r.name, r.version, r.external) for r in action.modules] == [
        ("claims-helpers", 1, False)
    ]


def test_bad_module_entries_are_problems_listed_at_once(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(YAML_EXPORT.parent, export)
    text = (export / "tenant.yaml").read_text()
    text = text.replace("./action-modules/claims-helpers/code.js", "./action-modules/gone.js")
    text = text.replace("module_version_number: 2", "module_version_number: latest")
    (export / "tenant.yaml").write_text(text)
    with pytest.raises(ReconcilerError) as caught:
        convert(export / "tenant.yaml")
    message = str(caught.value)
    assert message.startswith(f"cannot convert {export / 'tenant.yaml'} (2 problems):\n")
    assert (
        "tenant.yaml actionModules[0] (module claims-helpers): code file "
        "./action-modules/gone.js not found inside the export"
    ) in message
    assert (
        "tenant.yaml actions[0] (action enrich-token) modules[0]: 'module_version_number' "
        "must be a number (1 or more)"
    ) in message
