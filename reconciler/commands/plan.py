"""`reconciler plan`: read the tenant, diff it against the manifests, print the plan."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler import output, planfile
from reconciler.commands.common import plan_options, root_argument, var_file_option
from reconciler.commands.options import TenantArgs, open_from_args, tenant_options
from reconciler.errors import ReconcilerError
from reconciler.masking import mask
from reconciler.plan import Plan, PlanOptions, exit_code
from reconciler.render import render_json, render_markdown, render_text
from reconciler.workflow import load_desired, plan_tenant

EPILOG = """\b
Examples:
  reconciler plan examples/actions --tenant local
  reconciler plan --format markdown > plan.md       # a pull-request comment
  reconciler plan --out plan.json --detailed-exitcode
"""


def render(plan: Plan, fmt: str) -> str:
    if fmt == "json":
        return render_json(plan)
    if fmt == "markdown":
        return render_markdown(plan)
    return render_text(plan, color=output.use_color())


def write_plan_file(plan: Plan, path: str) -> None:
    try:
        Path(path).write_text(mask(planfile.dumps(plan)) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ReconcilerError(f"cannot write plan file {path}: {exc.strerror}") from None


@click.command("plan", epilog=EPILOG)
@root_argument
@var_file_option
@tenant_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for people, json for machines, markdown for pull-request comments.",
)
@click.option("--out", metavar="PLANFILE", help="Also save the plan (JSON) for `apply --plan`.")
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when the plan has changes (0 when none)."
)
@plan_options
def command(
    root: str,
    var_files: tuple[str, ...],
    tenant_args: TenantArgs,
    fmt: str,
    out: str | None,
    detailed_exitcode: bool,
    plan_opts: PlanOptions,
) -> int:
    """Show what apply would change in the tenant, without changing anything."""
    desired = load_desired(root, var_files)
    with open_from_args(tenant_args) as session:
        _, _, plan = plan_tenant(session, desired, plan_opts, var_files)
    output.echo(render(plan, fmt).rstrip("\n"))
    if out:
        write_plan_file(plan, out)
        output.notice(f"plan saved to {out}; apply it with: reconciler apply --plan {out}")
    for reason in plan.blocked:
        output.error(f"blocked: {reason}")
    return int(exit_code(plan, detailed=detailed_exitcode))
