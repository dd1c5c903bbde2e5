"""`POST /actions/actions/{id}/test`: the draft really runs, in Node, in the recorded reply shape.

Real Auth0 runs the draft and answers `{"payload": {"error"?: {name, message, stack},
"stats": {...7 integer timings...}}}` (GO1-REC TestActionManager_Test #4). The emulator runs it
through the same runner as `reconciler test --local` (reconciler.features.localrun.runner): the
trigger's `api` records each command (`payload.commands`), the output is `payload.logs`, the
event's `secrets` are the action's secrets, and the execution limit is 20 s
(RECONCILER_ACTION_TIME_LIMIT overrides it). `require("<module>")` loads the code of the module
version the draft pins (its `modules`); the emulator keeps no secret values, so a module's
`actions.secrets` holds those of its secret names that the payload's `secrets` gives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconciler.core.errors import ReconcilerError
from reconciler.core.model import Dependency
from reconciler.emulator import modules
from reconciler.emulator.replies import HttpError
from reconciler.emulator.state import Record
from reconciler.emulator.tenant import Tenant
from reconciler.features.localrun import npm
from reconciler.features.localrun.runner import (
    STATS_KEYS,
    Job,
    ModuleCode,
    run,
    time_limit_from_env,
)


def _cache(tenant: Tenant) -> Path:
    """npm packages next to the state file (`<dir>/npm-cache`), else .reconciler/npm-cache."""
    state_file = tenant.cfg.state_file
    return Path(state_file).parent / "npm-cache" if state_file else npm.DEFAULT_CACHE


def _deps(rec: Record) -> list[Dependency]:
    return [
        Dependency(str(d.get("name")), str(d.get("version")))
        for d in rec.get("dependencies") or []
        if isinstance(d, dict)
    ]


def pinned_modules(tenant: Tenant, rec: Record, event: dict[str, Any]) -> dict[str, ModuleCode]:
    """The code of each module version the draft pins, by module name (a version deleted since
    is left out: `require` then fails as it would on Auth0)."""
    given = event.get("secrets")
    values = given if isinstance(given, dict) else {}
    out: dict[str, ModuleCode] = {}
    for ref in rec.get("modules") or []:
        try:
            ver = modules.version(
                tenant, str(ref.get("module_id")), str(ref.get("module_version_id"))
            )
        except HttpError:
            continue
        names = [str(s.get("name")) for s in ver.get("secrets") or []]
        secrets = {n: str(values[n]) for n in names if n in values}
        out[str(ref.get("module_name"))] = ModuleCode(str(ver.get("code", "")), secrets, _deps(ver))
    return out


def evaluate(tenant: Tenant, rec: Record, event: dict[str, Any]) -> Record:
    """The `payload` of the test reply for the draft of `rec`; called holding `tenant.lock`."""
    triggers = rec.get("supported_triggers") or [{}]
    deps = _deps(rec)
    job = Job(
        name=str(rec.get("name", "")),
        trigger=str(triggers[0].get("id", "")),
        code=str(rec.get("code", "")),
        event=event,
        dependencies=deps,
        modules=pinned_modules(tenant, rec, event),
        time_limit_s=time_limit_from_env(),
        cache_root=_cache(tenant),
    )
    # The route runs under the tenant lock; the run (up to the time limit) must not hold every
    # other request up, and it reads nothing of the tenant after this point.
    tenant.lock.release()
    try:
        payload: Record = run(job)["payload"]
    except ReconcilerError as exc:  # node missing, npm install failed: the run never started
        message = str(exc)
        payload = {"error": {"message": message, "name": "Error", "stack": f"Error: {message}"}}
        payload["stats"] = dict.fromkeys(STATS_KEYS, 0)
    finally:
        tenant.lock.acquire()
    return payload
