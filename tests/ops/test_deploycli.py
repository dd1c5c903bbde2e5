"""`import-deploy-cli`: deploy-cli YAML and directory exports -> reconciler manifests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.core.errors import ReconcilerError
from reconciler.features.deploycli import convert
from reconciler.features.export import render_bundle
from reconciler.manifest import load_manifests
from tests.ops.conftest import FIXTURES

Cli = Callable[..., tuple[int, str, str]]
YAML_EXPORT = FIXTURES / "deploy-cli-yaml" / "tenant.yaml"
DIR_EXPORT = FIXTURES / "deploy-cli-directory"
LITERAL = "literal-denylist-token-0001"  # the literal secret value in the YAML fixture
HEADER = (
    "# yaml-language-server: $schema=schemas/manifest.schema.json\n"
    "# Converted from the auth0-deploy-cli export tenant.yaml by `reconciler import-deploy-cli`.\n"
    "# Editors check this file against schemas/manifest.schema.json (the line above).\n"
)
SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "manifest.schema.json"
LOGIN_CODE = "exports.onExecutePostLogin = async (event, api) => {};\n"


def test_yaml_export_exact_output() -> None:
    bundle = convert(YAML_EXPORT)
    files = render_bundle(bundle)
    source = YAML_EXPORT.parent / "actions"
    assert files == {
        "credentials-exchange/m2m-quota.js": (source / "m2m-quota/code.js").read_text(),
        "credentials-exchange.yaml": HEADER
        + (
            "actions:\n"
            "  - name: m2m-quota\n"
            "    trigger: credentials-exchange\n"
            "    trigger_version: v2\n"
            "    runtime: node22\n"
            "    code: credentials-exchange/m2m-quota.js\n"
            "    secrets:\n"
            "      QUOTA_TOKEN: ${M2M_QUOTA_QUOTA_TOKEN}\n"
            "    deploy: false\n"
        ),
        "post-login/block-bad-ips.js": (source / "block bad ips/code.js").read_text(),
        "post-login/enrich-token.js": (source / "enrich-token/code.js").read_text(),
        "post-login.yaml": HEADER
        + (
            "actions:\n"
            "  - name: block bad ips\n"
            "    trigger: post-login\n"
            "    trigger_version: v3\n"
            "    runtime: node22\n"
            "    code: post-login/block-bad-ips.js\n"
            "    secrets:\n"
            "      DENYLIST_TOKEN: ${BLOCK_BAD_IPS_DENYLIST_TOKEN}\n"
            "    deploy: true\n"
            "\n"
            "  - name: enrich-token\n"
            "    trigger: post-login\n"
            "    trigger_version: v3\n"
            "    runtime: node22\n"
            "    code: post-login/enrich-token.js\n"
            "    dependencies:\n"
            "      axios: 1.7.9\n"
            "    secrets:\n"
            "      API_KEY: ${ENRICH_API_KEY}\n"
            "      PROFILE_URL: ${PROFILE_URL}\n"
            "    deploy: true\n"
        ),
        "bindings.yaml": HEADER
        + (
            "# Execution order per trigger. A trigger listed here is owned whole: apply makes its\n"
            "# live list exactly this one.\n"
            "bindings:\n"
            "  credentials-exchange: []\n"
            "  post-change-password: []\n"
            "  post-login:\n"
            "    - action: block bad ips\n"
            "      display_name: Block bad IPs\n"
            "    - action: Fraud Shield\n"
            "      external: true # not in the export\n"
            "    - enrich-token\n"
            "  post-user-registration: []\n"
            "  pre-user-registration: []\n"
            "  send-phone-message: []\n"
        ),
        ".env.example": (
            "# Every ${VAR} the manifests reference. Secret values cannot be read from Auth0, "
            "so they\n"
            "# are empty here: copy this file to .env (kept out of git by .gitignore), fill in "
            "every\n"
            "# value, then pass it to reconciler with --var-file.\n"
            "\n"
            "# action block bad ips, secret DENYLIST_TOKEN "
            "(the export held a literal value; not copied)\n"
            "BLOCK_BAD_IPS_DENYLIST_TOKEN=\n"
            "\n"
            "# deploy-cli keyword ##ENRICH_API_KEY##: action enrich-token, secret API_KEY\n"
            "ENRICH_API_KEY=\n"
            "\n"
            "# action m2m-quota, secret QUOTA_TOKEN (no value in the export)\n"
            "M2M_QUOTA_QUOTA_TOKEN=\n"
            "\n"
            "# deploy-cli keyword @@PROFILE_URL@@: action enrich-token, secret PROFILE_URL\n"
            "PROFILE_URL=\n"
        ),
        ".gitignore": ".env\n",
        "schemas/manifest.schema.json": SCHEMA.read_text(encoding="utf-8"),
    }
    assert bundle.warnings == (
        "not converted (reconciler manages actions only): clients, tenant",
        "action block bad ips, secret DENYLIST_TOKEN: literal value not copied; "
        "set BLOCK_BAD_IPS_DENYLIST_TOKEN in .env",
    )


@pytest.mark.parametrize("source", [YAML_EXPORT, YAML_EXPORT.parent, DIR_EXPORT])
def test_converted_manifests_validate(run_cli: Cli, tmp_path: Path, source: Path) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("import-deploy-cli", str(source), "--out", str(out))
    assert code == 0, stderr
    assert stdout.startswith("wrote ")
    assert f"next: reconciler validate {out};" in stdout
    state = load_manifests(out, resolve=False)
    assert state.actions
    code, stdout, stderr = run_cli("validate", str(out))
    assert code == 0, stderr


def test_directory_export() -> None:
    bundle = convert(DIR_EXPORT)
    assert [(a.name, a.trigger, a.deploy) for a in bundle.actions] == [
        ("enrich-token", "post-login", True),
        ("send-sms", "send-phone-message", True),  # code found from its cwd-relative path
    ]
    assert [(s.name, s.var) for a in bundle.actions for s in a.secrets] == [
        ("API_KEY", "ENRICH_API_KEY"),
        ("TWILIO_TOKEN", "TWILIO_TOKEN"),  # a bare @@KEY@@ in JSON
    ]
    assert [(t, [(e.action, e.display_name) for e in es]) for t, es in bundle.bindings] == [
        ("credentials-exchange", []),
        ("post-login", [("enrich-token", "Enrich token")]),
        ("send-phone-message", [("send-sms", "")]),
    ]
    assert bundle.warnings == ("not converted (reconciler manages actions only): clients",)


def test_literal_secret_values_are_never_written_or_printed(run_cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("import-deploy-cli", str(YAML_EXPORT), "--out", str(out))
    assert code == 0
    assert LITERAL not in stdout + stderr
    assert all(LITERAL not in p.read_text() for p in out.rglob("*") if p.is_file())
    assert stderr.splitlines() == [
        "reconciler: warning: not converted (reconciler manages actions only): clients, tenant",
        "reconciler: warning: action block bad ips, secret DENYLIST_TOKEN: literal value not "
        "copied; set BLOCK_BAD_IPS_DENYLIST_TOKEN in .env",
    ]
    assert stdout.splitlines()[0] == (
        f"wrote 3 actions, 6 binding lists and 4 variables to {out} (9 files)"
    )


def export_dir(tmp_path: Path, actions_yaml: str, code: dict[str, str] | None = None) -> Path:
    root = tmp_path / "export"
    for rel, text in (code or {"actions/a/code.js": LOGIN_CODE}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "tenant.yaml").write_text(actions_yaml)
    return root / "tenant.yaml"


ACTION = """\
actions:
  - name: {name}
    code: {code}
    deployed: true
    supported_triggers:
      - id: post-login
        version: v3
    secrets:
{secrets}
"""


def one(name: str = "a", code: str = "./actions/a/code.js", secrets: str = "      []") -> str:
    return ACTION.format(name=name, code=code, secrets=secrets)


def test_keyword_forms_in_secret_values(tmp_path: Path) -> None:
    secrets = (
        "      - {name: BARE, value: @@BARE_KEY@@}\n"
        "      - {name: DASHED, value: '##my-key##'}\n"
        "      - {name: MIXED, value: 'Bearer ##TOKEN##'}\n"
        "      - name: PLAIN\n"
        "        value: ##PLAIN_KEY##\n"
    )
    bundle = convert(export_dir(tmp_path, one(secrets=secrets)))
    assert [(s.name, s.var) for s in bundle.actions[0].secrets] == [
        ("BARE", "BARE_KEY"),
        ("DASHED", "A_DASHED"),
        ("MIXED", "A_MIXED"),
        ("PLAIN", "PLAIN_KEY"),
    ]
    assert [(e.name, e.comment) for e in bundle.env] == [
        ("A_DASHED", "action a, secret DASHED (was keyword ##my-key##, not a valid variable name)"),
        (
            "A_MIXED",
            "action a, secret MIXED (the export mixed keywords with other text; not copied)",
        ),
        ("BARE_KEY", "deploy-cli keyword @@BARE_KEY@@: action a, secret BARE"),
        ("PLAIN_KEY", "deploy-cli keyword ##PLAIN_KEY##: action a, secret PLAIN"),
    ]


def test_notes_for_what_is_not_converted(tmp_path: Path) -> None:
    text = """\
