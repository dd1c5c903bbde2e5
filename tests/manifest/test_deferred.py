"""The deferred content lints: recorded by the loader when asked, settled against the live
tenant (pure): warnings for unchanged live content, errors for what a plan would write."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from reconciler.core.errors import ManifestError, Problem
from reconciler.core.livemodel import LiveAction, LiveState, LiveVersion
from reconciler.core.model import DesiredAction, DesiredState, Lint
from reconciler.core.trailer import PREFIX, with_trailer
from reconciler.manifest import load_manifests
from reconciler.manifest.deferred import settle, unchanged

CODE = 'exports.onContinuePostLogin = async (event, api) => {};"\n'  # TestAccAction, recorded
PROBLEM = Problem("a.yaml", 5, 14, "actions[0].runtime", "runtime 'node18-actions' ...")


def desired(**kw: str) -> DesiredAction:
    fields = {"trigger": "post-login", "trigger_version": "v3", "runtime": "node18-actions"}
    fields.update(kw)
    return DesiredAction(
        name="a",
        code=kw.get("code", CODE),
        code_file="a.js",
        **{k: v for k, v in fields.items() if k != "code"},
    )


def live(**kw: Any) -> LiveAction:
    base = LiveAction(
        id="id-1",
        name="a",
        trigger="post-login",
        trigger_version="v3",
        code=CODE,
        runtime="node18-actions",
        dependencies=(),
        secrets=(),
        status="built",
        created_at="",
        updated_at="",
        deployed_version=None,
    )
    return replace(base, **kw)


def version(code: str, runtime: str) -> LiveVersion:
    return LiveVersion("v-1", 1, code, runtime, (), (), "built", True)


@pytest.mark.parametrize(
    ("want", "have", "same"),
    [
        (desired(), [live()], True),
        (desired(), [live(code=CODE.rstrip("\n") + "\n" + PREFIX + "not json\n")], False),
        (desired(code=CODE + "// edited\n"), [live()], False),
        (desired(runtime="node22"), [live()], False),
        (desired(trigger_version="v2"), [live()], False),
        (desired(), [live(marketplace=True)], False),
        (desired(), [], False),
        # the draft was edited in the dashboard; the deployed version still holds the content
        (desired(), [live(code="x", deployed_version=version(CODE, "node18-actions"))], True),
        (desired(), [live(code="x", deployed_version=version(CODE, "node22"))], False),
    ],
)
def test_unchanged(want: DesiredAction, have: list[LiveAction], same: bool) -> None:
    assert unchanged(want, have) is same


def state(*lints: Lint) -> DesiredState:
    return DesiredState(root=".", actions=(desired(),), bindings=(), lints=lints)


def tenant(*actions: LiveAction) -> LiveState:
    return LiveState(tenant="t", triggers=(), actions=actions, bindings=())


def test_settle_warns_for_unchanged_live_content() -> None:
    warnings = settle(state(Lint("a", "runtime", PROBLEM)), tenant(live()))
    assert warnings == (f"{PROBLEM} (unchanged from the live action, so not blocking)",)


def test_settle_errors_for_changed_content_each_problem_once() -> None:
    lints = (Lint("a", "syntax", PROBLEM), Lint("b", "syntax", PROBLEM))  # a shared file
    with pytest.raises(ManifestError) as caught:
        settle(state(*lints), tenant(live(runtime="node22")))
    assert caught.value.problems == [PROBLEM]


def test_a_trailer_is_not_content() -> None:
    marked = with_trailer(CODE, "digest")
    assert marked != CODE
    assert len(settle(state(Lint("a", "handler", PROBLEM)), tenant(live(code=marked)))) == 1


def write(root: Path, runtime: str, code: str) -> None:
    (root / "a.js").write_text(code)
    (root / "m.yaml").write_text(
        f"actions:\n  - name: a\n    trigger: post-login\n    runtime: {runtime}\n    code: a.js\n"
    )


def test_the_loader_defers_content_lints_when_asked(tmp_path: Path) -> None:
    write(tmp_path, "node16", CODE)
    with pytest.raises(ManifestError) as caught:
        load_manifests(tmp_path, resolve=False, node_check=False)
    assert len(caught.value.problems) == 2  # runtime + handler, as before
    got = load_manifests(tmp_path, resolve=False, node_check=False, defer_lints=True)
    assert [(x.action, x.kind) for x in got.lints] == [("a", "runtime"), ("a", "handler")]
    assert [(a.name, a.runtime) for a in got.actions] == [("a", "node16")]
    assert sorted(map(str, (x.problem for x in got.lints))) == sorted(
        map(str, caught.value.problems)
    )


def test_a_hard_error_reports_the_deferred_lints_with_it(tmp_path: Path) -> None:
    write(tmp_path, "node16", CODE)
    (tmp_path / "n.yaml").write_text(
        "actions:\n  - name: b\n    trigger: post-logn\n    code: a.js\n"
    )
    with pytest.raises(ManifestError) as caught:
        load_manifests(tmp_path, resolve=False, node_check=False, defer_lints=True)
    assert [(p.file, p.key_path) for p in caught.value.problems] == [
        ("m.yaml", "actions[0].runtime"),
        ("m.yaml", "actions[0].code"),
        ("n.yaml", "actions[0].trigger"),
    ]
