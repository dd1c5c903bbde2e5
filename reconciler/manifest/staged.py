"""The end of a load: `node --check`'s verdict, the problems raised, the DesiredState built.

`node --check` of 100 code files is a node process of 0.1-0.2 s. A plan does not need its
verdict until the lints are settled against the live tenant, so `start_load(...,
background=True)` lets it run on a thread (the process itself runs on another core) while the
tenant is read; `PendingLoad.result()` then joins it. The verdict, the problems and the order
in which they are reported are the same either way: `result()` does what the end of
`load_manifests` always did.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from reconciler.core.errors import ManifestError, Problem
from reconciler.core.model import (
    DesiredAction,
    DesiredModule,
    DesiredState,
    DesiredTriggerBindings,
    Lint,
    Settings,
)
from reconciler.manifest import lint
from reconciler.manifest.canonical import compute_digest
from reconciler.manifest.context import Context
from reconciler.manifest.lint import CodeCheck


class NodeJob:
    """One `lint.node_check` run, here and now or on a thread of its own."""

    def __init__(self, node: str, checks: Sequence[CodeCheck], *, background: bool) -> None:
        self._problems: list[Problem] = []
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if not background:
            self._problems = lint.node_check(node, checks)
            return
        # a daemon: an error elsewhere ends the process without waiting for node
        self._thread = threading.Thread(
            target=self._run, args=(node, checks), name="node-check", daemon=True
        )
        self._thread.start()

    def _run(self, node: str, checks: Sequence[CodeCheck]) -> None:
        try:
            self._problems = lint.node_check(node, checks)
        except BaseException as exc:  # noqa: BLE001 - handed to the thread that joins
            self._error = exc

    def problems(self) -> list[Problem]:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error
        return self._problems


@dataclass
class PendingLoad:
    """A load whose code files may still be under `node --check`. `preview` is the state
    without the node check's lints (and without a digest): what the tenant read needs."""

    ctx: Context
    root: str
    actions: tuple[DesiredAction, ...]
    bindings: tuple[DesiredTriggerBindings, ...]
    settings: Settings
    notices: list[str] | None = None
    modules: tuple[DesiredModule, ...] = ()
    checks: list[CodeCheck] = field(default_factory=list)
    node: NodeJob | None = None
    _done: DesiredState | None = None
    _judged: bool = False

    @property
    def preview(self) -> DesiredState:
        lints = tuple(self.ctx.lints or ())
        return DesiredState(
            self.root, self.actions, self.bindings, self.settings, lints=lints, modules=self.modules
        )

    def check_code(self, checks: list[CodeCheck], *, background: bool) -> None:
        """`node --check` on every code file when node is on PATH (a notice when it is not)."""
        node = shutil.which("node")
        self.checks = checks
        if node is None:
            self.ctx.notices.append(
                f"node not found on PATH; skipped the syntax check (node --check) "
                f"of {len(checks)} code file(s)"
            )
            return
        self.node = NodeJob(node, checks, background=background)

    def _node_verdict(self) -> None:
        ctx, checks = self.ctx, self.checks
        for failed in self.node.problems() if self.node is not None else ():
            # a syntax error belongs to every action using the file; "could not run" to none; a
            # module's is always an error (the deferred lints are settled against live actions)
            owners = [c.action for c in checks if c.file == failed.file]
            module = any(c.kind == "module" for c in checks if c.file == failed.file)
            if ctx.lints is None or module or not failed.message.startswith("node --check: "):
                ctx.problems.append(failed)
            else:
                ctx.lints.extend(Lint(owner, "syntax", failed) for owner in owners)
        self.node = None

    def result(self) -> DesiredState:
        """The loaded state; raises ManifestError with every problem (deferred lints too)."""
        if self._done is not None:
            return self._done
        ctx = self.ctx
        self._judged = True
        self._node_verdict()
        if self.notices is not None:
            self.notices.extend(ctx.notices)
        if ctx.problems:  # every problem is reported; deferred lints too (nothing is settled)
            raise ManifestError(
                list(dict.fromkeys(ctx.problems + [x.problem for x in ctx.lints or ()]))
            )
        state = replace(self.preview, lints=tuple(ctx.lints or ()))
        self._done = replace(state, digest=compute_digest(state))
        return self._done

    @contextlib.contextmanager
    def reported_first(self) -> Iterator[PendingLoad]:
        """An error in the block is preceded by this load's own: had the node check run before
        the block, as in a plain load, its problem would have been the one reported."""
        try:
            yield self
        except Exception:
            if not self._judged:
                self.result()
            raise