actions:
  - name: a
    code: ./actions/a/code.js
    modules: [{module_name: m, module_version_number: 1}]
    dependencies: [{name: lodash, version: 4.17.21, registry_url: https://npm.example.com}]
    supported_triggers: [{id: post-login, version: v3}, {id: post-login, version: v2}]
  - name: Travel0
    supported_triggers: [{id: post-login, version: v3}]
    integration: {id: x}
triggers:
  post-login: [{action_name: Travel0, display_name: Travel0}, {action_name: a}]
  custom-token-exchange: []
"""
    code = {"actions/a/code.js": "// ##ENV##\n" + LOGIN_CODE}
    bundle = convert(export_dir(tmp_path, text, code))
    assert bundle.warnings == (
        "tenant.yaml actions[0] (action a): only the first of 2 triggers is kept",
        "tenant.yaml actions[0] (action a): the code uses deploy-cli keyword markers, which "
        "reconciler does not substitute; read such values from event.secrets instead",
        "tenant.yaml actions[0] (action a): registry_url of lodash not converted",
        "tenant.yaml actions[1] (action Travel0): marketplace action not converted "
        "(bind it as external)",
        "triggers.custom-token-exchange: entity-bound trigger, not converted",
        # issue 15: module references are converted (m is not in the export: external)
        "action a: module 'm' is not in the export; its reference is kept as external: true",
    )
    assert [a.name for a in bundle.actions] == ["a"]
    assert bundle.actions[0].code == "// ##ENV##\n" + LOGIN_CODE  # code is copied as it is
    entries = dict(bundle.bindings)["post-login"]
    assert [(e.action, e.external, e.note) for e in entries] == [
        ("Travel0", True, "marketplace integration"),
        ("a", False, ""),
    ]


@pytest.mark.parametrize(
    ("text", "code", "problem"),
    [
        (one(name="'##ENV##-a'"), None, "tenant.yaml actions[0]: 'name' uses the keyword ##ENV##"),
        (
            one(secrets="      @@SECRETS@@"),
            None,
            "tenant.yaml actions[0] (action a): 'secrets' is the keyword @@SECRETS@@",
        ),
        (
            one(code="./actions/missing.js"),
            None,
            "tenant.yaml actions[0] (action a): code file ./actions/missing.js not found inside "
            "the export",
        ),
        (
            one(code="../outside.js"),
            {"outside.js": LOGIN_CODE, "export/actions/a/code.js": LOGIN_CODE},
            "code file ../outside.js not found inside the export",
        ),
        ("actions:\n  - name: a\n  code: [\n", None, "tenant.yaml:3:3: invalid YAML"),
        ("- just\n- a list\n", None, "tenant.yaml: not a deploy-cli tenant file (not a mapping)"),
        (
            one() + "  - name: a\n    code: ./actions/a/code.js\n    supported_triggers: []\n",
            None,
            "tenant.yaml actions[1] (action a): 'supported_triggers' needs one entry",
        ),
    ],
)
def test_problems_name_the_place(
    tmp_path: Path, text: str, code: dict[str, str] | None, problem: str
) -> None:
    if code and "outside.js" in code:
        for rel, body in code.items():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text(body)
        (tmp_path / "export" / "tenant.yaml").write_text(text)
        path = tmp_path / "export" / "tenant.yaml"
    else:
        path = export_dir(tmp_path, text, code)
    with pytest.raises(ReconcilerError) as info:
        convert(path)
    assert problem in str(info.value)
    assert str(info.value).startswith(f"cannot convert {path} (")


def test_cli_errors_are_one_line_each(run_cli: Cli, tmp_path: Path) -> None:
    code, out, err = run_cli("import-deploy-cli", str(tmp_path / "nope"), "--out", "o")
    assert (code, out) == (1, "")
    assert err == f"reconciler: error: {tmp_path / 'nope'}: no such file or directory\n"
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli("import-deploy-cli", str(tmp_path / "empty"), "--out", "o")
    assert code == 1
    assert err == (
        f"reconciler: error: {tmp_path / 'empty'}: not a deploy-cli export "
        "(no tenant.yaml, actions/*.json or triggers/)\n"
    )


def test_refuses_a_non_empty_out_dir_unless_forced(run_cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("import-deploy-cli", str(DIR_EXPORT), "--out", str(out))[0] == 0
    code, _, err = run_cli("import-deploy-cli", str(DIR_EXPORT), "--out", str(out))
    assert code == 1
    assert "directory is not empty" in err
    (out / "post-login.yaml").write_text("stale")
    code, _, _ = run_cli("import-deploy-cli", str(DIR_EXPORT), "--out", str(out), "--force")
    assert code == 0
    assert (out / "post-login.yaml").read_text().splitlines()[1].startswith("# Converted from")


def test_copied_fixture_keeps_converting(tmp_path: Path) -> None:
    """The YAML fixture converts the same from another place (paths are relative to the file)."""
    shutil.copytree(YAML_EXPORT.parent, tmp_path / "copy")
    assert render_bundle(convert(tmp_path / "copy" / "tenant.yaml")) == render_bundle(
        convert(YAML_EXPORT)
    )
