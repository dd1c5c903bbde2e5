"""Two applies at the same moment against one tenant (two processes, one emulator).

reconciler takes no lock (Auth0 has no lock primitive): safety comes from idempotent,
name-keyed convergence, per-resource preconditions on saved plans, and CI concurrency groups.
Whatever the interleaving: no action is lost or duplicated, no process crashes, and the tenant
ends exactly as one of the manifest sets says.
"""

from __future__ import annotations

import collections
import shutil
import time
from pathlib import Path

import pytest

from reconciler.emulator import Emulator
from tests.proof.conftest import EXAMPLES, Api, Cli, api_writes, finish, spawn

pytestmark = pytest.mark.emulator(latency_ms=15.0, build_seconds=0.2)
NAMES = {"block-bad-ips", "enrich-token", "m2m-quota", "signup-domain-allowlist", "sms-via-twilio"}


def copy_examples(dest: Path) -> Path:
    shutil.copytree(EXAMPLES, dest)
    return dest


def edit(root: Path, rel: str, marker: str) -> None:
    path = root / rel
    path.write_text(path.read_text() + f"// {marker}\n")


def assert_clean(code: int, out: str, err: str) -> None:
    assert code in (0, 1, 3), out + err
    assert "Traceback" not in err, err
    assert "bug in reconciler" not in err, err


def assert_no_duplicates(api: Api) -> None:
    names = collections.Counter(a["name"] for a in api.action_list())
    assert [n for n, c in names.items() if c > 1] == []


def version_counts(api: Api) -> dict[str, int]:
    return {
        name: len(api.call("GET", f"/actions/actions/{a['id']}/versions?per_page=100")["versions"])
        for name, a in api.actions().items()
        if name in NAMES
    }


def both(
    args_a: list[str], args_b: list[str], cwd: Path, emu: Emulator
) -> list[tuple[int, str, str]]:
    tenant = ["--tenant", emu.url]
    procs = [spawn([*args_a, *tenant], cwd), spawn([*args_b, *tenant], cwd)]
    return [finish(p) for p in procs]


@pytest.mark.slow
def test_two_applies_of_the_same_manifests_converge_once(
    cli: Cli, api: Api, emu: Emulator, tmp_path: Path
) -> None:
    root = copy_examples(tmp_path / "actions")
    apply = ["apply", str(root), "--auto-approve"]
    results = both(apply, apply, tmp_path, emu)
    for result in results:
        assert_clean(*result)
    assert 0 in [code for code, _, _ in results], results
    assert_no_duplicates(api)
    assert set(api.actions()) >= NAMES
    code, out, err = cli("plan", str(root), "--detailed-exitcode")
    assert code == 0, out + err
    assert api.bindings("post-login") == ["Block bad IPs", "enrich-token", "Fraud Shield"]
    # each action was created with its deploy at most twice (once per process), never more
    assert all(1 <= n <= 2 for n in version_counts(api).values()), version_counts(api)


@pytest.mark.slow
def test_a_saved_plan_applied_twice_at_once_is_applied_once(
    cli: Cli, api: Api, emu: Emulator, tmp_path: Path
) -> None:
    root = copy_examples(tmp_path / "actions")
    assert cli("apply", str(root), "--auto-approve")[0] == 0
    edit(root, "login/enrich-token.js", "second revision")
    plan = tmp_path / "plan.json"
    assert cli("plan", str(root), "--out", str(plan))[0] == 0
    before = version_counts(api)
    apply = ["apply", str(root), "--plan", str(plan)]
    results = both(apply, apply, tmp_path, emu)
    for result in results:
        assert_clean(*result)
    codes = sorted(code for code, _, _ in results)
    assert codes in ([0, 0], [0, 3]), results
    if codes == [0, 3]:
        loser = next(r for r in results if r[0] == 3)
        assert "the tenant changed since this plan was made" in loser[2]
        assert "action.enrich-token" in loser[2]
    assert_no_duplicates(api)
    assert cli("plan", str(root), "--detailed-exitcode")[0] == 0
    after = version_counts(api)
    assert 1 <= after["enrich-token"] - before["enrich-token"] <= 2
    assert {k: v for k, v in after.items() if k != "enrich-token"} == {
        k: v for k, v in before.items() if k != "enrich-token"
    }


