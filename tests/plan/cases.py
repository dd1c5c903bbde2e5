"""Named scenarios, one per classification: (desired, live, options). Used by the exact-assertion
tests and by the golden renderings (tests/plan/golden/<case>.{txt,md,json})."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from reconciler.core.livemodel import LiveState
from reconciler.core.model import DesiredState
from reconciler.plan import PlanOptions
from tests.plan.factory import (
    OPTIONS,
    action,
    code,
    desired_state,
    live,
    live_state,
    written_code,
)

Case = tuple[DesiredState, LiveState, PlanOptions]

ENRICH = action("enrich-token", deps={"axios": "1.7.9"}, secrets={"API_KEY": "enrich-key-0001"})
BLOCK = action(
    "block-bad-ips", body="  if (event.request.ip === '10.0.0.1') api.access.deny('no');"
)


def create() -> Case:
    desired = desired_state([ENRICH], {"post-login": [("enrich-token", "Enrich token")]})
    return desired, live_state([]), OPTIONS


def update() -> Case:
    old = action(
        "enrich-token",
        body="  api.idToken.setCustomClaim('y', 2);",
        deps={"axios": "1.7.2", "lodash": "4.17.21"},
        runtime="node18",
        secrets={"API_KEY": "enrich-key-0001"},
    )
    new = action(
        "enrich-token",
        deps={"axios": "1.7.9", "zod": "3.23.8"},
        secrets={"API_KEY": "enrich-key-0001", "NEW_SECRET": "brand-new-value"},
    )
    return desired_state([new]), live_state([live(old)]), OPTIONS


def deploy_only() -> Case:
    old = action("enrich-token", body="  api.idToken.setCustomClaim('y', 2);")
    new = action("enrich-token")
    current = live(new, deployed_code=written_code(old), version_number=4)
    return desired_state([new]), live_state([current]), OPTIONS


def never_deployed() -> Case:
    new = action("enrich-token")
    return desired_state([new]), live_state([live(new, deployed=False)]), OPTIONS


def adopt() -> Case:
    new = action("enrich-token")
    hand_made = live(new, code=new.code, deployed_code=new.code)
    return desired_state([new]), live_state([hand_made]), OPTIONS


def delete_prune_disabled() -> Case:
    gone = live(action("old-thing"))
    return desired_state([]), live_state([gone]), OPTIONS


def delete_allowed() -> Case:
    """The orphan is bound to a trigger the manifests do not own: it is unbound first."""
    gone = live(action("old-thing"))
    other = live(action("hand-made"), code=code("hand-made"))
    bindings = {"post-login": [(other, "Hand made"), (gone, "Old thing")]}
    return (
        desired_state([]),
        live_state([gone, other], bindings),
        replace(OPTIONS, allow_delete=True),
    )


def protected_delete() -> Case:
    gone = live(action("old-thing", protect=True))
    return desired_state([]), live_state([gone]), replace(OPTIONS, allow_delete=True)


def max_deletes() -> Case:
    gone = [live(action(f"old-{i}")) for i in range(3)]
    options = replace(OPTIONS, allow_delete=True, max_deletes=2)
    return desired_state([]), live_state(gone), options


def drift_deployed_edit() -> Case:
    """Edited in the dashboard above our trailer, then deployed from the dashboard."""
    new = action("enrich-token")
    written = written_code(new)
    hacked = written.replace("setCustomClaim('x', 1)", "setCustomClaim('x', 999)")
    current = live(new, code=hacked, deployed_code=hacked, version_number=7)
    return desired_state([new]), live_state([current]), OPTIONS


def drift_undeployed_draft() -> Case:
    new = action("enrich-token")
    hacked = written_code(new).replace("setCustomClaim('x', 1);", "debugger;")
    current = live(new, code=hacked, deployed_code=written_code(new))
    return desired_state([new]), live_state([current]), OPTIONS


def secret_value_changed() -> Case:
    old = action("enrich-token", secrets={"API_KEY": "enrich-key-0001", "OTHER": "other-value-1"})
    new = action("enrich-token", secrets={"API_KEY": "rotated-key-0002", "OTHER": "other-value-1"})
    return desired_state([new]), live_state([live(old)]), OPTIONS


def secret_added_removed() -> Case:
    """In the dashboard: API_KEY removed, EXTRA added (the trailer digest still says API_KEY)."""
    new = action("enrich-token", secrets={"API_KEY": "enrich-key-0001"})
    current = live(new, secret_names=["EXTRA"])
    return desired_state([new]), live_state([current]), OPTIONS


def unmanaged() -> Case:
    mine = action("enrich-token")
    theirs = live(action("someone-elses"), code=code("someone-elses"))
    return desired_state([mine]), live_state([live(mine), theirs]), OPTIONS


def marketplace() -> Case:
    mine = action("enrich-token")
    fraud = live(action("Fraud Shield"), id="act_fraud", marketplace=True)
    desired = desired_state(
        [mine], {"post-login": ["enrich-token", ("Fraud Shield", "Fraud Shield", True)]}
    )
    current = live(mine)
    bindings = {"post-login": [(current, "enrich-token"), (fraud, "Fraud Shield")]}
    return desired, live_state([current, fraud], bindings), OPTIONS


def ignore_globs() -> Case:
    """legacy-* is ignored: the live one (even with our trailer) and a manifest one."""
    mine = action("enrich-token")
    legacy_live = live(action("legacy-login"))
    legacy_desired = action("legacy-signup")
    desired = desired_state([mine, legacy_desired], ignore=["legacy-*"])
    return desired, live_state([live(mine), legacy_live]), replace(OPTIONS, allow_delete=True)


def rebind_order() -> Case:
    enrich, block = live(ENRICH), live(BLOCK)
    desired = desired_state(
        [ENRICH, BLOCK],
        {"post-login": [("block-bad-ips", "Block bad IPs"), ("enrich-token", "Enrich token")]},
    )
    bindings = {"post-login": [(enrich, "Enrich token"), (block, "Block IPs")]}
    return desired, live_state([enrich, block], bindings), OPTIONS


def noop() -> Case:
    enrich, block = live(ENRICH), live(BLOCK)
    desired = desired_state(
        [ENRICH, BLOCK], {"post-login": [("block-bad-ips", "Block"), ("enrich-token", "Enrich")]}
    )
    bindings = {"post-login": [(block, "Block"), (enrich, "Enrich")]}
    other = live(action("someone-elses"), code=code("someone-elses"))
    return desired, live_state([enrich, block, other], bindings), OPTIONS


def targeted() -> Case:
    new_enrich = action("enrich-token", runtime="node22", deps={"axios": "1.7.9"})
    old_enrich = action("enrich-token", runtime="node18", deps={"axios": "1.7.9"})
    new_block = action("block-bad-ips", body="  // changed")
    desired = desired_state([new_enrich, new_block], {"post-login": ["enrich-token"]})
    current = live_state([live(old_enrich), live(BLOCK)])
    return desired, current, replace(OPTIONS, targets=("enrich-token",))


CASES: dict[str, Callable[[], Case]] = {
    f.__name__: f
    for f in (
        create,
        update,
        deploy_only,
        never_deployed,
        adopt,
        delete_prune_disabled,
        delete_allowed,
        protected_delete,
        max_deletes,
        drift_deployed_edit,
        drift_undeployed_draft,
        secret_value_changed,
        secret_added_removed,
        unmanaged,
        marketplace,
        ignore_globs,
        rebind_order,
        noop,
        targeted,
    )
}

#: every secret value any case uses: none may appear in any rendering
SECRET_VALUES = (
    "enrich-key-0001",
    "brand-new-value",
    "rotated-key-0002",
    "other-value-1",
)
