"""CPU budget of the pure core: diff + plan + render for 100 actions with 3 secrets each.

Worst case: every action's code (5 kB), dependencies and all three secret values changed, so the
diff verifies 300 live secret hashes and the planner computes 300 fresh ones, at the default
PBKDF2 iteration count. Budget (issue 5): under 2 s on the 2-core build machine.

    /tmp/venv/bin/python bench/plan_cpu.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reconciler.model import (  # noqa: E402
    Dependency,
    DesiredAction,
    DesiredBinding,
    DesiredSecret,
    DesiredState,
    DesiredTriggerBindings,
    LiveAction,
    LiveBinding,
    LiveSecret,
    LiveState,
    LiveTriggerBindings,
    LiveVersion,
    SecretValue,
)
from reconciler.plan import PlanOptions, make_plan  # noqa: E402
from reconciler.render import render_json, render_markdown, render_text  # noqa: E402
from reconciler.trailer import DEFAULT_ITERATIONS, compute_digest, with_trailer  # noqa: E402

N = 100
SECRETS = ("API_KEY", "CLIENT_SECRET", "WEBHOOK_TOKEN")


def source(i: int, variant: str) -> str:
    lines = [f"// action {i} ({variant})", "exports.onExecutePostLogin = async (event, api) => {"]
    for j in range(100):  # ~5 kB
        extra = f" // {variant}" if j % 10 == 0 else ""
        lines.append(f"  api.idToken.setCustomClaim('https://example.com/claim{j}', {j});{extra}")
    lines.append("};")
    return "\n".join(lines) + "\n"


def build() -> tuple[DesiredState, LiveState]:
    desired: list[DesiredAction] = []
    live: list[LiveAction] = []
    for i in range(N):
        name = f"action-{i:03d}"
        secrets = tuple(
            DesiredSecret(s, f"VAR_{i}_{s}", SecretValue(f"new-value-{i}-{s}")) for s in SECRETS
        )
        desired.append(
            DesiredAction(
                name=name,
                trigger="post-login",
                trigger_version="v3",
                runtime="node22",
                code=source(i, "new"),
                code_file=f"{name}.js",
                dependencies=(Dependency("axios", "1.7.9"),),
                secrets=secrets,
            )
        )
        old_values = {s: f"old-value-{i}-{s}" for s in SECRETS}
        written = with_trailer(source(i, "old"), compute_digest(old_values))
        deps = (Dependency("axios", "1.7.2"),)
        version = LiveVersion(f"ver{i}", 1, written, "node22", deps, SECRETS, "built", True)
        live.append(
            LiveAction(
                id=f"act{i}",
                name=name,
                trigger="post-login",
                trigger_version="v3",
                code=written,
                runtime="node22",
                dependencies=deps,
                secrets=tuple(LiveSecret(s) for s in SECRETS),
                status="built",
                created_at="2026-01-01T00:00:00Z",
                updated_at="2026-01-02T00:00:00Z",
                deployed_version=version,
            )
        )
    order = [a.name for a in desired[:20]]
    bindings = (DesiredTriggerBindings("post-login", tuple(DesiredBinding(n, n) for n in order)),)
    live_bindings = LiveTriggerBindings(
        "post-login",
        tuple(LiveBinding(f"b{i}", f"act{i}", n, n) for i, n in reversed(list(enumerate(order)))),
    )
    return (
        DesiredState("bench", tuple(desired), bindings, digest="sha256:bench"),
        LiveState("bench.example.com", (), tuple(live), (live_bindings,)),
    )


def main() -> int:
    desired, live = build()
    start = time.process_time()
    wall = time.perf_counter()
    plan = make_plan(desired, live, options=PlanOptions())
    planned = time.process_time()
    text = render_text(plan, color=False)
    markdown = render_markdown(plan)
    document = render_json(plan)
    end = time.process_time()
    print(f"iterations per secret hash: {DEFAULT_ITERATIONS}")
    print(f"actions: {N}, secrets: {N * len(SECRETS)}, steps: {len(plan.steps)}")
    print(f"diff + plan: {planned - start:.3f} s CPU")
    print(
        f"render (text {len(text)} B, markdown {len(markdown)} B, json {len(document)} B): "
        f"{end - planned:.3f} s CPU"
    )
    print(f"total: {end - start:.3f} s CPU, {time.perf_counter() - wall:.3f} s wall (budget 2 s)")
    return 0 if end - start < 2.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
