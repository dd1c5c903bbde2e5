"""The tenant read begun ahead of the manifests (issue 16).

A plan needs the manifests and the live tenant. The token, the trigger list and the action pages
do not depend on the manifests, so `opened` opens the tenant and starts them first, loads and
validates the manifests while they travel (node, for the code check, starts meanwhile on
another core), and hashes the live secret digests against the desired values on threads of
their own (the scrypt runs without the GIL) as soon as the action list is in, while the caller
goes on importing the planner. Only reads are sent before the plan.

Errors keep the order they had when the manifests were loaded first: a manifest problem (or the
node check's) is reported before a tenant problem (credentials, the domain, an unreachable host);
a read whose manifests were refused is abandoned, its answers unused.

This module imports the client and, only when called, the loader: the command that uses it
starts its requests before it has paid for anything else.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reconciler.auth0.live_read import LiveRead
from reconciler.auth0.tenant import TenantSession
from reconciler.core.errors import ReconcilerError
from reconciler.core.interrupts import quiet_thread

if TYPE_CHECKING:
    from reconciler.core.model import DesiredState
    from reconciler.manifest.staged import PendingLoad


def start_desired(root: str | Path, var_files: Sequence[str | Path] = ()) -> PendingLoad:
    """Load, validate and resolve the manifests (secret values registered with the masker), with
    `node --check` left running on its own thread: the plan reads the tenant meanwhile. Every
    other problem is raised here. An implicit root (DefaultRoot: no ROOT given) skips YAML that
    is clearly not a manifest. The content lints are deferred (`desired.lints`): only the live
    tenant can tell whether they block (`plan_tenant`, `check_saved_plan` settle them)."""
    from reconciler.features.rootdir import DefaultRoot
    from reconciler.manifest.loader import start_load

    return start_load(
        root,
        resolve=True,
        var_files=var_files,
        skip_foreign=isinstance(root, DefaultRoot),
        defer_lints=True,
        background=True,
    )


def warm_node(stack: contextlib.ExitStack) -> None:
    """Start node for the loader's `node --check` now, on the other core while this thread
    imports and loads the manifests, rather than later beside the digest hashing (nodeproc.py);
    `stack` kills it if no check uses it."""
    from reconciler.manifest import nodeproc

    node = shutil.which("node")
    if node is not None:
        nodeproc.warm(node)
        stack.callback(nodeproc.discard)


class Ahead:
    """A `LiveRead` in flight and the digest hashing that follows its action list."""

    def __init__(self, read: LiveRead) -> None:
        self.read = read
        self._early: threading.Thread | None = None
        self._hashing: threading.Thread | None = None

    def hash_early(
        self, root: str | Path, var_files: Sequence[str | Path], key: bytes | None
    ) -> None:
        """Hash as soon as the action list is in, with the secret values read ahead of the
        loader (manifest/early.py), while the loader imports and validates. Its guesses only
        fill the digest cache; `hash_digests` then hashes what the loaded manifests need and
        the cache lacks."""
        from reconciler.core.digests import prefetch
        from reconciler.core.trailer import digest_checks

        def run() -> None:
            quiet_thread()
            with contextlib.suppress(Exception):  # a read error is raised by `finish`
                # not before the token is in: its request must not wait for this thread's imports
                self.read.authenticated()
                from reconciler.manifest.early import secret_values

                values = secret_values(root, var_files)
                if values:
                    raw = self.read.raw_actions()
                    codes = [(a.get("name"), a.get("code")) for a in raw]
                    pairs = [(n, c) for n, c in codes if isinstance(n, str) and isinstance(c, str)]
                    prefetch(digest_checks(values, pairs), key)

        self._early = threading.Thread(target=run, name="digests-early", daemon=True)
        self._early.start()

    def hash_digests(self, preview: DesiredState, key: bytes | None) -> None:
        """Once the action list is in, hash what the diff's digest checks will need (the
        results go to the digest cache; what is missing there, the diff computes itself).
        The early hashing is waited for first, so that no value is hashed twice at once."""
        from reconciler.diff.secrets import prefetch_digests

        early = self._early

        def run() -> None:
            quiet_thread()
            if early is not None:
                early.join()
            with contextlib.suppress(Exception):  # a read error is raised by `finish`
                prefetch_digests(preview, self.read.actions(), key)

        self._hashing = threading.Thread(target=run, name="digests-ahead", daemon=True)
        self._hashing.start()

    def hashed(self) -> None:
        """Wait for the hashing (before the diff, so it does not hash the same values again)."""
        if self._hashing is not None:
            self._hashing.join()
            self._hashing = None


@dataclass(frozen=True)
class Start:
    session: TenantSession
    loading: PendingLoad
    ahead: Ahead


@contextlib.contextmanager
def opened(
    tenant: AbstractContextManager[TenantSession],
    root: str | Path,
    var_files: Sequence[str | Path] = (),
    digest_key: bytes | None = None,
) -> Iterator[Start]:
    """Open `tenant` and start reading it, then load the manifests (see the module docstring).
    Errors in the block come after the load's own (`PendingLoad.reported_first`)."""
    with contextlib.ExitStack() as stack:
        problem: ReconcilerError | None = None
        read: LiveRead | None = None
        try:
            session = stack.enter_context(tenant)
            read = stack.enter_context(LiveRead(session.client, tenant=session.name))
        except ReconcilerError as exc:
            problem = exc
        ahead = Ahead(read) if read is not None else None
        if ahead is not None:
            ahead.hash_early(root, var_files, digest_key)
        warm_node(stack)
        loading = start_desired(root, var_files)
        with loading.reported_first():
            if problem is not None:
                raise problem
            assert ahead is not None
            ahead.hash_digests(loading.preview, digest_key)
            yield Start(session, loading, ahead)
