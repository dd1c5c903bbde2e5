"""The terminal rendering: Terraform-like, one block per resource, colour only when asked."""

from __future__ import annotations

from reconciler.plan import Change, Plan
from reconciler.render.common import (
    LEGEND,
    attribute_lines,
    code_diff,
    deleted_lines,
    deleted_of,
    drifted,
    empty_message,
    header,
    planned,
    summary_line,
    symbol,
    unmanaged,
    unplanned_deletes,
)
from reconciler.render.safe import printable

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
COLORS = {
    "+": "\x1b[32m",  # green
    "~": "\x1b[33m",  # yellow
    "^": "\x1b[36m",  # cyan
    "-": "\x1b[31m",  # red
    ">": "\x1b[35m",  # magenta
    "=": "\x1b[34m",  # blue
    "!": "\x1b[31m",
    "@": "\x1b[36m",
}
INDENT = "    "


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, key: str) -> str:
        code = BOLD if key == "bold" else COLORS.get(key, "")
        return f"{code}{text}{RESET}" if self.color and code else text

    def diff_line(self, line: str) -> str:
        if line.startswith(("+++", "---")):
            return self(line, "bold")
        if line.startswith("@@"):
            return self(line, "@")
        if line.startswith("+"):
            return self(line, "+")
        if line.startswith("-"):
            return self(line, "-")
        return line


def _block(change: Change, paint: _Painter) -> list[str]:
    sym = symbol(change)
    lines = [paint(sym, sym) + paint(header(change)[1:], "bold")]
    if change.reason:
        lines.append(INDENT + change.reason)
    lines.extend(INDENT + line for line in attribute_lines(change))
    diff = code_diff(change)
    if diff:
        lines.append(INDENT + "code:")
        lines.extend(INDENT + "  " + paint.diff_line(line) for line in diff)
    return lines


def render_text(plan: Plan, *, color: bool = False) -> str:
    """The plan for a terminal. ANSI colour only when `color` is True."""
    plan = printable(plan)
    paint = _Painter(color)
    out = [paint(f"reconciler plan for {plan.tenant}", "bold")]
    if plan.has_changes or plan.blocked:
        out.append(LEGEND)
    for warning in plan.warnings:
        out += ["", paint("Warning: ", "!") + warning]
    for change in planned(plan):
        out += ["", *_block(change, paint)]
    waiting = unplanned_deletes(plan)
    if waiting:
        out += ["", "Not deleted (prune disabled or protected):"]
        for c in waiting:
            out.append(f"  {c.address}: {c.reason}")
            out += [f"    {line}" for line in deleted_lines(deleted_of(c))]
    drift = drifted(plan)
    if drift:
        out += [
            "",
            "Drift: the tenant differs from what reconciler last wrote (this plan overwrites it):",
        ]
        for change in drift:
            for d in change.drift:
                out.append(f"  {paint('!', '!')} {change.address}: {d.category}: {d.detail}")
    ignored = unmanaged(plan)
    if ignored:
        out += ["", "Unmanaged (ignored, never touched):"]
        out += [f"  {c.name}: {c.reason}" for c in ignored]
    if plan.blocked:
        out += ["", paint("Blocked: this plan cannot be applied:", "!")]
        out += [f"  {paint('!', '!')} {reason}" for reason in plan.blocked]
    out.append("")
    done = plan.has_changes or plan.blocked
    out.append(summary_line(plan) if done else empty_message(plan))
    return "\n".join(out) + "\n"
