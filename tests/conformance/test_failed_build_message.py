"""The apply message for a failed build, from the real shape (no `errors[]`)."""

from __future__ import annotations

from tests import raw as waits
from tests.conformance.recorded import load


def _recorded_failed_action() -> dict[str, object]:
    for it in load("terraform-provider-auth0", "TestAccAction")["interactions"]:
        body = it["response"]
        if isinstance(body, dict) and body.get("status") == "failed":
            return body
    raise AssertionError("TestAccAction has a failed build")


def test_failed_build_of_the_recording_says_why_from_what_the_api_gives() -> None:
    check = waits.check_build(expect_deployed=False)
    assert check(_recorded_failed_action()) == (
        False,
        "build failed: status failed, Auth0 gave no build errors (runtime node22, dependencies: "
        "crypto@17.7.1); check that every dependency version exists on npm; version 2 stays "
        "deployed",
    )


def test_build_errors_when_given_and_tenant_text_is_made_printable() -> None:
    assert waits.build_errors({"errors": [{"msg": "bad\x1b[31m"}]}) == "bad?[31m"
    long = {"status": "failed", "dependencies": [{"name": "x" * 200, "version": "1"}]}
    assert "x" * 77 + "..." in waits.build_errors(long)
    assert "dependencies: none" in waits.build_errors({"status": "failed"})
