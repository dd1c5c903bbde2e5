"""The pure part of export: LiveState -> Bundle -> files, with exact output."""

from __future__ import annotations

import pytest

from reconciler.core.errors import ReconcilerError
from reconciler.core.livemodel import (
    LiveAction,
    LiveBinding,
    LiveSecret,
    LiveState,
    LiveTriggerBindings,
    LiveVersion,
)
from reconciler.core.model import Dependency
from reconciler.core.trailer import with_trailer
from reconciler.features.export import (
    Bundle,
    ExportAction,
    ExportBinding,
    VarNames,
    bundle_from_live,
    file_slug,
    ident,
    render_bundle,
    scalar,
)

HEADER = (
    "# yaml-language-server: $schema=schemas/manifest.schema.json\n"
    "# Exported from tenant acme.eu.auth0.com by `reconciler export`.\n"
    "# Editors check this file against schemas/manifest.schema.json (the line above).\n"
)
ENRICH = "exports.onExecutePostLogin = async (event, api) => {};\n"


def version(code: str) -> LiveVersion:
    return LiveVersion("ver-1", 1, code, "node22", (), (), "built", True)


def action(name: str, trigger: str = "post-login", **kw: object) -> LiveAction:
    fields: dict[str, object] = {
        "id": f"id-{name}",
        "name": name,
        "trigger": trigger,
        "trigger_version": "v3" if trigger == "post-login" else "v1",
        "code": ENRICH,
        "runtime": "node22",
        "dependencies": (),
        "secrets": (),
        "status": "built",
        "created_at": "",
        "updated_at": "",
        "deployed_version": version(ENRICH),
        "all_changes_deployed": True,
    }
    fields.update(kw)
    return LiveAction(**fields)  # type: ignore[arg-type]


def tenant() -> LiveState:
    managed = with_trailer(ENRICH, "", protect=True)
    return LiveState(
        tenant="acme.eu.auth0.com",
        triggers=(),
        actions=(
            action("Fraud Shield", marketplace=True),
            action(
                "enrich-token",
                code=managed,
                dependencies=(Dependency("@acme/util", "1.0.0"), Dependency("axios", "1.7.9")),
                secrets=(LiveSecret("API_KEY"), LiveSecret("api-key")),
            ),
            action("draft edit", all_changes_deployed=False),
            action(
                "exchange",
                trigger="custom-token-exchange",
                code="exports.onExecuteCustomTokenExchange = async () => {};",
                deployed_version=None,
                all_changes_deployed=False,
            ),
        ),
        bindings=(
            LiveTriggerBindings(
                "post-login",
                (
                    LiveBinding("b1", "id-enrich-token", "enrich-token", "Enrich"),
                    LiveBinding("b2", "id-Fraud Shield", "Fraud Shield", "Fraud Shield"),
                    LiveBinding("b3", "id-draft edit", "draft edit", "draft edit"),
                ),
            ),
            LiveTriggerBindings("send-phone-message", ()),
        ),
    )


def test_bundle_from_live() -> None:
    bundle = bundle_from_live(tenant())
    assert [a.name for a in bundle.actions] == ["draft edit", "enrich-token", "exchange"]
    enrich = bundle.actions[1]
    assert enrich.code == ENRICH  # trailer stripped
    assert (enrich.deploy, enrich.protect) == (True, True)
    assert [(s.name, s.var) for s in enrich.secrets] == [
        ("API_KEY", "ENRICH_TOKEN_API_KEY"),
        ("api-key", "ENRICH_TOKEN_API_KEY_2"),
    ]
    assert bundle.actions[2].deploy is False  # never deployed
    assert bundle.bindings == (
        (
            "post-login",
            (
                ExportBinding("enrich-token", "Enrich"),
                ExportBinding("Fraud Shield", "", True, "marketplace integration"),
                ExportBinding("draft edit"),
            ),
        ),
    )
    assert bundle.warnings == (
        "action 'draft edit': the draft has changes that were never deployed; the export holds "
        "the draft, so the next apply deploys it",
    )


