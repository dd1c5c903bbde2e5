"""`reconciler test`: run an action's code and show the commands it issued, in order.

- `reconciler test NAME --payload FILE --tenant T`: the tenant's Test endpoint
  (`POST /actions/actions/{id}/test`) runs the draft; the emulator (`--tenant local`) runs it in
  Node through reconciler.features.localrun, in the same reply shape.
- `reconciler test NAME --payload FILE --local`: no tenant; the code from the manifests runs in
  Node here, secrets from the environment / --var-file.
- `reconciler test --all`: every `tests:` case of the manifests, locally; exit 1 on a mismatch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from reconciler.auth0.protocol import TenantAPI
from reconciler.commands import output
from reconciler.commands.common import manifest_root, var_file_option
from reconciler.commands.options import TenantArgs, open_from_args, tenant_options
from reconciler.core.errors import ReconcilerError
from reconciler.core.exitcodes import ExitCode
from reconciler.core.livemodel import LiveAction
from reconciler.features.localrun import local
from reconciler.features.localrun.cases import (
    command_line,
    reply_commands,
    reply_error,
    reply_logs,
)
from reconciler.features.localrun.payload import MAX_PAYLOAD_BYTES, load_payload
from reconciler.manifest import load_manifests
from reconciler.manifest.problems import did_you_mean

__all__ = ["MAX_PAYLOAD_BYTES", "command", "find_action", "load_payload"]
EPILOG = """\b
Examples:
  reconciler test enrich-token --payload event.json --tenant local
  reconciler test signup-domain-allowlist --payload event.json --local --root examples/actions
  reconciler test --all --root examples/actions
"""


def find_action(api: TenantAPI, name: str, tenant: str) -> LiveAction:
    """The custom action named `name` (exact match)."""
    found = api.list_actions(name=name)
    if not found:
        hint = did_you_mean(name, [a.name for a in api.list_actions()])
        raise ReconcilerError(f"no action named {name!r} in tenant {tenant}{hint}")
    if len(found) > 1:
        ids = ", ".join(a.id for a in found)
        raise ReconcilerError(f"the tenant has {len(found)} actions named {name!r} ({ids})")
    if found[0].marketplace:
        raise ReconcilerError(
            f"{name!r} is a marketplace integration; reconciler test runs custom actions only"
        )
    return found[0]


def show(name: str, reply: dict[str, Any], as_json: bool) -> int:
    """Print the reply (the commands one per line, then the logs); 1 when it holds an error."""
    if as_json:
        output.echo(json.dumps(reply, indent=2, ensure_ascii=False))
    else:
        commands = reply_commands(reply)
        for line in [command_line(c) for c in commands]:
            output.echo(line)
        error = reply_error(reply)
        if not commands and error is None:
            output.echo("(no commands)")
        for line in reply_logs(reply):
            output.echo(f"log: {line}")
    error = reply_error(reply)
    if error is not None:
        what = error.get("name") or "Error"
        output.error(f"action {name} failed: {what}: {error.get('message', '')}")
        return int(ExitCode.ERROR)
    return int(ExitCode.OK)


def run_all(root: str, var_files: tuple[str, ...]) -> int:
    state = load_manifests(root, resolve=False)
    found = local.variables(var_files)

    def report(result: local.CaseResult) -> None:
        status = "FAIL" if result.diff else "ok"
        output.echo(f"{status:<4} {result.action}: {result.case.name} ({result.case.source})")
        for line in result.diff:
            output.echo(f"     {line}")

    results = local.run_cases(state, found, report=report)
    failed = sum(1 for r in results if r.diff)
    if not results:
        output.echo(f"no test cases in the manifests under {root} (add tests: to an action)")
        return int(ExitCode.OK)
    if failed:
        output.error(f"{failed} of {len(results)} test cases failed")
        return int(ExitCode.ERROR)
    output.echo(f"{len(results)} test cases passed")
    return int(ExitCode.OK)


def _check(
    name: str | None, payload: Path | None, run_every: bool, args: TenantArgs
) -> tuple[str, Path] | None:
    """(NAME, FILE) for one run, None for --all; refuses a mix of the two."""
    if run_every:
        if name or payload:
            raise ReconcilerError("--all runs every test case; drop NAME and --payload")
        if args.tenant:
            raise ReconcilerError("--all runs the test cases locally; drop --tenant")
        return None
    if name is None or payload is None:
        raise ReconcilerError("give NAME and --payload FILE, or --all")
    return name, payload


@click.command("test", epilog=EPILOG)
@click.argument("name", required=False)
@click.option(
    "--payload",
    metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False),
    help="JSON or YAML file holding the event object the action receives.",
)
@click.option("--local", "run_local", is_flag=True, help="Run here in Node, from the manifests.")
@click.option("--all", "run_every", is_flag=True, help="Run every tests: case of the manifests.")
@click.option("--root", metavar="DIR", default=None, help="Manifest root (with --local / --all).")
@click.option("--json", "as_json", is_flag=True, help="Print the reply as JSON.")
@var_file_option
@tenant_options
def command(
    name: str | None,
    payload: Path | None,
    run_local: bool,
    run_every: bool,
    root: str | None,
    as_json: bool,
    var_files: tuple[str, ...],
    tenant_args: TenantArgs,
) -> int:
    """Run action NAME with the event in FILE and print the commands it issued, in order.

    Exits 1 when the action throws (its error name and message are shown), or with --all when a
    test case does not get what it expects.
    """
    one = _check(name, payload, run_every, tenant_args)
    if one is None:
        return run_all(manifest_root(root), var_files)
    name, payload = one
    event = load_payload(payload)
    if run_local:
        if tenant_args.tenant:
            raise ReconcilerError("--local runs without a tenant; drop --tenant")
        state = load_manifests(manifest_root(root), resolve=False)
        action = local.pick(state, name)
        found = local.variables(var_files)
        modules = local.modules_of(state, action, found)
        return show(name, local.run_action(action, event, found, modules), as_json)
    with open_from_args(tenant_args) as session:
        api = session.api
        result = api.test_action(find_action(api, name, session.name).id, event)
    return show(name, dict(result.reply), as_json)
