"""CPU budget of the pure core: diff + plan + render for 100 actions with 3 secrets each.

Worst case: every action's code (5 kB), dependencies and all three secret values changed, so the
diff verifies 300 live secret hashes and the planner computes 300 fresh ones. Measured for each
secret digest scheme (issue 12): keyed HMAC-SHA256 (RECONCILER_DIGEST_KEY), the unkeyed scrypt
default, and the v1 PBKDF2 of earlier releases; and for the common case where no value changed
(300 hashes verified, none computed). Budget (issue 5): the keyed plan under 2 s on the 2-core
build machine; the unkeyed worst case is reported (its cost is the point of the scheme).

    python bench/plan_cpu.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reconciler.core.digests import Scheme, keyed, pbkdf2, scrypt  # noqa: E402
from reconciler.core.livemodel import (  # noqa: E402
    LiveAction,
    LiveBinding,
    LiveSecret,
    LiveState,
    LiveTriggerBindings,
    LiveVersion,
)
from reconciler.core.model import (  # noqa: E402
    Dependency,
    DesiredAction,
    DesiredBinding,
    DesiredSecret,
    DesiredState,
    DesiredTriggerBindings,
    SecretValue,
)
from reconciler.core.trailer import DEFAULT_ITERATIONS, compute_digest, with_trailer  # noqa: E402
from reconciler.plan import PlanOptions, make_plan  # noqa: E402
from reconciler.render import render_json, render_markdown, render_text  # noqa: E402

N = 100
SECRETS = ("API_KEY", "CLIENT_SECRET", "WEBHOOK_TOKEN")


def source(i: int, variant: str) -> str:
    lines = [f"// action {i} ({variant})", "exports.onExecutePostLogin = async (event, api) => {"]
    for j in range(100):  # ~5 kB
        extra = f" // {variant}" if j % 10 == 0 else ""
        lines.append(f"  api.idToken.setCustomClaim('https://example.com/claim{j}', {j});{extra}")
    lines.append("};")
    return "\n".join(lines) + "\n"


KEY = b"bench digest key"


def build(scheme: Scheme, changed: bool = True) -> tuple[DesiredState, LiveState]:
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
        prefix = "old" if changed else "new"
        old_values = {s: f"{prefix}-value-{i}-{s}" for s in SECRETS}
        written = with_trailer(source(i, "old"), compute_digest(old_values, scheme=scheme))
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


def measure(label: str, scheme: Scheme, key: bytes | None, changed: bool) -> float:
    desired, live = build(scheme, changed)
    options = PlanOptions(
        digest_key=key, iterations=None if scheme.name != "pbkdf2-sha256" else DEFAULT_ITERATIONS
    )
    start = time.process_time()
    wall = time.perf_counter()
    plan = make_plan(desired, live, options=options)
    planned = time.process_time()
    render_text(plan, color=False)
    render_markdown(plan)
    render_json(plan)
    end = time.process_time()
    case = "all 300 values changed" if changed else "no value changed     "
    print(
        f"{label:<34} {case}  steps {len(plan.steps):>3}  diff+plan {planned - start:6.3f} s"
        f"  render {end - planned:5.3f} s  total {end - start:6.3f} s CPU"
        f"  {time.perf_counter() - wall:6.3f} s wall"
    )
    return end - start


def main() -> int:
    print(f"actions: {N}, secrets: {N * len(SECRETS)} (text, markdown and json rendered)")
    schemes = [
        ("hmac-sha256 (RECONCILER_DIGEST_KEY)", keyed(KEY), KEY),
        ("scrypt n=1024,r=8,p=1 (default)", scrypt(), None),
        (f"pbkdf2-sha256 {DEFAULT_ITERATIONS} (v1)", pbkdf2(DEFAULT_ITERATIONS), None),
    ]
    keyed_total = 0.0
    for label, scheme, key in schemes:
        for changed in (True, False):
            total = measure(label, scheme, key, changed)
            if scheme.name == "hmac-sha256":
                keyed_total = max(keyed_total, total)
    print(f"keyed worst case {keyed_total:.3f} s CPU (budget 2 s)")
    return 0 if keyed_total < 2.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