def test_render_exact_files() -> None:
    files = render_bundle(bundle_from_live(tenant()))
    assert list(files) == [
        "custom-token-exchange/exchange.js",
        "custom-token-exchange.yaml",
        "post-login/draft-edit.js",
        "post-login/enrich-token.js",
        "post-login.yaml",
        "bindings.yaml",
        ".env.example",
        ".gitignore",
        "schemas/manifest.schema.json",
    ]
    assert files["post-login/enrich-token.js"] == ENRICH
    assert files["custom-token-exchange.yaml"] == HEADER + (
        "actions:\n"
        "  - name: exchange\n"
        "    trigger: custom-token-exchange\n"
        "    trigger_version: v1\n"
        "    runtime: node22\n"
        "    code: custom-token-exchange/exchange.js\n"
        "    deploy: false\n"
    )
    assert files["post-login.yaml"] == HEADER + (
        "actions:\n"
        "  - name: draft edit\n"
        "    trigger: post-login\n"
        "    trigger_version: v3\n"
        "    runtime: node22\n"
        "    code: post-login/draft-edit.js\n"
        "    deploy: true\n"
        "\n"
        "  - name: enrich-token\n"
        "    trigger: post-login\n"
        "    trigger_version: v3\n"
        "    runtime: node22\n"
        "    code: post-login/enrich-token.js\n"
        "    dependencies:\n"
        '      "@acme/util": 1.0.0\n'
        "      axios: 1.7.9\n"
        "    secrets:\n"
        "      API_KEY: ${ENRICH_TOKEN_API_KEY}\n"
        "      api-key: ${ENRICH_TOKEN_API_KEY_2}\n"
        "    deploy: true\n"
        "    protect: true\n"
    )
    assert files["bindings.yaml"] == HEADER + (
        "# Execution order per trigger. A trigger listed here is owned whole: apply makes its\n"
        "# live list exactly this one.\n"
        "bindings:\n"
        "  post-login:\n"
        "    - action: enrich-token\n"
        "      display_name: Enrich\n"
        "    - action: Fraud Shield\n"
        "      external: true # marketplace integration\n"
        "    - draft edit\n"
    )
    assert files[".env.example"] == (
        "# Every ${VAR} the manifests reference. Secret values cannot be read from Auth0, so they\n"
        "# are empty here: copy this file to .env (kept out of git by .gitignore), fill in every\n"
        "# value, then pass it to reconciler with --var-file.\n"
        "\n"
        "# action enrich-token, secret API_KEY\n"
        "ENRICH_TOKEN_API_KEY=\n"
        "\n"
        "# action enrich-token, secret api-key\n"
        "ENRICH_TOKEN_API_KEY_2=\n"
    )
    assert files[".gitignore"] == ".env\n"


def test_duplicate_live_names_are_refused() -> None:
    live = LiveState("t", (), (action("a", id="x1"), action("a", id="x2")), ())
    with pytest.raises(ReconcilerError, match=r"the tenant has 2 actions named 'a' \(x1, x2\)"):
        bundle_from_live(live)


def test_trigger_file_named_like_bindings_does_not_clash() -> None:
    bundle = Bundle("s", (ExportAction("a", "bindings", "x"),), (("post-login", ()),), ())
    files = render_bundle(bundle)
    assert "bindings-2.yaml" in files
    assert files["bindings-2.yaml"].endswith("    code: bindings-2/a.js\n    deploy: true\n")
    assert files["bindings.yaml"].endswith("bindings:\n  post-login: []\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("enrich token", "ENRICH_TOKEN"),
        ("block/ips", "BLOCK_IPS"),
        ("2fa", "_2FA"),
        ("---", "X"),
        ("émoji ✓", "MOJI"),
    ],
)
def test_ident(text: str, expected: str) -> None:
    assert ident(text) == expected


def test_var_names_are_unique_and_respect_reserved() -> None:
    names = VarNames(reserved=["A_B"])
    assert [names.new("a", "b"), names.new("a-b", ""), names.new("A", "B")] == [
        "A_B_2",
        "A_B_X",
        "A_B_3",
    ]


@pytest.mark.parametrize(
    ("name", "slug"),
    [("enrich token", "enrich-token"), ("a/b\\c", "a-b-c"), ("..", "action"), (".x.", "x")],
)
def test_file_slug(name: str, slug: str) -> None:
    assert file_slug(name) == slug


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Block IPs", "Block IPs"),
        ("1.7.9", "1.7.9"),
        ("1.0", '"1.0"'),
        ("true", '"true"'),
        ("a: b", '"a: b"'),
        ("@scope/x", '"@scope/x"'),
        ("${X}", "${X}"),
        ("a\u2028b", '"a\\u2028b"'),
    ],
)
def test_scalar(text: str, expected: str) -> None:
    assert scalar(text) == expected
