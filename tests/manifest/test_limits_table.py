"""The manifest schema is a static file for editors; its numbers are the Auth0 limits of
reconciler/core/limits.py. Every limit keyword in the schema names its table entry (`x-limit`)
and agrees with it, and the messages and descriptions beside it say the same number."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from reconciler.core import limits
from reconciler.manifest import MAX_CODE_BYTES, MAX_VALUE_LEN
from reconciler.manifest.actions import MAX_ACTIONS
from reconciler.manifest.schema import manifest_schema, version_message

LIMIT_KEYWORDS = ("maxItems", "maxProperties", "maxLength", "maximum")
#: limits that are not Auth0's: npm's own rule for a package name's length; a test case's
#: command is an object of one key (the method)
NOT_AUTH0 = {"npm": 214, "one-key": 1}


def _nodes(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, child in node.items():
            yield from _nodes(child, f"{where}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _nodes(child, f"{where}/{index}")


def _limited() -> list[tuple[str, dict[str, Any]]]:
    return [
        (where, node)
        for where, node in _nodes(manifest_schema())
        if "x-limit" in node or any(k in node for k in LIMIT_KEYWORDS)
    ]


def test_the_schema_has_limits_to_check() -> None:
    names = {node.get("x-limit") for _, node in _limited()}
    assert {"ACTIONS_PER_TENANT", "SECRETS_PER_ACTION", "ACTIONS_PER_TRIGGER"} <= names


@pytest.mark.parametrize(
    ("where", "node"), _limited(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_schema_limit_names_a_table_entry_with_the_same_value(
    where: str, node: dict[str, Any]
) -> None:
    name = node.get("x-limit")
    assert isinstance(name, str), f"{where}: a limit keyword without x-limit"
    value = NOT_AUTH0[name] if name in NOT_AUTH0 else limits.TABLE[name].value
    for keyword in LIMIT_KEYWORDS:
        if keyword in node:
            assert node[keyword] == value, f"{where}: {keyword} {node[keyword]} != {name} {value}"
    for text_key in ("x-message", "description"):
        text = node.get(text_key, "")
        said = [int(n) for n in re.findall(r"at most (\d+)", text)]
        assert all(n == value for n in said), f"{where}: {text_key} says {said}, {name} is {value}"


def test_the_manifest_code_reads_the_table() -> None:
    assert MAX_ACTIONS == limits.ACTIONS_PER_TENANT.value == 100
    assert MAX_CODE_BYTES == limits.ACTION_CODE.value == 100 * 1024
    assert MAX_VALUE_LEN == limits.SECRET_VALUE.value == 4096
    longest = limits.DEPENDENCY_VERSION.value
    assert version_message("1" * (longest + 1)) == f"a version is at most {longest} characters"


def test_every_table_entry_says_where_it_comes_from() -> None:
    for name, limit in limits.TABLE.items():
        assert limit.value > 0, name
        assert limit.unit in ("items", "characters", "bytes"), name
        assert re.match(r"^§\d", limit.source), name
        assert getattr(limits, name) is limit
