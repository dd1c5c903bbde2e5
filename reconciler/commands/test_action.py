"""`reconciler test NAME --payload FILE`: run an action's draft through the Actions test endpoint.

`POST /actions/actions/{id}/test` runs the draft (not the deployed version) with the event in
FILE and answers `{"payload": {"error"?: {name, message, stack}, "stats": {...}}}`; nothing in the
tenant changes. The tenant emulator runs no JavaScript: it answers in that shape from a static
evaluation (reconciler/emulator/testrun.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from reconciler.auth0.client import Auth0Client
from reconciler.commands import output
from reconciler.commands.options import TenantArgs, open_from_args, tenant_options
from reconciler.core.errors import ReconcilerError
from reconciler.core.exitcodes import ExitCode
from reconciler.manifest.problems import did_you_mean

MAX_PAYLOAD_BYTES = 1024 * 1024
EPILOG = """\b
Examples:
  reconciler test enrich-token --payload event.json --tenant local
  echo '{"user": {"email": "a@example.com"}}' > event.json
"""


def load_payload(path: Path) -> dict[str, Any]:
    """The event object in `path`; errors name file:line:col."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReconcilerError(f"cannot read payload file {path}: {exc.strerror}") from None
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise ReconcilerError(f"{path}: payload file is larger than 1 MB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ReconcilerError(f"{path}: payload file is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ReconcilerError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__}"
        raise ReconcilerError(
            f"{path}:1:1: the payload must be a JSON object (an event), not {kind}"
        )
    return data


def find_action(client: Auth0Client, name: str, tenant: str) -> dict[str, Any]:
    """The custom action named `name` (exact match)."""
    found = [a for a in client.list_actions(action_name=name) if a.get("name") == name]
    if not found:
        names = [str(a.get("name")) for a in client.list_actions()]
        hint = did_you_mean(name, names)
        raise ReconcilerError(f"no action named {name!r} in tenant {tenant}{hint}")
    if len(found) > 1:
        ids = ", ".join(str(a.get("id")) for a in found)
        raise ReconcilerError(f"the tenant has {len(found)} actions named {name!r} ({ids})")
    action = found[0]
    if action.get("integration") or action.get("installed_integration_id"):
        raise ReconcilerError(
            f"{name!r} is a marketplace integration; reconciler test runs custom actions only"
        )
    return action


@click.command("test", epilog=EPILOG)
@click.argument("name")
@click.option(
    "--payload",
    required=True,
    metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False),
    help="JSON file holding the event object the action receives.",
)
@tenant_options
def command(name: str, payload: Path, tenant_args: TenantArgs) -> int:
    """Run the draft of action NAME with the event in FILE and print the result.

    Exits 1 when the result reports an error thrown by the action.
    """
    event = load_payload(payload)
    with open_from_args(tenant_args) as session:
        action = find_action(session.client, name, session.name)
        result = session.client.test_action(str(action["id"]), event)
    output.echo(json.dumps(result, indent=2, ensure_ascii=False))
    body = result.get("payload")
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error:
        what = error.get("name") or "Error"
        output.error(f"action {name} failed: {what}: {error.get('message', '')}")
        return int(ExitCode.ERROR)
    return int(ExitCode.OK)
