"""`reconciler export --out DIR`: write manifests for what a live tenant already has."""

from __future__ import annotations

import shlex
from dataclasses import replace
from pathlib import Path

import click

from reconciler.commands import output
from reconciler.commands.common import out_options
from reconciler.commands.options import TenantArgs, open_from_args, tenant_options
from reconciler.core.errors import ReconcilerError
from reconciler.core.exitcodes import ExitCode
from reconciler.features.export import (
    ENV_FILE,
    Bundle,
    bundle_from_live,
    check_out_dir,
    read_for_export,
    read_modules,
    render_bundle,
    summary,
    write_tree,
)
from reconciler.manifest.exported import RECORD_FILE, content_key, record_text

EPILOG = """\b
Examples:
  reconciler export --out actions --tenant acme.eu.auth0.com
  cp actions/.env.example actions/.env     # then fill in every secret value
  reconciler plan actions --var-file actions/.env   # shows only 'adopt' changes
"""


@click.command("export", epilog=EPILOG)
@out_options
@tenant_options
def command(out: Path, force: bool, tenant_args: TenantArgs) -> int:
    """Write manifests, code files and a .env.example for every custom action, every Actions
    Module and every trigger binding list of the tenant.

    Code is written without reconciler's ownership trailer; secrets become ${VAR} references
    (values cannot be read from Auth0); marketplace actions appear in bindings as external.
    Planning the export against the same tenant shows only 'adopt' changes.
    """
    check_out_dir(out, force=force)
    with open_from_args(tenant_args) as session:
        live = read_for_export(session.api, tenant=session.name)
        modules, note = read_modules(session.client)
    bundle = bundle_from_live(replace(live, modules=modules))
    if note is not None:
        bundle = replace(bundle, warnings=(note, *bundle.warnings))
    code = write_bundle(
        bundle,
        out,
        force=force,
        nothing=f"nothing to export: tenant {live.tenant} has no custom actions, modules or "
        "bindings",
        next_step=f"next: copy {out / ENV_FILE} to {out / '.env'} and fill in every value, "
        f"then run:\n  {plan_hint(out, tenant_args)}",
    )
    if bundle.actions:  # what the tenant runs, so that offline validate can tell (exported.py)
        keys = [
            (a.name, content_key(a.trigger, a.trigger_version, a.runtime, a.code))
            for a in bundle.actions
        ]
        try:
            (out / RECORD_FILE).write_text(record_text(live.tenant, keys), encoding="utf-8")
        except OSError as exc:
            raise ReconcilerError(f"cannot write {out / RECORD_FILE}: {exc.strerror}") from None
    return code


def plan_hint(out: Path, tenant_args: TenantArgs) -> str:
    """The plan command to run after export, against the same tenant (works as printed)."""
    words = ["reconciler", "plan", str(out), "--var-file", str(out / ".env")]
    if tenant_args.tenant is not None:
        words += ["--tenant", tenant_args.tenant]
    if tenant_args.ca_bundle is not None:
        words += ["--ca-bundle", tenant_args.ca_bundle]
    return shlex.join(words)


def write_bundle(bundle: Bundle, out: Path, *, force: bool, nothing: str, next_step: str) -> int:
    """Write a bundle of manifests (export and import-deploy-cli) and say what was written."""
    if not bundle.actions and not bundle.bindings and not bundle.modules:
        output.echo(nothing)
        return int(ExitCode.OK)
    files = render_bundle(bundle)
    write_tree(out, files, force=force)
    for warning in bundle.warnings:
        output.warn(warning)
    output.echo(summary(bundle, out, files))
    output.echo(next_step)
    return int(ExitCode.OK)
