"""Renderers: pure functions from a Plan to text. Printing (and masking) is the CLI's job."""

from __future__ import annotations

from reconciler.render.failure import render_failure_markdown
from reconciler.render.jsonout import render_json
from reconciler.render.markdown import GITHUB_LIMIT, render_markdown
from reconciler.render.text import render_text

__all__ = [
    "GITHUB_LIMIT",
    "render_failure_markdown",
    "render_json",
    "render_markdown",
    "render_text",
]
