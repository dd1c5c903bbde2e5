"""Every classification rendered as text, Markdown and JSON, compared with reviewed golden files.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/plan/test_golden.py`
and review the diff of tests/plan/golden/ by eye.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reconciler.plan import make_plan
from reconciler.render import render_json, render_markdown, render_text
from tests.plan.cases import CASES

GOLDEN = Path(__file__).parent / "golden"


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", sorted(CASES))
def test_renderings_match_golden(case: str) -> None:
    desired, live, options = CASES[case]()
    plan = make_plan(desired, live, options=options)
    check(f"{case}.txt", render_text(plan, color=False))
    check(f"{case}.md", render_markdown(plan))
    check(f"{case}.json", render_json(plan))
