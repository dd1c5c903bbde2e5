"""Reading the tenant into a `LiveState`, in two halves (issue 16).

Requests: 1 token + 1 triggers + ceil(actions/100) action pages + T bindings (live.py says which
T), the modules' list pages when asked for. `LiveRead(client)` starts what does not depend on the
manifests: the token, the trigger list and the action pages, so they travel while the manifests
are still being loaded and validated. `finish(owned, ...)` adds what does (the owned triggers'
bindings, then those of any other trigger a managed action serves; the modules) and returns the
state. `read_live` is both halves at once, in the same request order as ever: the client's first
Management API request goes alone as its rate-limit probe, the rest fan out behind it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from reconciler.auth0.client import Auth0Client
from reconciler.core.errors import ApiError, ErrorKind
from reconciler.core.interrupts import quiet_thread

if TYPE_CHECKING:  # the live model is imported once the requests are on their way
    from reconciler.core.livemodel import LiveAction, LiveState, LiveTriggerBindings, Trigger

MAX_WORKERS = 4
PROBE_SLICE = 0.05  # seconds between looks at the action list while the probe is out
T = TypeVar("T")


def _bindings(client: Auth0Client, trigger_id: str) -> LiveTriggerBindings:
    from reconciler.auth0.live import to_bindings
    from reconciler.core.livemodel import LiveTriggerBindings

    try:
        return to_bindings(trigger_id, client.get_bindings(trigger_id))
    except ApiError as exc:
        # late 2024 the API answered 400 for entity-bound triggers; treat as "no bindings"
        if exc.kind is ErrorKind.ENTITY_BOUND:
            return LiveTriggerBindings(trigger_id, ())
        raise


def _sorted_actions(raw: Future[list[dict[str, object]]]) -> tuple[LiveAction, ...]:
    from reconciler.auth0.live import to_action

    return tuple(sorted((to_action(a) for a in raw.result()), key=lambda a: (a.name, a.id)))


class LiveRead:
    """One read of the tenant, begun now. `known_triggers`: the tenant's catalogue from an
    earlier read in the same run (it does not change while we write actions), which saves the
    `GET /actions/triggers`. Use as a context manager, or call `close()`: a read that is never
    finished (the manifests were refused) is abandoned, its answers unused."""

    def __init__(
        self, client: Auth0Client, *, tenant: str, known_triggers: Sequence[Trigger] | None = None
    ) -> None:
        self.client, self.tenant, self.known = client, tenant, known_triggers
        self._abandoned = threading.Event()  # set before any task can look at it
        self._pool = ThreadPoolExecutor(MAX_WORKERS, "live", quiet_thread)
        # one token before fanning out: every request of the read waits for this fetch and
        # fails with its error (a tenant that does not answer costs one deadline, not one each)
        self._token_f = self._pool.submit(client.authenticate)
        # the action list first: it is the rate-limit probe (engine.py), and what the secret
        # digests are checked against (ahead.py hashes them as soon as it is in)
        self._actions_f: Future[list[dict[str, object]]] = self._pool.submit(
            self._after_token, client.list_actions
        )
        self._triggers_f = (
            None if known_triggers is not None else self._submit(client.list_triggers)
        )
        self._actions: tuple[LiveAction, ...] | None = None
        self._converting = threading.Lock()

    def _after_token(self, call: Callable[[], T]) -> T:
        self._token_f.result()
        return call()

    def _submit(self, call: Callable[..., T], *args: object) -> Future[T]:
        """`call` once the token is in and the action list's first page has answered: the first
        Management API request goes alone (the rate-limit probe, engine.py), and the action list
        must be it. A trigger list that won that race delayed the action list, what the digests
        and the plan wait for, by a whole round trip."""

        def after_probe() -> T:
            self._token_f.result()
            while not self.client.engine.calibrated(PROBE_SLICE):
                if self._actions_f.done():  # it failed before any answer: no probe to wait for
                    break
            if self._abandoned.is_set():  # an error ended the read while this one waited
                raise CancelledError
            return call(*args)

        return self._pool.submit(after_probe)

    def authenticated(self) -> None:
        """Wait for the read's token (raises its error)."""
        self._token_f.result()

    def raw_actions(self) -> list[dict[str, object]]:
        """The action pages as the tenant sent them, unconverted (untrusted: for the digest
        hashing's guesses only); waits for them and raises the read's error."""
        return self._actions_f.result()

    def actions(self) -> tuple[LiveAction, ...]:
        """The live actions (waits for the action pages only); raises the read's error."""
        with self._converting:  # the digest hashing and the finish both ask: convert once
            if self._actions is None:
                self._actions = _sorted_actions(self._actions_f)
            return self._actions

    def finish(
        self,
        owned_triggers: Iterable[str] = (),
        *,
        catalogue_triggers: Sequence[Trigger] | None = None,
        with_modules: bool = False,
        resolve_module_latest: bool = True,
    ) -> LiveState:
        """The tenant as a LiveState. `owned_triggers`: trigger ids listed under `bindings:` in
        the manifests; `catalogue_triggers`: the policy source for trigger ids the tenant does
        not list. `with_modules`: also read the Actions Modules (live_modules.py: their list
        pages, plus with `resolve_module_latest` one GET per published module whose newest
        version no action uses). Without `catalogue_triggers`, the built-in catalogue."""
        from reconciler.auth0.live import name_bindings, to_trigger, triggers_to_read
        from reconciler.auth0.live_modules import finish_modules
        from reconciler.auth0.modules import ModulesApi
        from reconciler.core.catalogue import BUILTIN_TRIGGERS
        from reconciler.core.livemodel import LiveState

        if catalogue_triggers is None:
            catalogue_triggers = BUILTIN_TRIGGERS
        owned, pool, client = tuple(owned_triggers), self._pool, self.client
        modules_api = ModulesApi(client)
        self._token_f.result()  # its error first, as when the token was fetched up front
        modules_f = self._submit(modules_api.list_modules) if with_modules else None
        # the owned triggers' bindings go now, alongside whatever is still in flight: which
        # triggers to read depends on the actions only through the managed ones. The policy comes
        # from the catalogue at hand (the tenant's from an earlier read, else the built-in one); a
        # trigger that the tenant's own list then rules out is dropped unread (unused).
        policy = self.known if self.known is not None else catalogue_triggers
        early = {
            t: self._submit(_bindings, client, t)
            for t in triggers_to_read(policy, (), owned, catalogue_triggers)
        }
        if self._triggers_f is None:
            triggers = tuple(self.known or ())
        else:
            triggers = tuple(to_trigger(t) for t in self._triggers_f.result())
        actions = self.actions()
        wanted = triggers_to_read(triggers, actions, owned, catalogue_triggers)
        late = {t: self._submit(_bindings, client, t) for t in wanted if t not in early}
        bindings = [name_bindings((early.get(t) or late[t]).result(), actions) for t in wanted]
        modules = (
            ()
            if modules_f is None
            else finish_modules(
                modules_api, pool, modules_f.result(), actions, resolve_latest=resolve_module_latest
            )
        )
        return LiveState(
            tenant=self.tenant,
            triggers=triggers,
            actions=actions,
            bindings=tuple(sorted(bindings, key=lambda b: b.trigger)),
            modules=modules,
        )

    def close(self, *, abandon: bool = False) -> None:
        """Drop the requests not sent yet; wait for those in flight (each bounded by the
        client's deadline) unless the read is `abandon`ed (an error ended its use: its answers
        are not wanted, and they must not hold up the error)."""
        if abandon:
            self._abandoned.set()
        self._pool.shutdown(wait=not abandon, cancel_futures=True)

    def __enter__(self) -> LiveRead:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        self.close(abandon=exc_type is not None)


def read_live(
    client: Auth0Client,
    *,
    tenant: str,
    owned_triggers: Iterable[str] = (),
    catalogue_triggers: Sequence[Trigger] | None = None,
    known_triggers: Sequence[Trigger] | None = None,
    with_modules: bool = False,
    resolve_module_latest: bool = True,
) -> LiveState:
    """The tenant as a LiveState, both halves of a `LiveRead` at once (see its arguments)."""
    with LiveRead(client, tenant=tenant, known_triggers=known_triggers) as read:
        return read.finish(
            owned_triggers,
            catalogue_triggers=catalogue_triggers,
            with_modules=with_modules,
            resolve_module_latest=resolve_module_latest,
        )
