"""Render bench/RESULTS.md from the measurements of one run (no numbers are written by hand)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import resources
import scenarios as sc
import startup as st

TARGET_X = 1.3
TARGET_PLAN = 10.0
TARGET_DEFAULTS_NEW = 1.15  # issue 16: apply of N new with no flags, Enterprise
DEFAULTS = sc.DEFAULTS


@dataclass
class Context:
    command: str
    date: str
    machine: str
    load_before: str
    tiers: list[sc.Tier]
    big: int
    load_after: str = ""
    total_seconds: float = 0.0
    deploy_cli: str = ""
    deploy_cli_error: str = ""
    measures: list[sc.Measure] = field(default_factory=list)
    usage: list[resources.Usage] = field(default_factory=list)
    side: dict[str, str] = field(default_factory=dict)
    startup: Any = None  # startup.Startup


def _key(m: sc.Measure) -> str:
    return m.scenario.split(" [")[0]


def _tool(m: sc.Measure) -> str:
    return m.tool + (f" `{m.scenario.split(' [')[1].rstrip(']')}`" if " [" in m.scenario else "")


def _find(ctx: Context, tool: str, tier: str, scenario: str) -> list[sc.Measure]:
    return [m for m in ctx.measures if m.tool == tool and m.tier == tier and _key(m) == scenario]


def _table(rows: list[sc.Measure]) -> list[str]:
    out = [
        "| tier | tool | exit | requests | writes | 429s | versions | pre-API s | wall s "
        "| floor req | floor s | x floor |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in rows:
        x = f"**{m.x_floor:.2f}**" if m.floor_seconds else "-"
        out.append(
            f"| {m.tier} | {_tool(m)} | {m.exit_code} | {m.requests} | {m.writes} | {m.throttled} "
            f"| {m.versions} | {m.pre_api:.1f} | {m.wall:.1f} | {m.floor_requests} "
            f"| {m.floor_seconds:.2f} | {x} |"
        )
    notes = [f"- {m.tier} {_tool(m)}: {m.note}" for m in rows if m.note]
    return out + ([""] + notes if notes else [])


def _targets(ctx: Context) -> list[str]:
    out = []
    ent = ctx.tiers[0].name
    applies = [
        m
        for m in ctx.measures
        if m.tool == "reconciler"
        and m.tier == ent
        and _key(m).startswith("apply")
        and "no change" not in m.scenario
    ]
    worst = max(applies, key=lambda m: m.x_floor, default=None)
    if worst is not None:
        ok = all(m.x_floor <= TARGET_X for m in applies)
        listing = ", ".join(f"{_key(m)} {m.x_floor:.2f}x" for m in applies)
        out.append(
            f"- apply within {TARGET_X}x of the floor at the {ent} limit: "
            f"**{'met' if ok else 'NOT met'}** ({listing})."
        )
    for tier in ctx.tiers:
        for tool in ("reconciler", "deploy-cli"):
            for m in _find(ctx, tool, tier.name, f"apply, no change ({ctx.big})"):
                out.append(
                    f"- no-change apply, {tool}, {tier.name}: {m.writes} writes, "
                    f"{m.versions} versions created"
                    + (
                        " (target: zero writes **met**)."
                        if tool == "reconciler" and m.writes == 0
                        else " (target: zero writes **NOT met**)."
                        if tool == "reconciler"
                        else "."
                    )
                )
    for tier in ctx.tiers:
        plans = _find(ctx, "reconciler", tier.name, f"plan, no change ({ctx.big})")
        for other in _find(ctx, "deploy-cli", tier.name, f"plan, no change ({ctx.big})"):
            for plan in plans:
                ratio = other.wall / plan.wall if plan.wall else 0.0
                verdict = ""
                if "dry-run" in other.scenario and " [" not in plan.scenario:
                    met = "met" if ratio >= TARGET_PLAN else "NOT met"
                    verdict = f" (target {TARGET_PLAN:.0f}x: **{met}**)"
                faster = (
                    f"reconciler {ratio:.1f}x faster"
                    if ratio >= 1
                    else f"deploy-cli {1 / ratio:.1f}x faster"
                    if ratio
                    else "-"
                )
                out.append(
                    f"- {tier.name}: {_tool(plan)} `plan` {plan.wall:.1f} s vs deploy-cli "
                    f"{_tool(other).split(' ', 1)[1]} {other.wall:.1f} s: {faster}{verdict}."
                )
    return out


def _defaults_targets(ctx: Context) -> list[str]:
    """Issue 16's targets for the runs with no --rate-limit and no --parallelism."""
    out = []
    for m in ctx.measures:
        if DEFAULTS not in m.scenario:
            continue
        what = f"- defaults (no flags), {m.tier}, {_key(m)}: {m.x_floor:.2f}x the floor, "
        what += f"{m.throttled} 429s"
        if m.tier == sc.ENTERPRISE.name:
            limit = TARGET_DEFAULTS_NEW if " new" in _key(m) else TARGET_X
            ok = m.x_floor <= limit and m.exit_code == 0
            out.append(f"{what} (target within {limit}x: **{'met' if ok else 'NOT met'}**).")
        else:
            ok = m.throttled == 0 and m.exit_code == 0
            out.append(f"{what} (target 0 429s: **{'met' if ok else 'NOT met'}**).")
    if ctx.startup is not None:
        verdict = "met" if ctx.startup.ratio <= st.TARGET_X else "NOT met"
        out.append(
            f"- `reconciler --help` {ctx.startup.help_median * 1000:.0f} ms vs `python -c "
            f'"import click, yaml"` {ctx.startup.imports_median * 1000:.0f} ms (medians of '
            f"{len(ctx.startup.help_s)}): {ctx.startup.ratio:.2f}x (target within "
            f"{st.TARGET_X:g}x: **{verdict}**)."
        )
    return out


