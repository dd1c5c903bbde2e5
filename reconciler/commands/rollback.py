"""`reconciler rollback NAME [--to-version N]`: redeploy an earlier version of an action."""

from __future__ import annotations

import click

from reconciler.commands import output
from reconciler.commands.options import TenantArgs, open_from_args, tenant_options
from reconciler.features.rollback import rollback

EPILOG = """\b
Examples:
  reconciler rollback enrich-token --tenant local            # the version before the current
  reconciler rollback enrich-token --to-version 3
"""


@click.command("rollback", epilog=EPILOG)
@click.argument("name")
@click.option("--to-version", type=click.IntRange(min=1), default=None, metavar="N")
@tenant_options
def command(name: str, to_version: int | None, tenant_args: TenantArgs) -> int:
    """Redeploy an earlier immutable version of an action (its draft follows)."""
    with open_from_args(tenant_args) as session:
        result = rollback(session.api, name, to_version)
    was = f"version {result.from_number}" if result.from_number is not None else "nothing"
    now = f" (deployed as version {result.new_number})" if result.new_number is not None else ""
    output.echo(f"{name}: rolled back from {was} to version {result.to_number}{now}.")
    output.echo("The next plan shows the manifest as the source of truth; apply to go forward.")
    return 0
