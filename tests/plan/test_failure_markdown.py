"""The Markdown body of a failed plan: sticky marker, what failed (masked, fenced), bounded."""

from __future__ import annotations

from reconciler.core import masking
from reconciler.render import render_failure_markdown


def test_exact_body_for_two_errors() -> None:
    body = render_failure_markdown(
        "acme.eu.auth0.com",
        ["a.yaml:1:1: action: unknown key 'action' (did you mean 'actions'?)\nb.yaml:2:3: x: y"],
        1,
    )
    assert body == (
        '<!-- reconciler {"tenant":"acme.eu.auth0.com","failed":true} -->\n'
        "## reconciler plan for `acme.eu.auth0.com` failed\n"
        "\n"
        "> [!CAUTION]\n"
        "> **The plan failed** with 2 errors (exit 1): nothing was planned and nothing can be "
        "applied from this run.\n"
        "\n"
        "```text\n"
        "a.yaml:1:1: action: unknown key 'action' (did you mean 'actions'?)\n"
        "b.yaml:2:3: x: y\n"
        "```\n"
        "\n"
        "Fix the problem and push again; the next plan replaces this comment.\n"
    )


def test_secrets_are_masked_and_markup_cannot_escape_the_fence() -> None:
    masking.register("hunter2-secret-value")
    body = render_failure_markdown(
        "t`--x",
        ["GET /x: 401 token hunter2-secret-value rejected", "```\n<!-- close --> *bold*"],
        1,
    )
    assert "hunter2" not in body
    assert "token *** rejected" in body
    assert "\n````text\n" in body  # a fence longer than any backtick run inside
    assert body.splitlines()[0] == '<!-- reconciler {"tenant":"t`-\\u002dx","failed":true} -->'
    assert "## reconciler plan for `t'--x` failed" in body


def test_many_errors_are_bounded() -> None:
    body = render_failure_markdown("t", [f"f.yaml:{i}:1: bad" for i in range(500)], 1)
    lines = body.splitlines()
    assert "f.yaml:48:1: bad" in lines
    assert "f.yaml:49:1: bad" not in lines
    assert "... and 451 more (see the job log)" in lines
    assert "with 500 errors" in body
    long = render_failure_markdown("t", ["x" * 5000], 1)
    assert max(len(line) for line in long.splitlines()) <= 400