def _distance(ctx: Context) -> list[str]:
    out = []
    for m in ctx.measures:
        if m.tool != "reconciler" or not m.floor_seconds:
            continue
        api_s = m.wall - m.pre_api
        extra = m.requests - m.floor_requests
        polls = sum(
            v for k, v in m.per_path.items() if k.startswith("GET /api/v2/actions/actions 200")
        )
        local = "start-up, manifest load" + ("" if "no node" in m.scenario else ", `node --check`")
        out.append(
            f"- {m.tier}, {m.scenario}: {m.x_floor:.2f}x the floor ({m.wall:.1f} s vs "
            f"{m.floor_seconds:.1f} s). {m.pre_api:.1f} s passed before the first API request "
            f"({local}); the API part took {api_s:.1f} s "
            f"({api_s / m.floor_seconds:.2f}x the floor). {m.requests} requests = floor "
            f"{m.floor_requests} {'+' if extra >= 0 else '-'} {abs(extra)}; "
            f"`GET /actions/actions` sent {polls} times."
        )
    return out


def _per_path(ctx: Context) -> list[str]:
    out = []
    for m in ctx.measures:
        paths = ", ".join(f"{k} x{v}" for k, v in m.per_path.items())
        out.append(f"- {m.tier} / {_tool(m)} / {_key(m)}: {paths}")
    return out