@pytest.mark.slow
def test_two_changes_to_different_actions_both_land(
    cli: Cli, api: Api, emu: Emulator, tmp_path: Path
) -> None:
    base = copy_examples(tmp_path / "base")
    assert cli("apply", str(base), "--auto-approve")[0] == 0
    first, second, merged = (copy_examples(tmp_path / n) for n in ("first", "second", "merged"))
    edit(first, "login/enrich-token.js", "change one")
    edit(second, "m2m-quota.js", "change two")
    edit(merged, "login/enrich-token.js", "change one")
    edit(merged, "m2m-quota.js", "change two")
    plans = [tmp_path / "first.json", tmp_path / "second.json"]
    assert cli("plan", str(first), "--out", str(plans[0]))[0] == 0
    assert cli("plan", str(second), "--out", str(plans[1]))[0] == 0
    results = both(
        ["apply", str(first), "--plan", str(plans[0])],
        ["apply", str(second), "--plan", str(plans[1])],
        tmp_path,
        emu,
    )
    for (code, out, err), other in zip(results, ("m2m-quota", "enrich-token"), strict=True):
        assert "0 failed, 0 skipped" in out, out + err  # every step of both plans landed
        # the verify step may see the other apply's change: a warning naming only that action,
        # never a failure of this apply
        assert code == 0, out + err
        verify = [ln for ln in err.splitlines() if "verify:" in ln]
        assert all(ln.startswith("reconciler: warning: verify: ") for ln in verify), verify
        assert all(f"action.{other}:" in ln for ln in verify), verify
    assert_no_duplicates(api)
    code, out, err = cli("plan", str(merged), "--detailed-exitcode")
    assert code == 0, out + err  # nothing lost: both edits are live


def test_a_plan_made_before_another_apply_is_refused(
    cli: Cli, api: Api, emu: Emulator, tmp_path: Path
) -> None:
    base = copy_examples(tmp_path / "base")
    assert cli("apply", str(base), "--auto-approve")[0] == 0
    first, second = copy_examples(tmp_path / "first"), copy_examples(tmp_path / "second")
    edit(first, "login/enrich-token.js", "one way")
    edit(second, "login/enrich-token.js", "another way")
    plans = [tmp_path / "first.json", tmp_path / "second.json"]
    assert cli("plan", str(first), "--out", str(plans[0]))[0] == 0
    assert cli("plan", str(second), "--out", str(plans[1]))[0] == 0
    assert cli("apply", str(first), "--plan", str(plans[0]))[0] == 0
    emu.clear_log()
    code, out, err = cli("apply", str(second), "--plan", str(plans[1]))
    assert code == 3, out + err
    assert "the tenant changed since this plan was made; run plan again" in err
    assert "action.enrich-token" in err
    assert api_writes(emu) == []
    assert cli("plan", str(first), "--detailed-exitcode")[0] == 0


@pytest.mark.slow
@pytest.mark.parametrize("offset", [0.0, 0.3])
def test_conflicting_changes_at_once_end_as_one_of_them(
    cli: Cli, api: Api, emu: Emulator, tmp_path: Path, offset: float
) -> None:
    """The race a lock would close (CI concurrency groups do): both plans pass their checks
    before either writes. The tenant still ends exactly as one of the two manifests."""
    base = copy_examples(tmp_path / "base")
    assert cli("apply", str(base), "--auto-approve")[0] == 0
    first, second = copy_examples(tmp_path / "first"), copy_examples(tmp_path / "second")
    edit(first, "login/enrich-token.js", "one way")
    edit(second, "login/enrich-token.js", "another way")
    plans = [tmp_path / "first.json", tmp_path / "second.json"]
    assert cli("plan", str(first), "--out", str(plans[0]))[0] == 0
    assert cli("plan", str(second), "--out", str(plans[1]))[0] == 0
    tenant = ["--tenant", emu.url]
    proc_a = spawn(["apply", str(first), "--plan", str(plans[0]), *tenant], tmp_path)
    time.sleep(offset)
    proc_b = spawn(["apply", str(second), "--plan", str(plans[1]), *tenant], tmp_path)
    results = [finish(proc_a), finish(proc_b)]
    for result in results:
        assert_clean(*result)
    assert 0 in [code for code, _, _ in results], results
    assert_no_duplicates(api)
    empty = [cli("plan", str(root), "--detailed-exitcode")[0] == 0 for root in (first, second)]
    assert empty.count(True) == 1, (empty, results)
    live = api.actions()["enrich-token"]
    assert live["all_changes_deployed"] is True
    assert live["deployed_version"]["code"] == live["code"]
