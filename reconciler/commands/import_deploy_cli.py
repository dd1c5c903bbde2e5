"""`reconciler import-deploy-cli PATH --out DIR`: migrate from auth0-deploy-cli.

What is converted and what is not: see reconciler.features.deploycli.
"""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.commands.common import out_options
from reconciler.commands.export import write_bundle
from reconciler.features.deploycli import convert
from reconciler.features.export import ENV_FILE, check_out_dir

EPILOG = """\b
Examples:
  reconciler import-deploy-cli tenant.yaml --out actions      # YAML-format export
  reconciler import-deploy-cli ./export --out actions         # directory-format export
  reconciler validate actions
"""


@click.command("import-deploy-cli", epilog=EPILOG)
@click.argument("path", type=click.Path(path_type=Path))
@out_options
def command(path: Path, out: Path, force: bool) -> int:
    """Convert the actions and trigger bindings of an auth0-deploy-cli export (a tenant.yaml,
    or the root of a directory export) into reconciler manifests.

    Secret values are never copied: a value that is exactly ##KEY## or @@KEY@@ becomes ${KEY};
    any other becomes a ${ACTION_SECRET} reference listed in .env.example. Everything outside
    actions and triggers is left out (a warning lists it).
    """
    check_out_dir(out, force=force)
    return write_bundle(
        convert(path),
        out,
        force=force,
        nothing=f"nothing to convert: {path} has no actions and no triggers",
        next_step=f"next: reconciler validate {out}; then copy {out / ENV_FILE} to "
        f"{out / '.env'}, fill it in, and run: reconciler plan {out} --var-file {out / '.env'}",
    )
