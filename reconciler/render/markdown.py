"""The pull-request comment: a hidden header for finding it again, the summary table first,
banners for deletes, targeting and guards, then one <details> per resource.

The whole comment stays under `limit` characters (GitHub allows 65,536) by degrading in steps:
full diffs -> diffs without context -> one line per resource -> summary only. Each step says what
it left out, and nothing is ever cut inside a line or a fence.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence

from reconciler.escaping import markdown as _text
from reconciler.escaping import markdown_code as _code
from reconciler.plan import SUMMARY_KEYS, Change, Plan
from reconciler.render.common import (
    attribute_lines,
    code_diff,
    deleted,
    drifted,
    empty_message,
    planned,
    summary_line,
    symbol,
    unmanaged,
    unplanned_deletes,
)
from reconciler.render.safe import printable

GITHUB_LIMIT = 65536
FULL, NO_CONTEXT, PER_RESOURCE, SUMMARY_ONLY = range(4)
_RERUN = "Run `reconciler plan` (or read the JSON plan artifact) for the full plan."


def hidden_header(plan: Plan) -> str:
    meta = {
        "tenant": plan.tenant,
        "plan_digest": plan.plan_digest,
        "format_version": plan.format_version,
    }
    text = json.dumps(meta, separators=(",", ":")).replace("--", "-\\u002d")
    return f"<!-- reconciler {text} -->"


def _fenced(lines: list[str], lang: str) -> list[str]:
    longest = max((len(m) for line in lines for m in re.findall(r"`{3,}", line)), default=2)
    fence = "`" * max(3, longest + 1)
    return [fence + lang, *lines, fence]


def _callout(kind: str, title: str, items: Sequence[str] = ()) -> list[str]:
    """A GitHub alert: a title line, then one bullet per item."""
    return [f"> [!{kind}]", f"> {title}", *(f"> - {item}" for item in items), ""]


def _table(plan: Plan) -> list[str]:
    return [
        "| " + " | ".join(SUMMARY_KEYS) + " |",
        "|" + "---:|" * len(SUMMARY_KEYS),
        "| " + " | ".join(str(plan.summary[k]) for k in SUMMARY_KEYS) + " |",
        "",
    ]


def _details(change: Change, level: int) -> list[str]:
    title = f"<code>{html.escape(symbol(change) + ' ' + change.address)}</code>"
    summary = f"{title} {html.escape(', '.join(change.actions))}: {html.escape(change.reason)}"
    out = [f"<details><summary>{summary}</summary>", ""]
    attributes = attribute_lines(change)
    if attributes:
        out += [*_fenced(attributes, "text"), ""]
    diff = code_diff(change, context=level == FULL)
    if diff:
        out += [*_fenced(diff, "diff"), ""]
    return [*out, "</details>", ""]


def _one_line(change: Change) -> str:
    fields = ("trigger", "runtime", "dependencies", "secrets", "code", "positions")
    shown = [k if k != "positions" else "order" for k in fields if k in change.diff]
    extra = f" ({', '.join(shown)})" if shown else ""
    words = _text(", ".join(change.actions))
    return (
        f"- {_code(symbol(change) + ' ' + change.address)} {words}: {_text(change.reason)}{extra}"
    )


def _render(plan: Plan, level: int) -> str:
    out = [hidden_header(plan), f"## reconciler plan for {_code(plan.tenant)}", ""]
    if plan.blocked:
        out += _callout(
            "CAUTION", "**Blocked**: this plan cannot be applied.", [_text(b) for b in plan.blocked]
        )
    gone = deleted(plan)
    if gone:
        names = ", ".join(_code(c.name) for c in gone)
        noun = "action" if len(gone) == 1 else "actions"
        title = f"**{len(gone)} {noun} will be deleted**: {names}. Check the plan carefully."
        out += _callout("CAUTION", title)
    if plan.warnings:
        out += _callout("WARNING", "**Warning**", [_text(w) for w in plan.warnings])
    out += _table(plan)
    done = plan.has_changes or plan.blocked
    out += [f"**{summary_line(plan)}**" if done else empty_message(plan), ""]
    changes = planned(plan)
    left_out = {
        NO_CONTEXT: "Unchanged context lines were left out of the code diffs",
        PER_RESOURCE: f"The diffs of {len(changes)} resources were left out",
        SUMMARY_ONLY: f"The details of {len(changes)} resources were left out",
    }
    if level in left_out and changes:
        out += _callout("NOTE", f"{left_out[level]} to fit GitHub's comment limit. {_RERUN}")
    if level == SUMMARY_ONLY:
        return "\n".join(out)
    drift = drifted(plan)
    if drift:
        out += ["### Drift (the tenant differs from what reconciler last wrote)", ""]
        out += [
            f"- {_code(c.address)} {d.category}: {_text(d.detail)}" for c in drift for d in c.drift
        ]
        out.append("")
    if changes:
        out += ["### Changes", ""]
        for change in changes:
            out += [_one_line(change)] if level == PER_RESOURCE else _details(change, level)
        if level == PER_RESOURCE:
            out.append("")
    waiting = unplanned_deletes(plan)
    if waiting:
        out += ["### Not deleted", ""]
        out += [f"- {_code(c.address)}: {_text(c.reason)}" for c in waiting]
        out.append("")
    ignored = unmanaged(plan)
    if ignored:
        out += ["### Unmanaged (ignored, never touched)", ""]
        out += [f"- {_code(c.name)}: {_text(c.reason)}" for c in ignored]
        out.append("")
    out.append(
        f"<sub>plan digest {_code(plan.plan_digest)} · created {_text(plan.created_at)}</sub>"
    )
    return "\n".join(out)


def _fit(text: str, limit: int) -> str:
    """Last resort for a summary that is still too long: whole lines only, then a note."""
    note = f"\n\n_The rest of this summary was left out to fit the comment limit. {_RERUN}_"
    kept: list[str] = []
    size = len(note)
    for line in text.split("\n"):
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept) + note


def render_markdown(plan: Plan, *, limit: int = GITHUB_LIMIT) -> str:
    """The PR comment, at most `limit` characters."""
    plan = printable(plan)
    for level in (FULL, NO_CONTEXT, PER_RESOURCE, SUMMARY_ONLY):
        text = _render(plan, level) + "\n"
        if len(text) <= limit:
            return text
    return _fit(_render(plan, SUMMARY_ONLY), limit - 1) + "\n"
