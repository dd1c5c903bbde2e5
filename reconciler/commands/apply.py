"""`reconciler apply`: plan (or load a saved plan), confirm, execute, verify."""

from __future__ import annotations

import sys

import click

from reconciler import output, planfile
from reconciler.commands.common import plan_options, root_argument, var_file_option
from reconciler.commands.options import TenantArgs, open_from_args, tenant_options
from reconciler.commands.plan import render
from reconciler.commands.progress import Progress
from reconciler.errors import GuardError, ReconcilerError
from reconciler.exitcodes import ExitCode
from reconciler.plan import Plan, PlanOptions
from reconciler.workflow import check_saved_plan, execute, load_desired, plan_tenant

EPILOG = """\b
Examples:
  reconciler apply examples/actions --tenant local --auto-approve
  reconciler plan --out plan.json && reconciler apply --plan plan.json
"""


def read_plan_file(path: str) -> Plan:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise ReconcilerError(f"cannot read plan file {path}: {exc.strerror}") from None
    return planfile.loads(text, source=path)


def confirm(tenant: str, auto_approve: bool) -> None:
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise ReconcilerError(
            "refusing to apply without confirmation: stdin is not a terminal; "
            "review the plan and pass --auto-approve, or apply a saved plan with --plan"
        )
    if not click.confirm(f"Apply this plan to tenant {tenant}?", default=False):
        raise ReconcilerError("apply cancelled; nothing was changed")


@click.command("apply", epilog=EPILOG)
@root_argument
@var_file_option
@tenant_options
@click.option("--plan", "plan_file", metavar="PLANFILE", help="Apply this saved plan exactly.")
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--parallelism",
    type=click.IntRange(min=1, max=32),
    default=4,
    show_default=True,
    help="Steps of one phase run concurrently (still bounded by the rate limit).",
)
@click.option("--journal", metavar="FILE", help="Append one JSON line per step event to FILE.")
@plan_options
def command(
    root: str,
    var_files: tuple[str, ...],
    tenant_args: TenantArgs,
    plan_file: str | None,
    auto_approve: bool,
    parallelism: int,
    journal: str | None,
    plan_opts: PlanOptions,
) -> int:
    """Make the tenant match the manifests."""
    saved = read_plan_file(plan_file) if plan_file else None
    desired = load_desired(root, var_files)
    with open_from_args(tenant_args) as session:
        if saved is not None:
            check_saved_plan(saved, session, desired)
            plan = saved
            deletes = any(s.kind == "delete" for s in plan.steps)
            plan_opts = PlanOptions(
                allow_delete=plan_opts.allow_delete or deletes, targets=plan.targets
            )
            output.echo(f"Applying saved plan {plan.plan_digest[:19]} to tenant {plan.tenant}.")
        else:
            desired, _, plan = plan_tenant(session, desired, plan_opts, var_files)
            output.echo(render(plan, "text").rstrip("\n"))
            if plan.blocked:
                raise GuardError("the plan is blocked: " + "; ".join(plan.blocked))
            if not plan.has_changes:
                return int(ExitCode.OK)
            confirm(session.name, auto_approve)
        progress = Progress(len(plan.steps))
        try:
            result = execute(
                session,
                plan,
                desired,
                plan_opts,
                parallelism=parallelism,
                journal_path=journal,
                on_result=progress,
            )
        finally:
            progress.close()
    for problem in result.verify_problems:
        output.error(f"verify: {problem}")
    output.echo(result.summary_line())
    return int(ExitCode.OK if result.ok else ExitCode.ERROR)
