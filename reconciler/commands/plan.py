"""`reconciler plan`: read the tenant, diff it against the manifests, print the plan.

With `--env all` every environment of reconciler.yaml is planned concurrently (each tenant under
its own client and rate limit) and reported together with one combined exit code: any error 1,
else any guard 3, else any change 2 (with --detailed-exitcode), else 0.
"""

from __future__ import annotations

import json
import os
import shlex
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
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
from reconciler.core.errors import ReconcilerError
from reconciler.core.exitcodes import ExitCode, combine
from reconciler.core.interrupts import quiet_thread
from reconciler.core.masking import mask
from reconciler.core.plankey import plan_key
from reconciler.features.ahead import opened
from reconciler.plan.options import PlanOptions
from reconciler.render.limits import GITHUB_LIMIT

if TYPE_CHECKING:  # imported where used: the tenant read starts before they load (issue 16)
    from reconciler.plan import Plan

EPILOG = """\b
Examples:
  reconciler plan examples/actions --tenant local --var-file examples/actions/.env.example
  reconciler plan --format markdown > plan.md       # a pull-request comment
  reconciler plan --out plan.json --detailed-exitcode
  reconciler plan --env all --detailed-exitcode     # every tenant of reconciler.yaml
"""


def render(
    plan: Plan, fmt: str, *, max_chars: int = GITHUB_LIMIT, full_plan: str | None = None
) -> str:
    from reconciler.render import render_json, render_markdown, render_text

    if fmt == "json":
        return render_json(plan)
    if fmt == "markdown":
        return render_markdown(plan, limit=max_chars, full_plan=full_plan)
    return render_text(plan, color=output.use_color())


def failure_markdown(tenant: str, error: ReconcilerError) -> str:
    """The PR comment of a failed plan (same sticky marker), so the PR shows the failure."""
    from reconciler.render import render_failure_markdown

    return render_failure_markdown(tenant, [str(error)], int(error.exit_code)).rstrip("\n")


def apply_hint(path: str, target: Target, var_files: tuple[str, ...]) -> str:
    """The `reconciler apply --plan` line to run next, with the flags this plan used (so it
    works exactly as printed from the same directory). No ROOT: the plan file records it."""
    words = ["reconciler", "apply", "--plan", path]
    if target.label is not None:
        words += ["--env", target.label]
    elif target.tenant_args.tenant is not None:
        words += ["--tenant", target.tenant_args.tenant]
    if target.tenant_args.ca_bundle is not None:
        words += ["--ca-bundle", target.tenant_args.ca_bundle]
    for var_file in var_files:
        words += ["--var-file", var_file]
    return shlex.join(words)


def tenant_label(tenant_args: TenantArgs, env_name: str | None) -> str:
    if env_name is not None and tenant_args.tenant is None:
        return f"environment {env_name}"
    return tenant_args.tenant or os.environ.get("AUTH0_DOMAIN", "")


def write_plan_file(plan: Plan, path: str, key: str | None = None) -> None:
    from reconciler.plan import planfile

    try:
        Path(path).write_text(mask(planfile.dumps(plan, key=key)), encoding="utf-8")
    except OSError as exc:
        raise ReconcilerError(f"cannot write plan file {path}: {exc.strerror}") from None


def plan_target(root: str, target: Target, options: PlanOptions) -> Plan:
    # the tenant read starts first; the manifests load (node --check runs on) meanwhile
    with opened(open_target(target), root, target.var_files, options.digest_key) as start:
        from reconciler.features.workflow import plan_tenant  # while the digests are hashed
        from reconciler.plan import planfile

        _, _, plan = plan_tenant(
            start.session, start.loading, options, target.var_files, start.ahead
        )
    return replace(plan, root=planfile.recorded_root(root))


@dataclass
class Outcome:
    target: Target
    plan: Plan | None = None
    error: ReconcilerError | None = None

    def code(self, detailed: bool) -> ExitCode:
        from reconciler.plan import exit_code

        if self.error is not None:
            return self.error.exit_code
        assert self.plan is not None
        return exit_code(self.plan, detailed=detailed)


