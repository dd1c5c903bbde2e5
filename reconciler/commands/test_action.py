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

from reconciler.auth0.protocol import TenantAPI
from reconciler.commands import output
from reconciler.commands.options import TenantArgs, open_from_args, tenant_options
from reconciler.core.errors import ReconcilerError
from reconciler.core.exitcodes import ExitCode
from reconciler.core.model import LiveAction
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
        api = session.api
        result = api.test_action(find_action(api, name, session.name).id, event)
    output.echo(json.dumps(result.reply, indent=2, ensure_ascii=False))
    if result.error_name is not None:
        output.error(f"action {name} failed: {result.error_name}: {result.error_message}")
        return int(ExitCode.ERROR)
    return int(ExitCode.OK)
