"""Renderers: pure functions from a Plan to text. Printing (and masking) is the CLI's job.

The names below are loaded on first use (PEP 562), so a command's options can use
GITHUB_LIMIT without importing the renderers (issue 16).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.core.lazy import loader

if TYPE_CHECKING:
    from reconciler.render.failure import render_failure_markdown
    from reconciler.render.jsonout import render_json
    from reconciler.render.limits import GITHUB_LIMIT
    from reconciler.render.markdown import render_markdown
    from reconciler.render.text import render_text

_WHERE = {
    "GITHUB_LIMIT": "limits",
    "render_failure_markdown": "failure",
    "render_json": "jsonout",
    "render_markdown": "markdown",
    "render_text": "text",
}

__all__ = [
    "GITHUB_LIMIT",
    "render_failure_markdown",
    "render_json",
    "render_markdown",
    "render_text",
]


__getattr__ = loader(__name__, _WHERE)
