"""The suite's memo of node's verdicts (tests/node_memo.py) gives what node itself gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reconciler.manifest import lint
from tests.node_memo import remembering

pytestmark = [
    pytest.mark.real_node_check,  # lint._run_node here is node itself, compared with the memo
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH"),
]
BROKEN = "exports.onExecutePostLogin = async (event, api) => {\n  const x = ;\n};\n"
GOOD = "exports.onExecutePostLogin = async () => {};\n"


def test_a_source_judged_under_one_path_gets_nodes_verdict_under_another(tmp_path: Path) -> None:
    node = str(shutil.which("node"))
    calls: list[dict[str, str | None]] = []

    def counting(node: str, sources: dict[str, str | None]) -> dict[str, str] | str:
        calls.append(sources)
        return lint._run_node(node, sources)

    memo = remembering(counting)
    first, second = str(tmp_path / "one" / "a.js"), str(tmp_path / "two" / "b.js")
    marker = f"// {tmp_path.name}\n"  # a source no other test of this worker has judged
    memo(node, {first: marker + BROKEN, str(tmp_path / "g.js"): marker + GOOD})
    remembered = memo(node, {second: marker + BROKEN})
    assert len(calls) == 1  # the second path was not sent to node
    assert remembered == lint._run_node(node, {second: marker + BROKEN})
    assert isinstance(remembered, dict)
    assert second in remembered[second]
    assert first not in remembered[second]
    assert memo(node, {second: marker + GOOD}) == {}
    assert len(calls) == 1