def plan_all(root: str, targets: list[Target], options: PlanOptions) -> list[Outcome]:
    """Plan every target concurrently; an error in one does not stop the others."""

    def one(target: Target) -> Outcome:
        try:
            return Outcome(target, plan=plan_target(root, target, options))
        except ReconcilerError as exc:
            return Outcome(target, error=exc)

    with ThreadPoolExecutor(min(8, len(targets)), "env", quiet_thread) as pool:
        return list(pool.map(one, targets))


def report(outcomes: list[Outcome], fmt: str, detailed: bool, max_chars: int) -> None:
    """The combined report of several environments, in reconciler.yaml order."""
    if fmt == "json":
        doc = {
            o.target.label: (
                json.loads(render(o.plan, "json")) if o.plan else {"error": str(o.error)}
            )
            for o in outcomes
        }
        output.echo(json.dumps({"environments": doc}, indent=2, sort_keys=True))
        return
    for o in outcomes:
        heading = f"## {o.target.title}" if fmt == "markdown" else f"=== {o.target.title} ==="
        output.echo(heading)
        if o.plan is not None:
            output.echo(render(o.plan, fmt, max_chars=max_chars).rstrip("\n"))
        elif fmt == "markdown" and o.error is not None:
            output.echo(failure_markdown(o.target.title, o.error))
        else:
            output.echo(f"error: {o.error}")
        output.echo()
    output.echo("Environments:")
    for o in outcomes:
        if o.plan is None:
            state = "error"
        elif o.plan.blocked:
            state = "blocked"
        else:
            state = f"{len(o.plan.steps)} steps" if o.plan.has_changes else "no changes"
        output.echo(f"  {o.target.label}: {state} (exit {int(o.code(detailed))})")


@click.command("plan", epilog=EPILOG)
@root_argument
@var_file_option
@tenant_options
@env_option
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
    "--max-chars",
    type=click.IntRange(min=1000),
    default=GITHUB_LIMIT,
    show_default=True,
    metavar="N",
    help="Markdown: shrink the comment to at most N characters (GitHub 65536, GitLab 1000000).",
)
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when the plan has changes (0 when none)."
)
@plan_options
def command(
    root: str | None,
    var_files: tuple[str, ...],
    tenant_args: TenantArgs,
    env_name: str | None,
    fmt: str,
    out: str | None,
    max_chars: int,
    detailed_exitcode: bool,
    plan_opts: PlanOptions,
) -> int:
    """Show what apply would change in the tenant, without changing anything.

    With --format markdown, a failure (bad manifests, API error) still prints a Markdown body
    that says what failed, with the comment marker, so the pull request shows it; the exit code
    is the same as without it.
    """
    try:
        key = plan_key(os.environ) if out else None  # fail before planning
        root = manifest_root(root)
        targets = resolve_targets(root, env_name, tenant_args, var_files)
        if len(targets) == 1:
            outcomes = [Outcome(targets[0], plan=plan_target(root, targets[0], plan_opts))]
    except ReconcilerError as exc:
        if fmt == "markdown":
            output.echo(failure_markdown(tenant_label(tenant_args, env_name), exc))
        raise
    if len(targets) == 1:
        assert outcomes[0].plan is not None
        text = render(outcomes[0].plan, fmt, max_chars=max_chars, full_plan=out)
        output.echo(text.rstrip("\n"))
    else:
        outcomes = plan_all(root, targets, plan_opts)
        report(outcomes, fmt, detailed_exitcode, max_chars)
    for o in outcomes:
        prefix = f"{o.target.label}: " if o.target.label and len(outcomes) > 1 else ""
        if o.plan is None:
            output.error(f"{prefix}{o.error}")
            continue
        if out:
            path = per_target_path(out, o.target, len(outcomes) > 1)
            write_plan_file(o.plan, path, key)
            hint = apply_hint(path, o.target, var_files)
            output.notice(f"{prefix}plan saved to {path}; apply it with: {hint}")
        for reason in o.plan.blocked:
            output.error(f"{prefix}blocked: {reason}")
    return int(combine([o.code(detailed_exitcode) for o in outcomes]))
