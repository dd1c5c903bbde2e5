"""The pull-request comment of a plan that failed: the same sticky marker as a plan, then what
failed (the one-line errors the terminal shows), so the PR shows the failure instead of an empty
comment. Pure: masking is applied by the caller's output path and again here."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from reconciler.core.masking import mask

MAX_LINES = 50
MAX_LINE = 400


def _fenced(lines: list[str]) -> list[str]:
    longest = max((len(m) for line in lines for m in re.findall(r"`{3,}", line)), default=2)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *lines, fence]


def _lines(errors: Sequence[str]) -> list[str]:
    return [line for text in errors for line in mask(text).splitlines() if line.strip()]


def _shown(lines: list[str]) -> list[str]:
    out = [line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…" for line in lines]
    if len(out) > MAX_LINES:
        rest = len(out) - MAX_LINES + 1
        out = [*out[: MAX_LINES - 1], f"... and {rest} more (see the job log)"]
    return out


def render_failure_markdown(tenant: str, errors: Sequence[str], exit_code: int) -> str:
    """The Markdown body for a failed `plan --format markdown`."""
    meta = json.dumps({"tenant": mask(tenant), "failed": True}, separators=(",", ":"))
    tenant_code = mask(tenant).replace("`", "'") or "(no tenant)"
    every = _lines(errors)
    lines = _shown(every)
    noun = "error" if len(every) == 1 else "errors"
    out = [
        "<!-- reconciler " + meta.replace("--", "-\\u002d") + " -->",
        f"## reconciler plan for `{tenant_code}` failed",
        "",
        "> [!CAUTION]",
        f"> **The plan failed** with {len(every)} {noun} (exit {exit_code}): nothing was planned "
        "and nothing can be applied from this run.",
        "",
        *_fenced(lines),
        "",
        "Fix the problem and push again; the next plan replaces this comment.",
    ]
    return "\n".join(out) + "\n"
