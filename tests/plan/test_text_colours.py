"""render/text.py writes its ANSI codes itself (the renderers stay free of click, a project rule)
but exactly as click.style would: the same bytes, so nothing is gained by the dependency."""

from __future__ import annotations

import click
import pytest

from reconciler.render.text import _Painter

NAMES = {
    "+": "green",
    "~": "yellow",
    "^": "cyan",
    "-": "red",
    ">": "magenta",
    "=": "blue",
    "!": "red",
    "@": "cyan",
}


@pytest.mark.parametrize(("key", "name"), sorted(NAMES.items()))
def test_each_colour_is_what_click_style_writes(key: str, name: str) -> None:
    assert _Painter(True)("text", key) == click.style("text", fg=name)
    assert _Painter(False)("text", key) == "text"


def test_bold_is_what_click_style_writes() -> None:
    assert _Painter(True)("title", "bold") == click.style("title", bold=True)
