"""One `node` process per distinct code file per test worker, not one per test.

Most tests load a fresh copy of the examples (their own tmp_path), so the loader's own verdict
cache (`lint._VERDICTS`, keyed by path and source) misses and every such test started node:
~250 node processes of ~0.1 s of CPU each in a run of the suite. Node's verdict on a file
depends only on its source; the path appears only in the failure's stack. So this plugin keeps,
per worker process, node's answer for each source it has judged (with the path cut out of the
stack) and hands it back, with the new path put in, when the same source comes again under
another path. Node still judges every source the suite checks, once per worker; the
loader above it (its cache, the background job, the problems it makes) runs unchanged.

Passed straight to node: any other `node` than the one on PATH at start (the tests' broken
or fake nodes), a file the loader could not read (node reports why), a source that names its
own path, and every test marked `real_node_check`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest

from reconciler.manifest import lint

RunNode = Callable[[str, dict[str, str | None]], dict[str, str] | str]

_NODE = shutil.which("node")
_PATH = "\0path\0"  # stands for the file's path in a remembered stack
#: source -> node's failure stack with the path replaced by _PATH, or None: it compiled
_JUDGED: dict[str, str | None] = {}


def remembering(run: RunNode) -> RunNode:
    """`lint._run_node`, asking node only about the sources it has not judged yet."""

    def run_node(node: str, sources: dict[str, str | None]) -> dict[str, str] | str:
        texts = {path: text for path, text in sources.items() if text is not None}
        if node != _NODE or len(texts) < len(sources) or any(p in t for p, t in texts.items()):
            return run(node, sources)
        unseen: dict[str, str | None] = {p: t for p, t in texts.items() if t not in _JUDGED}
        if unseen:
            failures = run(node, unseen)
            if isinstance(failures, str):  # node could not run: nothing learnt
                return failures
            for path in unseen:
                stack = failures.get(path)
                _JUDGED[texts[path]] = None if stack is None else stack.replace(path, _PATH)
        found = {path: _JUDGED[text] for path, text in texts.items()}
        return {p: stack.replace(_PATH, p) for p, stack in found.items() if stack is not None}

    return run_node


@pytest.fixture(autouse=True)
def _node_once_per_source(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if _NODE is not None and request.node.get_closest_marker("real_node_check") is None:
        monkeypatch.setattr(lint, "_run_node", remembering(lint._run_node))
