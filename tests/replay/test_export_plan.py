"""Export of a tenant served from recorded real Auth0 replies, then validate and plan of that
export, through the real CLI over loopback HTTP: exit 0, only adoption, the lints as warnings,
and not one write (the replay server refuses them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.replay.conftest import Cli, Replay, fill_env

#: What the recorded tenant runs that a lint rejects, as (file, lint) per warning. The triggers
#: list (go-auth0 2023) offers node12/16/18 only, so node22 and node18-actions are not offered;
#: custom-email-provider is not in it (the built-in catalogue fills in: node18-actions, node22).
PLAN_LINTS = sorted(
    [("custom-email-provider.yaml", "runtime 'node18'")]
    + [("custom-token-exchange.yaml", "does not export onExecuteCustomTokenExchange")] * 6
    + [("post-login.yaml", "runtime 'node22'")]
    + [("post-login.yaml", "runtime 'node18-actions'")] * 2
    + [("post-login.yaml", "does not export onExecutePostLogin")] * 3
    + [
        (f"post-login/{name}.js", "node --check")
        for name in (
            "Test-Action-TestAccAction",
            "Test-Trigger-Binding-Bar-TestAccTriggerActions",
            "Test-Trigger-Binding-Foo-TestAccTriggerActions",
        )
    ]
)
LINT = re.compile(r"(runtime '[^']*'|does not export \w+|node --check)")
NAMES = [
    "1736158981-Test-Action",
    "1736159069-Test-Action",
    "1736159332-Test-Action",
    "1736159540-Test-Action",
    "1736159606-Test-Action",
    "1736160280-Test-Action",
    "Custom Email Provider",
    "Test Action (Apr  4 15:12:21.370)",
    "Test Action (Jan 25 18:41:51.588)",
    "Test Action TestAccAction",
    "Test Trigger Binding Bar TestAccTriggerActions",
    "Test Trigger Binding Foo TestAccTriggerActions",
]


def kinds(warnings: list[str]) -> list[tuple[str, str]]:
    """(file, lint) of each warning line."""
    found = [(w.split(":")[0], LINT.search(w)) for w in warnings]
    return sorted((file, m.group(1)) for file, m in found if m)


def test_export_validate_plan_of_the_recorded_tenant(
    replay: Replay, run_cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "exported"
    code, stdout, stderr = run_cli("export", "--out", str(out), "--tenant", replay.url)
    assert code == 0, stderr
    assert "wrote 12 actions, 1 binding list and 2 variables" in stdout
    assert "Test Action TestAccAction': the draft has changes that were never deployed" in stderr

    code, stdout, stderr = run_cli("validate", str(out))
    assert code == 0, stderr
    assert "valid (12 actions, 1 trigger bound)" in stdout
    prefix = "reconciler: warning: "
    offline = [line[len(prefix) :] for line in stderr.splitlines() if line.startswith(prefix)]
    assert all("unchanged since `reconciler export` read it" in w for w in offline)
    # the built-in catalogue offers node18-actions and node22 on post-login v3, node18 and
    # node22 on v2: node18 and node16 are the runtimes it lacks
    assert kinds(offline) == sorted(
        [("custom-email-provider.yaml", "runtime 'node18'")]
        + [("custom-token-exchange.yaml", "does not export onExecuteCustomTokenExchange")] * 6
        + [("post-login.yaml", "runtime 'node18'"), ("post-login.yaml", "runtime 'node16'")]
        + [("post-login.yaml", "does not export onExecutePostLogin")] * 3
        + [lint for lint in PLAN_LINTS if lint[1] == "node --check"]
    )

    env = fill_env(out)
    args = ["plan", str(out), "--tenant", replay.url, "--var-file", str(env)]
    code, stdout, stderr = run_cli(*args, "--format", "json")
    assert code == 0, stderr
    plan = json.loads(stdout)
    assert plan["summary"] == {
        "adopt": 12,
        "create": 0,
        "delete": 0,
        "deploy": 2,
        "rebind": 0,
        "unmanaged": 0,
        "update": 12,
    }
    assert sorted(c["address"] for c in plan["changes"] if c["actions"]) == [
        f"action.{n}" for n in NAMES
    ]
    assert all(c["actions"][0] == "adopt" for c in plan["changes"] if c["actions"])
    assert all("unchanged from the live action, so not blocking" in w for w in plan["warnings"])
    assert kinds(plan["warnings"]) == PLAN_LINTS

    code, stdout, stderr = run_cli(*args)  # text: each warning printed once
    assert code == 0, stderr
    assert stdout.count("Warning: ") == len(PLAN_LINTS)
    assert "12 actions adopted" in stdout


def test_plan_reads_the_tenant_in_the_minimum_requests(
    replay: Replay, run_cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "exported"
    assert run_cli("export", "--out", str(out), "--tenant", replay.url)[0] == 0
    replay.tenant.log.clear()
    args = ["plan", str(out), "--tenant", replay.url, "--var-file", str(fill_env(out))]
    assert run_cli(*args)[0] == 0
    gets = [(p, q.get("page")) for m, p, q in replay.tenant.log if m == "GET"]
    assert sorted(gets) == [
        ("/api/v2/actions/actions", "0"),  # total 12 in one page: no empty page after it
        ("/api/v2/actions/triggers", None),
        ("/api/v2/actions/triggers/post-login/bindings", "0"),
    ]
