"""The pull-request comment: a hidden header for finding it again, the summary table first,
banners for deletes, targeting and guards, then one <details> per resource.

The whole comment stays under `limit` characters (GitHub allows 65,536, GitLab 1,000,000) by
degrading in steps: full diffs -> diffs without context lines -> the largest diffs shortened to
one line each, largest first, until it fits (every delete and every smaller diff stays in full)
-> one line per resource -> summary only. Each step says exactly what it left out and where the
full plan is, and nothing is ever cut inside a line or a fence.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.core.escaping import markdown as _text
from reconciler.core.escaping import markdown_code as _code
from reconciler.diff.records import BindingsChange
from reconciler.plan import SUMMARY_KEYS, Change, Plan
from reconciler.render.common import (
    attribute_lines,
    code_diff,
    deleted,
    deleted_lines,
    deleted_of,
    drifted,
    empty_message,
    planned,
    summary_line,
    symbol,
    unmanaged,
    unplanned_deletes,
)
from reconciler.render.limits import GITHUB_LIMIT
from reconciler.render.safe import printable

GITLAB_LIMIT = 1_000_000
FULL, NO_CONTEXT, PER_RESOURCE, SUMMARY_ONLY = range(4)
_RERUN = "Pass `--out FILE` to save the full plan (JSON) as a job artifact."
_NAMED = 20  # shortened resources named in the note; the rest are counted


@dataclass(frozen=True, slots=True)
class Layout:
    """How much of the plan one rendering shows."""

    level: int
    shortened: tuple[str, ...] = ()  # addresses shown as one line (largest diffs first)
    limit: int = GITHUB_LIMIT
    full_plan: str | None = None  # where the full plan is (the --out file), when known


def _where_full(layout: Layout) -> str:
    if layout.full_plan:
        return f"The full plan is in the plan file {_code(layout.full_plan)} (the job artifact)."
    return _RERUN


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
    diff = change.diff
    fields = ("trigger", "runtime", "dependencies", "secrets", "code")
    if isinstance(diff, BindingsChange):
        shown = ["order"]
    else:
        shown = [k for k in fields if k in diff.shown]
    extra = f" ({', '.join(shown)})" if shown else ""
    words = _text(", ".join(change.actions))
    return (
        f"- {_code(symbol(change) + ' ' + change.address)} {words}: {_text(change.reason)}{extra}"
    )


def _notes(plan: Plan, layout: Layout, changes: list[Change]) -> list[str]:
    level, fit = layout.level, f"to fit the comment limit of {layout.limit:,} characters"
    notes = {
        NO_CONTEXT: "Unchanged context lines were left out of the code diffs",
        PER_RESOURCE: f"The diffs of {len(changes)} resources were left out",
        SUMMARY_ONLY: f"The details of {len(changes)} resources were left out",
    }
    if level not in notes or not changes:
        return []
    text = f"{notes[level]} {fit}."
    if layout.shortened:
        names = ", ".join(_code(a) for a in layout.shortened[:_NAMED])
        more = len(layout.shortened) - _NAMED
        names += f" and {more} more" if more > 0 else ""
        kept = sum("delete" not in c.actions for c in changes) - len(layout.shortened)
        text += (
            f" The {len(layout.shortened)} largest diffs were shortened to one line each: "
            f"{names}. Every delete and the other {kept} diffs are shown in full."
        )
    return _callout("NOTE", f"{text} {_where_full(layout)}")


def _render(plan: Plan, layout: Layout) -> str:
    level = layout.level
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
    out += _notes(plan, layout, changes)
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
            if level == PER_RESOURCE:
                out.append(_one_line(change))
            elif change.address in layout.shortened:
                out += [_one_line(change), ""]
            else:
                out += _details(change, level)
        if level == PER_RESOURCE:
            out.append("")
    waiting = unplanned_deletes(plan)
    if waiting:
        out += ["### Not deleted", ""]
        for c in waiting:
            out.append(f"- {_code(c.address)}: {_text(c.reason)}")
            held = deleted_lines(deleted_of(c)) if level < PER_RESOURCE else []
            out += [f"  {line}" for line in _fenced(held, "text")] if held else []
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


def _fit(text: str, limit: int, where: str) -> str:
    """Last resort for a summary that is still too long: whole lines only, then a note."""
    note = f"\n\n_The rest of this summary was left out to fit the comment limit. {where}_"
    kept: list[str] = []
    size = len(note)
    for line in text.split("\n"):
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept) + note


def _shorten_largest(plan: Plan, base: Layout) -> str | None:
    """Diffs without context, then the largest diffs one line each (largest first) until the
    comment fits; deletes are never shortened. None when even that does not fit."""
    sizes = {
        c.address: len("\n".join(_details(c, NO_CONTEXT))) - len(_one_line(c))
        for c in planned(plan)
        if "delete" not in c.actions
    }
    order = sorted(sizes, key=lambda a: (-sizes[a], a))
    text = _render(plan, base) + "\n"
    excess = len(text) - base.limit
    count = 0
    while count < len(order):
        saved = 0
        while count < len(order) and saved < excess:  # estimate, then check by rendering
            saved += sizes[order[count]]
            count += 1
        shortened = tuple(sorted(order[:count], key=order.index))
        layout = Layout(NO_CONTEXT, shortened, base.limit, base.full_plan)
        text = _render(plan, layout) + "\n"
        excess = len(text) - base.limit
        if excess <= 0:
            return text
    return None


def render_markdown(plan: Plan, *, limit: int = GITHUB_LIMIT, full_plan: str | None = None) -> str:
    """The PR comment, at most `limit` characters. `full_plan`: where the full plan is saved
    (the --out file), named when something is left out."""
    plan = printable(plan)
    for level in (FULL, NO_CONTEXT):
        text = _render(plan, Layout(level, (), limit, full_plan)) + "\n"
        if len(text) <= limit:
            return text
    shortened = _shorten_largest(plan, Layout(NO_CONTEXT, (), limit, full_plan))
    if shortened is not None:
        return shortened
    for level in (PER_RESOURCE, SUMMARY_ONLY):
        text = _render(plan, Layout(level, (), limit, full_plan)) + "\n"
        if len(text) <= limit:
            return text
    where = _where_full(Layout(SUMMARY_ONLY, (), limit, full_plan))
    return _fit(_render(plan, Layout(SUMMARY_ONLY, (), limit, full_plan)), limit - 1, where) + "\n"
