"""Renderer properties: colour only on request, no secret value anywhere, the Markdown size
ladder, the hidden header, banners, and the context-free diff."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from reconciler.core.model import SecretValue
from reconciler.plan import Plan, make_plan
from reconciler.plan.planfile import dumps
from reconciler.render import render_json, render_markdown, render_text
from reconciler.render.common import drop_context
from tests.plan.cases import CASES, SECRET_VALUES
from tests.plan.factory import OPTIONS, action, desired_state, live, live_state


def plan_of(case: str) -> Plan:
    desired, current, options = CASES[case]()
    return make_plan(desired, current, options=options)


def all_renderings(plan: Plan) -> list[str]:
    return [
        render_text(plan, color=False),
        render_text(plan, color=True),
        render_markdown(plan),
        render_markdown(plan, limit=2000),
        render_json(plan),
        dumps(plan),
        repr(plan),
    ]


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_secret_value_in_any_rendering(case: str) -> None:
    for text in all_renderings(plan_of(case)):
        for value in SECRET_VALUES:
            assert value not in text


@pytest.mark.parametrize("case", sorted(CASES))
def test_colour_codes_only_with_color_true(case: str) -> None:
    plan = plan_of(case)
    assert "\x1b" not in render_text(plan, color=False)
    assert "\x1b" not in render_markdown(plan)
    assert "\x1b[1m" in render_text(plan, color=True)


def test_colours_mark_symbols_and_diff_lines() -> None:
    text = render_text(plan_of("update"), color=True)
    assert "\x1b[33m~\x1b[0m\x1b[1m action.enrich-token (update, deploy)\x1b[0m" in text
    assert "\x1b[31m-  api.idToken.setCustomClaim('y', 2);\x1b[0m" in text
    assert "\x1b[32m+  api.idToken.setCustomClaim('x', 1);\x1b[0m" in text
    assert "\x1b[36m@@ -1,4 +1,4 @@\x1b[0m" in text


def test_markdown_starts_with_the_hidden_header() -> None:
    plan = plan_of("create")
    first = render_markdown(plan).split("\n", 1)[0]
    assert first == (
        '<!-- reconciler {"tenant":"acme.eu.auth0.com","plan_digest":"'
        + plan.plan_digest
        + '","format_version":"1"} -->'
    )


def test_target_warning_is_stamped_in_every_rendering() -> None:
    plan = plan_of("targeted")
    warning = "targeting in effect: only enrich-token"
    assert f"Warning: {warning}" in render_text(plan, color=False)
    assert f"> - {warning}" in render_markdown(plan)
    assert json.loads(render_json(plan))["warnings"][0].startswith(warning)
    assert json.loads(render_json(plan))["targets"] == ["enrich-token"]


def test_deletion_banner_only_when_something_is_deleted() -> None:
    assert "will be deleted" in render_markdown(plan_of("delete_allowed"))
    assert "will be deleted" not in render_markdown(plan_of("delete_prune_disabled"))
    assert "will be deleted" not in render_markdown(plan_of("update"))


def _big_plan(n: int = 100, size: int = 5000) -> Plan:
    desired, live_actions = [], []
    for i in range(n):
        lines = [f"  const value{j} = {j}; // {'x' * 40}" for j in range(size // 50)]
        old_body = "\n".join(lines)
        new_body = "\n".join(
            line if j % 8 else line + " // changed" for j, line in enumerate(lines)
        )
        old = action(f"action-{i:03d}", body=old_body)
        desired.append(action(f"action-{i:03d}", body=new_body))
        live_actions.append(live(old))
    return make_plan(desired_state(desired), live_state(live_actions), options=OPTIONS)


def _well_formed(markdown: str) -> None:
    lines = markdown.split("\n")
    fences = [line for line in lines if re.fullmatch(r"`{3,}\w*", line)]
    assert len(fences) % 2 == 0
    assert markdown.count("<details>") == markdown.count("</details>")


def test_markdown_for_100_actions_of_5kb_stays_under_the_limit_and_says_so() -> None:
    plan = _big_plan()
    assert len(render_text(plan, color=False)) > 65536
    markdown = render_markdown(plan)
    assert len(markdown) <= 65536
    assert "**Plan: 0 to create, 100 to update, 100 to deploy, 0 to rebind, 0 to delete.**" in (
        markdown
    )
    # issue 14: the largest diffs are shortened first instead of all 100 (changed on purpose)
    assert "The 78 largest diffs were shortened to one line each: `action.action-000`" in markdown
    assert "and 58 more. Every delete and the other 22 diffs are shown in full." in markdown
    assert "`~ action.action-000` update, deploy" in markdown
    assert markdown.count("<details>") == 22
    _well_formed(markdown)


@pytest.mark.parametrize(
    ("limit", "note"),
    [
        (10**6, None),
        (12000, "Unchanged context lines were left out of the code diffs"),
        (5000, "The 6 largest diffs were shortened to one line each"),
        (1200, "The details of 10 resources were left out"),
        (500, "The rest of this summary was left out"),
    ],
)
def test_markdown_degrades_step_by_step(limit: int, note: str | None) -> None:
    plan = _big_plan(n=10, size=1000)
    markdown = render_markdown(plan, limit=limit)
    assert len(markdown) <= limit
    _well_formed(markdown)
    notes = ("left out",)
    if note is None:
        assert not any(n in markdown for n in notes)
        assert "@@ -1,6 +1,6 @@" in markdown
    else:
        assert note in markdown
    assert markdown.startswith("<!-- reconciler ")


def test_diffs_without_context_recompute_hunk_headers() -> None:
    lines = [
        "--- a",
        "+++ b",
        "@@ -1,7 +1,7 @@",
        " one",
        " two",
        "-three",
        "+THREE",
        " four",
        "+four-and-a-half",
        " five",
        "-six",
        " seven",
    ]
    assert drop_context(lines) == [
        "--- a",
        "+++ b",
        "@@ -3,1 +3,1 @@",
        "-three",
        "+THREE",
        "@@ -4,0 +5,1 @@",
        "+four-and-a-half",
        "@@ -6,1 +6,0 @@",
        "-six",
    ]


def test_secret_value_in_a_desired_state_never_reaches_the_plan() -> None:
    value = "super-secret-value-that-must-not-leak"
    a = action("enrich-token", secrets={"API_KEY": value})
    rotated = replace(a, secrets=(replace(a.secrets[0], value=SecretValue(value + "2")),))
    for desired, current in (
        (desired_state([a]), live_state([])),
        (desired_state([rotated]), live_state([live(a)])),
    ):
        plan = make_plan(desired, current, options=OPTIONS)
        for text in all_renderings(plan):
            assert value not in text


def _mixed_plan() -> Plan:
    """100 changed actions: 60 with big diffs, 30 with one-line diffs, 10 deleted."""
    desired, live_actions = [], []
    for i in range(90):
        size = 4000 if i < 60 else 1
        lines = [f"  const v{j} = {j}; // {'y' * 40}" for j in range(max(1, size // 50))]
        new = [line + " // new" if j % 5 == 0 else line for j, line in enumerate(lines)]
        old_action = action(f"act-{i:03d}", body="\n".join(lines))
        desired.append(action(f"act-{i:03d}", body="\n".join(new)))
        live_actions.append(live(old_action))
    for i in range(10):
        live_actions.append(live(action(f"gone-{i:02d}", body=f"  // removed {i}")))
    options = replace(OPTIONS, allow_delete=True)
    return make_plan(desired_state(desired), live_state(live_actions), options=options)


def test_100_changed_actions_fit_max_chars_keeping_deletes_and_small_diffs() -> None:
    plan = _mixed_plan()
    assert plan.summary["update"] == 90
    assert plan.summary["delete"] == 10
    limit = 65536
    markdown = render_markdown(plan, limit=limit, full_plan="plan.json")
    assert len(markdown) <= limit
    _well_formed(markdown)
    for i in range(10):  # every delete in full
        assert f"<summary><code>- action.gone-{i:02d}</code>" in markdown
    for i in range(60, 90):  # every small diff in full, with its diff lines
        assert f"<summary><code>~ action.act-{i:03d}</code>" in markdown
        assert f"+  const v0 = 0; // {'y' * 40} // new" in markdown
    big_in_full = [i for i in range(60) if f"<code>~ action.act-{i:03d}</code>" in markdown]
    shortened = [i for i in range(60) if f"- `~ action.act-{i:03d}` update" in markdown]
    assert sorted(big_in_full + shortened) == list(range(60))
    assert shortened
    note = (
        "Unchanged context lines were left out of the code diffs to fit the comment limit of "
        f"65,536 characters. The {len(shortened)} largest diffs were shortened to one line each: "
        "`action.act-000`, `action.act-001`"
    )
    assert note in markdown
    assert (
        f"Every delete and the other {100 - 10 - len(shortened)} diffs are shown in full. "
        "The full plan is in the plan file `plan.json` (the job artifact)."
    ) in markdown


@pytest.mark.parametrize("limit", [20000, 40000, 1_000_000])
def test_max_chars_is_honoured_at_any_limit(limit: int) -> None:
    markdown = render_markdown(_mixed_plan(), limit=limit)
    assert len(markdown) <= limit
    _well_formed(markdown)
    if limit == 1_000_000:
        assert "left out" not in markdown
        assert markdown.count("<details>") == 100


def test_delete_detail_replaces_control_characters_and_bounds_lines() -> None:
    from reconciler.plan.steps import deleted_detail

    body = "\n".join(["\x1b[31mred\x07", "y" * 300, "", *[f"l{i}" for i in range(10)]])
    gone = deleted_detail(live(action("gone", body=body), deployed=False))
    assert gone.head[0] == "// gone"
    assert gone.head[2] == "\ufffd[31mred\ufffd"
    assert gone.head[3] == "y" * 119 + "…"
    assert len(gone.head) == 5
    assert gone.trigger == "post-login"
