"""`reconciler rollback NAME [--to-version N]`: redeploy an earlier version of an action;
`reconciler rollback NAME --module [--to-version N] [--draft-only]`: roll an Actions Module back
to one of its published versions (reconciler.features.module_rollback)."""

from __future__ import annotations

import click

from reconciler.auth0.modules import ModulesApi
from reconciler.commands import output
from reconciler.commands.options import TenantArgs, open_from_args, tenant_options
from reconciler.core.errors import ReconcilerError
from reconciler.features.module_rollback import ModuleRollback, rollback_module
from reconciler.features.rollback import rollback

EPILOG = """\b
Examples:
  reconciler rollback enrich-token --tenant local            # the version before the current
  reconciler rollback enrich-token --to-version 3
  reconciler rollback claims-helpers --module --to-version 1 # a module: publish version 1's content
  reconciler rollback claims-helpers --module --draft-only   # only the draft takes the old content
"""


@click.command("rollback", epilog=EPILOG)
@click.argument("name")
@click.option("--to-version", type=click.IntRange(min=1), default=None, metavar="N")
@click.option("--module", "is_module", is_flag=True, help="NAME is an Actions Module.")
@click.option(
    "--draft-only",
    is_flag=True,
    help="With --module: leave the rolled-back content as the draft; publish nothing.",
)
@tenant_options
def command(
    name: str, to_version: int | None, is_module: bool, draft_only: bool, tenant_args: TenantArgs
) -> int:
    """Redeploy an earlier immutable version of an action (its draft follows).

    With --module, NAME is an Actions Module: its draft takes the content of a published version
    (the one before the newest, or --to-version N), published as a new version unless
    --draft-only. Actions keep the module version they pin.
    """
    if draft_only and not is_module:
        raise ReconcilerError("--draft-only is for a module rollback; add --module")
    if is_module:
        with open_from_args(tenant_args) as session:
            done = rollback_module(
                ModulesApi(session.client), name, to_version, publish=not draft_only
            )
        _report_module(done)
        return 0
    with open_from_args(tenant_args) as session:
        result = rollback(session.api, name, to_version)
    was = f"version {result.from_number}" if result.from_number is not None else "nothing"
    now = f" (deployed as version {result.new_number})" if result.new_number is not None else ""
    output.echo(f"{name}: rolled back from {was} to version {result.to_number}{now}.")
    output.echo("The next plan shows the manifest as the source of truth; apply to go forward.")
    return 0


def _report_module(done: ModuleRollback) -> None:
    if done.new_number is not None:
        now = f"published as version {done.new_number}"
    elif done.to_number == done.from_number:
        now = "the draft matches it again; nothing to publish"
    else:
        now = "left as the draft, not published"
    output.echo(
        f"module {done.name}: rolled back to the content of version {done.to_number} "
        f"(newest published was version {done.from_number}); {now}."
    )
    if done.users:
        pins = ", ".join(f"{action} (version {number})" for action, number in done.users)
        output.echo(f"Actions keep the version they pin: {pins}.")
    output.echo(
        "The next plan shows the manifest as the source of truth; pin version: N on the actions "
        "in the manifests to keep them on the old code."
    )
