"""The ownership trailer and the per-secret digest."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.core.trailer import (
    PREFIX,
    TrailerInfo,
    changed_values,
    code_hash,
    compute_digest,
    digest_names,
    parse_digest,
    strip_trailer,
    verify,
    with_trailer,
)

SALT = b"0123456789abcdef"


def test_trailer_line_is_exactly_the_documented_format() -> None:
    written = with_trailer("x();\n", "")
    assert written == (
        "x();\n// managed-by: reconciler · edits made in the dashboard will be overwritten · "
        '{"v":1,"secrets":"","code":"' + code_hash("x();") + '"}\n'
    )


def test_missing_final_newline_is_added_and_recorded() -> None:
    written = with_trailer("x();", "d", protect=True)
    assert written.startswith("x();\n" + PREFIX)
    meta = json.loads(written.splitlines()[1][len(PREFIX) :])
    assert meta == {"v": 1, "secrets": "d", "code": code_hash("x();"), "protect": True, "nl": False}
    assert strip_trailer(written) == (
        "x();",
        TrailerInfo(secrets="d", code_hash=code_hash("x();"), protect=True, added_newline=True),
    )


@given(
    code=st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    digest=st.text(alphabet="abcdefghij$:,-_0123456789", max_size=40),
    protect=st.booleans(),
)
def test_round_trip_is_exact(code: str, digest: str, protect: bool) -> None:
    body, info = strip_trailer(with_trailer(code, digest, protect=protect))
    assert body == code
    assert info is not None
    assert (info.secrets, info.protect, info.code_hash) == (digest, protect, code_hash(code))


@given(code=st.text(max_size=200))
def test_code_without_a_trailer_is_returned_unchanged(code: str) -> None:
    if PREFIX.strip() not in code:
        assert strip_trailer(code) == (code, None)


def test_blank_lines_after_the_trailer_are_tolerated() -> None:
    written = with_trailer("a();\n", "")
    assert strip_trailer(written + "\n  \n") == ("a();\n", strip_trailer(written)[1])


@pytest.mark.parametrize(
    "meta",
    ["not json", '{"v":2,"secrets":""}', '{"v":1}', '{"v":1,"secrets":3}', "[1]"],
)
def test_damaged_or_foreign_trailers_are_not_ownership(meta: str) -> None:
    code = f"a();\n{PREFIX}{meta}\n"
    assert strip_trailer(code) == (code, None)


def test_a_trailer_that_is_not_the_last_line_is_not_recognised() -> None:
    code = with_trailer("a();\n", "") + "b();\n"
    assert strip_trailer(code) == (code, None)


def test_digest_format_is_per_secret_and_sorted() -> None:
    digest = compute_digest({"B": "value-b", "A": "value-a"}, salt=SALT, iterations=1000)
    algorithm, iterations, salt, pairs = digest.split("$")
    assert (algorithm, iterations, salt) == ("pbkdf2-sha256", "1000", "MDEyMzQ1Njc4OWFiY2RlZg")
    names = [p.split(":")[0] for p in pairs.split(",")]
    assert names == ["A", "B"]
    assert all(len(p.split(":")[1]) == 22 for p in pairs.split(","))  # 16 bytes, b64url
    assert "value" not in digest


def test_digest_is_salted_and_deterministic_for_a_salt() -> None:
    values = {"A": "value-a"}
    assert compute_digest(values, salt=SALT) == compute_digest(values, salt=SALT)
    assert compute_digest(values, salt=SALT) != compute_digest(values, salt=b"fedcba9876543210")
    assert compute_digest(values) != compute_digest(values)  # fresh salts


def test_the_same_value_under_two_names_hashes_differently() -> None:
    digest = compute_digest({"A": "same", "B": "same"}, salt=SALT, iterations=10)
    parsed = parse_digest(digest)
    assert parsed is not None
    assert parsed.hashes["A"] != parsed.hashes["B"]


def test_no_secrets_is_the_empty_digest() -> None:
    assert compute_digest({}) == ""
    assert verify("", {})
    assert digest_names("") == ()
    assert changed_values("", {"A": "x"}) == ()


def test_verify_and_changed_values_recompute_with_the_stored_salt() -> None:
    digest = compute_digest({"A": "one", "B": "two"}, salt=SALT, iterations=20)
    assert verify(digest, {"A": "one", "B": "two"})
    assert not verify(digest, {"A": "one", "B": "changed"})
    assert not verify(digest, {"A": "one"})
    assert not verify(digest, {"A": "one", "B": "two", "C": "three"})
    assert changed_values(digest, {"A": "one", "B": "changed", "C": "new"}) == ("B",)
    assert digest_names(digest) == ("A", "B")


@pytest.mark.parametrize(
    "digest",
    [
        "garbage",
        "scrypt$1$abc$A:x",
        "pbkdf2-sha256$notanumber$abc$A:x",
        "pbkdf2-sha256$0$abc$A:x",
        "pbkdf2-sha256$10$abc$A",
        "pbkdf2-sha256$10$abc$A:x,A:y",
        "pbkdf2-sha256$10$a$A:x",
    ],
)
def test_unreadable_digests(digest: str) -> None:
    assert parse_digest(digest) is None
    assert digest_names(digest) is None
    assert changed_values(digest, {"A": "x"}) is None
    assert not verify(digest, {"A": "x"})
