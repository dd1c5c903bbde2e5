"""Plain-data builders for the diff/plan tests: desired and live states without HTTP."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reconciler.core.livemodel import (
    LiveAction,
    LiveBinding,
    LiveSecret,
    LiveState,
    LiveTriggerBindings,
    LiveVersion,
)
from reconciler.core.model import (
    Dependency,
    DesiredAction,
    DesiredBinding,
    DesiredSecret,
    DesiredState,
    DesiredTriggerBindings,
    SecretValue,
    Settings,
)
from reconciler.core.trailer import compute_digest, with_trailer
from reconciler.plan import PlanOptions

TENANT = "acme.eu.auth0.com"
ITERATIONS = 50  # tests: fast; the format records the count, so verify still works
LIVE_SALT = b"live-salt-16byte"
NOW = "2026-08-01T12:00:00Z"


def fixed_salt(name: str) -> bytes:
    return f"plan:{name}".encode().ljust(16, b".")[:16]


OPTIONS = PlanOptions(salt=fixed_salt, iterations=ITERATIONS, now=lambda: NOW)


def code(name: str, body: str = "  api.idToken.setCustomClaim('x', 1);") -> str:
    return f"// {name}\nexports.onExecutePostLogin = async (event, api) => {{\n{body}\n}};\n"


def action(
    name: str,
    *,
    body: str = "  api.idToken.setCustomClaim('x', 1);",
    trigger: str = "post-login",
    version: str = "v3",
    runtime: str = "node22",
    deps: Mapping[str, str] | None = None,
    secrets: Mapping[str, str | None] | None = None,
    deploy: bool = True,
    protect: bool = False,
) -> DesiredAction:
    return DesiredAction(
        name=name,
        trigger=trigger,
        trigger_version=version,
        runtime=runtime,
        code=code(name, body),
        code_file=f"actions/{name}.js",
        dependencies=tuple(Dependency(n, v) for n, v in sorted((deps or {}).items())),
        secrets=tuple(
            DesiredSecret(n, f"{name.upper().replace('-', '_')}_{n}", SecretValue(v) if v else None)
            for n, v in sorted((secrets or {}).items())
        ),
        deploy=deploy,
        protect=protect,
    )


Entry = str | tuple[str, str] | tuple[str, str, bool]


def desired_state(
    actions: Sequence[DesiredAction],
    bindings: Mapping[str, Sequence[Entry]] | None = None,
    *,
    prune: bool = False,
    ignore: Sequence[str] = (),
) -> DesiredState:
    owned = []
    for trigger, entries in sorted((bindings or {}).items()):
        items = []
        for e in entries:
            if isinstance(e, str):
                items.append(DesiredBinding(e, e))
            elif len(e) == 2:
                items.append(DesiredBinding(e[0], e[1]))
            else:
                items.append(DesiredBinding(e[0], e[1], external=e[2]))
        owned.append(DesiredTriggerBindings(trigger, tuple(items)))
    return DesiredState(
        root="manifests",
        actions=tuple(sorted(actions, key=lambda a: a.name)),
        bindings=tuple(owned),
        settings=Settings(prune=prune, ignore=tuple(ignore)),
        digest="sha256:" + "ab" * 32,
    )


def written_code(a: DesiredAction, salt: bytes = LIVE_SALT) -> str:
    """The code as reconciler's apply would have written it for `a`."""
    values = {s.name: s.value.reveal() for s in a.secrets if s.value is not None}
    digest = compute_digest(values, salt=salt, iterations=ITERATIONS)
    return with_trailer(a.code, digest, protect=a.protect)


def live(
    a: DesiredAction,
    *,
    id: str | None = None,
    code: str | None = None,
    deployed_code: str | None = None,
    deployed: bool = True,
    version_number: int = 1,
    secret_names: Sequence[str] | None = None,
    runtime: str | None = None,
    deps: Mapping[str, str] | None = None,
    marketplace: bool = False,
) -> LiveAction:
    """A live action in sync with `a` (as apply leaves it), with optional overrides."""
    draft = written_code(a) if code is None else code
    names = (
        tuple(sorted(s.name for s in a.secrets)) if secret_names is None else tuple(secret_names)
    )
    dependencies = (
        a.dependencies if deps is None else tuple(Dependency(n, v) for n, v in sorted(deps.items()))
    )
    action_id = id or f"act_{a.name}"
    version = LiveVersion(
        id=f"ver_{a.name}_{version_number}",
        number=version_number,
        code=draft if deployed_code is None else deployed_code,
        runtime=runtime or a.runtime,
        dependencies=dependencies,
        secret_names=names,
        status="built",
        deployed=True,
        created_at="2026-07-01T00:00:00.000Z",
    )
    return LiveAction(
        id=action_id,
        name=a.name,
        trigger=a.trigger,
        trigger_version=a.trigger_version,
        code=draft,
        runtime=runtime or a.runtime,
        dependencies=dependencies,
        secrets=tuple(LiveSecret(n, "2026-07-01T00:00:00.000Z") for n in names),
        status="built",
        created_at="2026-07-01T00:00:00.000Z",
        updated_at="2026-07-02T00:00:00.000Z",
        deployed_version=version if deployed else None,
        all_changes_deployed=deployed,
        marketplace=marketplace,
    )


def live_state(
    actions: Sequence[LiveAction],
    bindings: Mapping[str, Sequence[tuple[LiveAction, str]]] | None = None,
) -> LiveState:
    lists = []
    for trigger, entries in sorted((bindings or {}).items()):
        items = tuple(
            LiveBinding(f"bnd_{trigger}_{i}", a.id, a.name, display)
            for i, (a, display) in enumerate(entries)
        )
        lists.append(LiveTriggerBindings(trigger, items))
    return LiveState(
        tenant=TENANT,
        triggers=(),
        actions=tuple(sorted(actions, key=lambda a: (a.name, a.id))),
        bindings=tuple(lists),
    )