def render(ctx: Context) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/run_all.py` from one run; nothing here is typed by hand.",
        "",
        f"- Date: {ctx.date}; total run time {ctx.total_seconds / 60:.1f} min.",
        f"- Machine: {ctx.machine}. Shared with other jobs: load average (1, 5, 15 min) "
        f"{ctx.load_before} at the start, {ctx.load_after} at the end, so timings are noisy.",
        f"- Reproduce: `{ctx.command}` (from the repository root; needs node and npm for "
        "auth0-deploy-cli, `--no-deploy-cli` to skip it).",
        f"- auth0-deploy-cli: {ctx.deploy_cli or 'not run: ' + (ctx.deploy_cli_error or 'skipped')}"
        " (pinned in `bench/deploycli/package.json`, `npm ci` into a temporary folder).",
        "",
        "## Set-up",
        "",
        "- Tenant: `reconciler emulator serve --tls` as its own process, 50 ms latency per "
        "request, 1 s builds, one fresh tenant per size; requests are counted from its request "
        "log, versions from its state file.",
        "- Rate limits: "
        + "; ".join(f"{t.name} {t.rate:g}/s, burst {t.burst}" for t in ctx.tiers)
        + ". `reconciler` runs with `--rate-limit` equal to the tenant's rate (and its default "
        "`--parallelism 4`), except in the rows marked `defaults: no flags`, which pass neither "
        "flag and learn the limit from the tenant's `x-ratelimit-*` headers; "
        "auth0-deploy-cli has no such option (it throttles itself to 3 "
        "concurrent requests and 8/s, and retries 429s).",
        f"- Manifests: N post-login actions (node22, lodash 4.17.21, one secret), the first "
        f"{sc.BOUND} bound to post-login, written for each tool in its own format "
        "(`bench/scenarios.py`); an update changes the code of every action, "
        "'1 changed' the code of one (reconciler's row: the median of "
        f"{sc.ONE_CHANGED_RUNS} runs, each changing one more action; its note lists them).",
        '- auth0-deploy-cli: YAML format, `AUTH0_INCLUDED_ONLY=["actions","triggers"]`, '
        "`AUTH0_ALLOW_DELETE=false`, CA trusted via `NODE_EXTRA_CA_CERTS`. It has no plan: "
        "the plan row compares against its `export` and its `import --dry-run`. The dry run "
        "lists the tenant's clients (`GET /api/v2/clients`), which the emulator does not serve "
        "(404 aborts the dry run), so it runs against `bench/deploycli/emulator_plus.py`: the "
        "same emulator and state plus that one route answering an empty list. Its 10- and "
        "50-action runs are made at the first tier only (its requests per action do not depend "
        "on the tier; at 2/s they would push the run past 20 minutes).",
        "- Columns: requests = every request the tool sent (token included); writes = POST/"
        "PATCH/DELETE to `/api/v2` (failed ones too); versions = action versions created; "
        "pre-API s = from process start to its first `/api/v2` request; x floor = wall / floor s.",
        "",
        "## Floors",
        "",
        sc.FLOOR_NOTES,
        "## Targets",
        "",
        *_targets(ctx),
        *_defaults_targets(ctx),
        "",
    ]
    order: list[str] = []
    for m in ctx.measures:
        if _key(m) not in order:
            order.append(_key(m))
    for scenario in order:
        rows = [m for m in ctx.measures if _key(m) == scenario]
        lines += [f"## {scenario}", "", *_table(rows), ""]
    lines += [
        "## How far from the floor (reconciler)",
        "",
        "Wall time splits into the part before the first API request (interpreter start-up, "
        "manifest load, and the loader's `node --check`, one node process for all code files when "
        "node is on PATH: compare the plan row without node) and the API part.",
        "",
        *_distance(ctx),
        "",
    ]
    if ctx.usage:
        lines += [
            "## CPU time and peak memory",
            "",
            "Unthrottled TLS emulator, no latency, instant builds; each command is its own "
            "process; CPU and peak RSS include the `node --check` children it waits for "
            "(`bench/resources.py`).",
            "",
            resources.table(ctx.usage),
            "",
        ]
    if ctx.startup is not None:
        lines += [
            "## Start-up (`bench/startup.py`)",
            "",
            *st.lines(ctx.startup),
            "",
        ]
    for name, text in ctx.side.items():
        lines += [f"## `bench/{name}`", "", "```", text, "```", ""]
    lines += ["## Requests per path", "", *_per_path(ctx), ""]
    return "\n".join(lines)
