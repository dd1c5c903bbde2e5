"""`reconciler apply`: plan (or load a saved plan), confirm, execute, verify.

With `--env all`, every environment is planned concurrently, each plan is shown and confirmed on
its own (or all with --auto-approve), the approved ones are applied concurrently, and the exit
code combines them (any error 1, else any guard 3, else 0).
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import click

from reconciler import output, planfile
from reconciler.apply import ApplyResult
from reconciler.commands.common import plan_options, root_argument, var_file_option
from reconciler.commands.options import TenantArgs, tenant_options
from reconciler.commands.plan import per_target_path, render
from reconciler.commands.progress import Progress
from reconciler.commands.targets import Target, env_option, open_target, resolve_targets
from reconciler.errors import GuardError, ReconcilerError
from reconciler.escaping import terminal
from reconciler.exitcodes import ExitCode, combine
from reconciler.plan import Plan, PlanOptions
from reconciler.workflow import check_saved_plan, execute, load_desired, plan_tenant

EPILOG = """\b
Examples:
  reconciler apply examples/actions --tenant local --var-file examples/actions/.env.example \
      --auto-approve
  reconciler plan --out plan.json && reconciler apply --plan plan.json
  reconciler apply --env staging
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


@dataclass(frozen=True, slots=True)
class Settings:
    root: str
    plan_file: str | None
    auto_approve: bool
    parallelism: int
    journal: str | None
    options: PlanOptions
    many: bool


def apply_target(target: Target, s: Settings, prefix: str = "") -> ApplyResult | None:
    """Plan (or load and check the saved plan), confirm, execute. None: nothing to do."""
    plan_path = per_target_path(s.plan_file, target, s.many) if s.plan_file else None
    saved = read_plan_file(plan_path) if plan_path else None
    desired = load_desired(s.root, target.var_files)
    options = s.options
    with open_target(target) as session:
        if saved is not None:
            live = check_saved_plan(saved, session, desired)
            plan = saved
            deletes = any(step.kind == "delete" for step in plan.steps)
            options = PlanOptions(
                allow_delete=options.allow_delete or deletes,
                targets=plan.targets,
                digest_key=options.digest_key,
            )
            output.echo(
                f"{prefix}Applying saved plan {plan.plan_digest[:19]} to {terminal(plan.tenant)}."
            )
        else:
            desired, live, plan = plan_tenant(session, desired, options, target.var_files)
            if s.many:
                output.echo(f"=== {target.title} ===")
            output.echo(render(plan, "text").rstrip("\n"))
            if plan.blocked:
                raise GuardError("the plan is blocked: " + "; ".join(plan.blocked))
            if not plan.has_changes:
                return None
            confirm(session.name, s.auto_approve)
        journal = per_target_path(s.journal, target, s.many) if s.journal else None
        progress = Progress(len(plan.steps), prefix=prefix, live=None if not s.many else False)
        try:
            return execute(
                session,
                plan,
                desired,
                options,
                parallelism=s.parallelism,
                journal_path=journal,
                on_result=progress,
                known_triggers=live.triggers,
            )
        finally:
            progress.close()


def finish(result: ApplyResult | None, prefix: str = "") -> ExitCode:
    if result is None:
        return ExitCode.OK
    for problem in result.verify_problems:
        output.error(f"{prefix}verify: {terminal(problem)}")
    for note in result.verify_notes:
        output.warn(f"{prefix}verify: {terminal(note)}")
    output.echo(prefix + result.summary_line())
    return ExitCode.OK if result.ok else ExitCode.ERROR


def apply_all(targets: list[Target], s: Settings) -> ExitCode:
    """Several environments. Auto-approved (or saved-plan) runs go concurrently, one thread per
    environment; otherwise one after the other, so each plan is shown and confirmed on its own
    without prompts interleaving."""

    def one(target: Target) -> ExitCode:
        prefix = f"[{target.label}] "
        try:
            return finish(apply_target(target, s, prefix), prefix)
        except ReconcilerError as exc:
            output.error(f"{target.label}: {exc}")
            return exc.exit_code

    if s.auto_approve or s.plan_file:
        with ThreadPoolExecutor(max_workers=min(8, len(targets))) as pool:
            codes = list(pool.map(one, targets))
    else:
        codes = [one(t) for t in targets]
    output.echo("Environments:")
    for target, code in zip(targets, codes, strict=True):
        output.echo(f"  {target.label}: exit {int(code)}")
    return combine(codes)


@click.command("apply", epilog=EPILOG)
@root_argument
@var_file_option
@tenant_options
@env_option
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
    env_name: str | None,
    plan_file: str | None,
    auto_approve: bool,
    parallelism: int,
    journal: str | None,
    plan_opts: PlanOptions,
) -> int:
    """Make the tenant match the manifests."""
    targets = resolve_targets(root, env_name, tenant_args, var_files)
    settings = Settings(
        root, plan_file, auto_approve, parallelism, journal, plan_opts, many=len(targets) > 1
    )
    if len(targets) > 1:
        return int(apply_all(targets, settings))
    return int(finish(apply_target(targets[0], settings)))
