"""`reconciler apply`: plan (or load a saved plan), confirm, execute, verify.

With `--env all`, every environment is planned concurrently, each plan is shown and confirmed on
its own (or all with --auto-approve), the approved ones are applied concurrently, and the exit
code combines them (any error 1, else any guard 3, else 0).
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from reconciler.commands import output
from reconciler.commands.common import (
    manifest_root,
    plan_options,
    root_argument,
    var_file_option,
)
from reconciler.commands.options import TenantArgs, tenant_options
from reconciler.commands.targets import (
    Target,
    env_option,
    open_target,
    per_target_path,
    resolve_targets,
)
from reconciler.core.errors import GuardError, Interrupted, ReconcilerError
from reconciler.core.escaping import terminal
from reconciler.core.exitcodes import ExitCode, combine
from reconciler.core.interrupts import quiet_thread, read_line
from reconciler.core.plankey import plan_key
from reconciler.features.ahead import opened
from reconciler.plan.options import PlanOptions

if TYPE_CHECKING:  # imported where used: the tenant read starts before they load (issue 16)
    from reconciler.apply import ApplyResult
    from reconciler.plan import Plan

MAX_PLAN_FILE = 64 * 2**20  # characters; a plan of 100 actions x 100 kB of code is ~25 MB

EPILOG = """\b
Examples:
  reconciler apply examples/actions --tenant local \\
      --var-file examples/actions/.env.example --auto-approve
  reconciler plan --out plan.json && reconciler apply --plan plan.json
  reconciler apply --env staging
"""


def read_plan_file(path: str, key: str | None = None) -> Plan:
    from reconciler.plan import planfile

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read(MAX_PLAN_FILE + 1)
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ReconcilerError(f"cannot read plan file {path}: {why}") from None
    if len(text) > MAX_PLAN_FILE:
        raise ReconcilerError(f"{path}: plan file larger than {MAX_PLAN_FILE // 2**20} MB")
    return planfile.loads(text, source=path, key=key)


def saved_plan_root(given: str, explicit: bool, plan: Plan) -> str:
    """The manifest root for `apply --plan`: an explicit ROOT wins (the manifests there must
    still give every step of the plan); otherwise the root the plan recorded, resolved
    relative to the current directory; for a plan that recorded none, the default ROOT."""
    if explicit:
        return given
    if plan.root is None:
        return manifest_root(None)
    if plan.root == ".":  # the current directory: skip its non-manifest YAML, as plan did
        from reconciler.features.rootdir import DefaultRoot

        return DefaultRoot(".")
    return plan.root


def confirm(tenant: str, auto_approve: bool) -> None:
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise ReconcilerError(
            "refusing to apply without confirmation: stdin is not a terminal; "
            "review the plan and pass --auto-approve, or apply a saved plan with --plan"
        )
    output.echo(f"Apply this plan to tenant {tenant}?\n  Only 'yes' will be accepted to approve.\n")
    try:  # the prompt is printed inside: a Ctrl-C as soon as it shows is caught here
        output.echo("  Enter a value: ", nl=False)
        answer = read_line(64)
    except KeyboardInterrupt:
        output.echo()
        raise Interrupted("interrupted at the prompt; nothing was changed") from None
    if answer.strip() != "yes":
        raise ReconcilerError("apply cancelled (only 'yes' approves); nothing was changed")


@dataclass(frozen=True, slots=True)
class Settings:
    root: str
    plan_file: str | None
    auto_approve: bool
    parallelism: int
    journal: str | None
    options: PlanOptions
    many: bool
    root_explicit: bool = True
    plan_key: str | None = None


def apply_target(target: Target, s: Settings, prefix: str = "") -> ApplyResult | None:
    """Plan (or load and check the saved plan), confirm, execute. None: nothing to do."""
    plan_path = per_target_path(s.plan_file, target, s.many) if s.plan_file else None
    saved = read_plan_file(plan_path, s.plan_key) if plan_path else None
    root = saved_plan_root(s.root, s.root_explicit, saved) if saved else s.root
    # the tenant read starts first; the manifests load (node --check runs on) meanwhile
    with opened(open_target(target), root, target.var_files, s.options.digest_key) as start:
        from reconciler.commands.plan import render
        from reconciler.commands.progress import Progress
        from reconciler.features import workflow  # the planner, while the digests are hashed

        session, options = start.session, s.options
        if saved is not None:
            desired = start.loading.result()
            live = workflow.check_saved_plan(
                saved, session, desired, target.var_files, read=start.ahead.read
            )
            plan = saved
            options = saved_options(plan, options)
            output.echo(
                f"{prefix}Applying saved plan {plan.plan_digest[:19]} to {terminal(plan.tenant)}."
            )
        else:
            desired, live, plan = workflow.plan_tenant(
                session, start.loading, options, target.var_files, start.ahead
            )
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
            return workflow.execute(
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


def saved_options(plan: Plan, options: PlanOptions) -> PlanOptions:
    """A saved plan's own targets; deletes allowed when it has any (it was planned so)."""
    from reconciler.plan import StepKind

    deletes = any(step.kind is StepKind.DELETE for step in plan.steps)
    return PlanOptions(
        allow_delete=options.allow_delete or deletes,
        targets=plan.targets,
        digest_key=options.digest_key,
    )


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
        with ThreadPoolExecutor(min(8, len(targets)), "env", quiet_thread) as pool:
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
@click.option(
    "--plan",
    "plan_file",
    metavar="PLANFILE",
    help="Apply this saved plan exactly (each step re-derived from the manifests first); "
    "without ROOT, the root the plan recorded.",
)
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--parallelism",
    type=click.IntRange(min=1, max=32),
    default=4,
    show_default=True,
    help="Steps of one phase run concurrently (still bounded by the rate limit).",
)
@click.option("--journal", metavar="FILE", help="Append one JSON line per step event to FILE.")
@click.option(
    "--require-signed-plan",
    is_flag=True,
    help="Refuse to run unless RECONCILER_PLAN_KEY is set, so every saved plan is "
    "signature-checked (also RECONCILER_REQUIRE_SIGNED_PLAN=1).",
)
@plan_options
def command(
    root: str | None,
    var_files: tuple[str, ...],
    tenant_args: TenantArgs,
    env_name: str | None,
    plan_file: str | None,
    auto_approve: bool,
    parallelism: int,
    journal: str | None,
    require_signed_plan: bool,
    plan_opts: PlanOptions,
) -> int:
    """Make the tenant match the manifests."""
    key = plan_key(os.environ, require=require_signed_plan)
    explicit = root is not None
    # with --plan and no ROOT, apply_target takes the root the plan recorded
    root = manifest_root(root) if plan_file is None or explicit else "."
    targets = resolve_targets(root, env_name, tenant_args, var_files)
    settings = Settings(
        root,
        plan_file,
        auto_approve,
        parallelism,
        journal,
        plan_opts,
        many=len(targets) > 1,
        root_explicit=explicit,
        plan_key=key,
    )
    if len(targets) > 1:
        return int(apply_all(targets, settings))
    return int(finish(apply_target(targets[0], settings)))
