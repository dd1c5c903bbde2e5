"""Run one action's code in a child `node` process and answer in the Test endpoint's shape.

The reply is what `POST /actions/actions/{id}/test` answers (GO1-REC TestActionManager_Test):
`{"payload": {"error"?: {name, message, stack}, "commands"?: [...], "logs"?: "...",
"stats": {...7 integer timings...}}}`. Empty values are left out, as Auth0 leaves zero values
out of its replies. The child runs in its own process group, killed whole at the time limit
(Auth0's is 20 s). Every secret value of the action is replaced by `***` in the reply.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.core.catalogue import HANDLERS
from reconciler.core.errors import ReconcilerError
from reconciler.core.masking import MASK
from reconciler.core.model import Dependency
from reconciler.features.localrun import npm

HARNESS = Path(__file__).with_name("harness.js")
TIME_LIMIT_S = 20.0
MAX_LOG_BYTES = 64 * 1024
MAX_RESULT_BYTES = 1024 * 1024
STATS_KEYS = (
    "total_request_duration_ms",
    "total_runtime_execution_duration_ms",
    "runtime_processing_duration_ms",
    "action_duration_ms",
    "runtime_external_call_duration_ms",
    "boot_duration_ms",
    "network_duration_ms",
)


@dataclass(frozen=True)
class ModuleCode:
    """An Actions Module as a run sees it: `require("<name>")` loads `code`, which reads its own
    secrets as `actions.secrets.NAME` (Auth0's global for module code) and requires its own
    npm dependencies."""

    code: str
    secrets: Mapping[str, str] = field(default_factory=dict)
    dependencies: Sequence[Dependency] = ()


@dataclass(frozen=True)
class Job:
    """What one run needs; `modules` maps an Actions Module name to its code (or, with its
    secrets and dependencies, to a ModuleCode)."""

    name: str
    trigger: str
    code: str
    event: Mapping[str, Any]
    secrets: Mapping[str, str] = field(default_factory=dict)
    dependencies: Sequence[Dependency] = ()
    modules: Mapping[str, str | ModuleCode] = field(default_factory=dict)
    time_limit_s: float = TIME_LIMIT_S
    cache_root: Path = npm.DEFAULT_CACHE


def time_limit_from_env() -> float:
    """RECONCILER_ACTION_TIME_LIMIT (seconds) or Auth0's 20 s."""
    raw = os.environ.get("RECONCILER_ACTION_TIME_LIMIT", "")
    try:
        value = float(raw) if raw else TIME_LIMIT_S
    except ValueError:
        raise ReconcilerError(
            f"RECONCILER_ACTION_TIME_LIMIT must be a number of seconds, not {raw!r}"
        ) from None
    return value if value > 0 else TIME_LIMIT_S


def event_secrets(job: Job) -> dict[str, Any]:
    """`event.secrets`: the payload's, overlaid by the action's resolved secrets."""
    given = job.event.get("secrets")
    return {**(given if isinstance(given, dict) else {}), **job.secrets}


def module_codes(job: Job) -> dict[str, ModuleCode]:
    return {
        name: mod if isinstance(mod, ModuleCode) else ModuleCode(mod)
        for name, mod in job.modules.items()
    }


def _module_text(mod: ModuleCode) -> str:
    """The module's code behind a one-line prelude (line numbers stay the code's own): its
    `actions.secrets`, as Auth0 gives module code."""
    secrets = json.dumps({"secrets": dict(mod.secrets)}, ensure_ascii=False)
    return f"var actions = Object.freeze({secrets}); " + mod.code


def _write_modules(work: Path, job: Job) -> None:
    for name, mod in module_codes(job).items():
        where = work / "node_modules" / name
        where.mkdir(parents=True, exist_ok=True)
        (where / "index.js").write_text(_module_text(mod), encoding="utf-8")
        (where / "package.json").write_text(json.dumps({"name": name}), encoding="utf-8")
        if mod.dependencies and npm.needed(mod.code, mod.dependencies):
            installed = npm.install(mod.dependencies, job.cache_root).resolve()
            (where / "node_modules").symlink_to(installed, target_is_directory=True)


def _write_tree(work: Path, job: Job) -> Path:
    _write_modules(work, job)
    code = work / "action.js"
    code.write_text(job.code, encoding="utf-8")
    event = {**job.event, "secrets": event_secrets(job)}
    handler = HANDLERS.get(job.trigger, "onExecute")
    body = {"file": str(code), "trigger": job.trigger, "handler": handler, "event": event}
    (work / "job.json").write_text(json.dumps(body), encoding="utf-8")
    return code


def _environment(job: Job) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TZ")}
    if job.dependencies and npm.needed(job.code, job.dependencies):
        env["NODE_PATH"] = str(npm.install(job.dependencies, job.cache_root).resolve())
    return env


def _read(path: Path, limit: int) -> tuple[str, bool]:
    with path.open("rb") as fh:
        data = fh.read(limit + 1)
    return data[:limit].decode("utf-8", "replace"), len(data) > limit


def _error(name: str, message: str) -> dict[str, str]:
    return {"name": name, "message": message, "stack": f"{name}: {message}"}


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _execute(job: Job, work: Path) -> tuple[dict[str, Any], float]:
    node = shutil.which("node")
    if node is None:
        raise ReconcilerError("node is not on PATH; a local run executes the action in Node")
    env = _environment(job)
    _write_tree(work, job)
    with (work / "out.log").open("wb") as out:
        began = time.monotonic()
        child = subprocess.Popen(
            [node, str(HARNESS), str(work / "job.json"), str(work / "result.json")],
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            child.wait(timeout=job.time_limit_s)
        except subprocess.TimeoutExpired:
            _kill_group(child.pid)
            child.wait()
            limit = f"{job.time_limit_s:g}"
            return {
                "error": _error(
                    "TimeoutError",
                    f"the action ran longer than {limit} s, "
                    "the execution time limit, and was stopped",
                )
            }, began
    _kill_group(child.pid)  # what the action left running ends with it, as on Auth0
    result_file = work / "result.json"
    if not result_file.is_file():
        why = f"the action's process ended (exit status {child.returncode}) before its handler"
        return {"error": _error("Error", f"{why} settled")}, began
    text, too_big = _read(result_file, MAX_RESULT_BYTES)
    if too_big:
        return {"error": _error("RangeError", "the action's result is larger than 1 MB")}, began
    result: dict[str, Any] = json.loads(text)
    return result, began


def _mask(value: Any, secrets: Sequence[str]) -> Any:
    text = json.dumps(value, ensure_ascii=False)
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(json.dumps(secret, ensure_ascii=False)[1:-1], MASK)
    return json.loads(text)


def run(job: Job) -> dict[str, Any]:
    """The Test endpoint's reply for `job`: the commands issued, or the error thrown."""
    work = Path(tempfile.mkdtemp(prefix="reconciler-run-"))
    try:
        result, began = _execute(job, work)
        total = int((time.monotonic() - began) * 1000)
        logs, cut = _read(work / "out.log", MAX_LOG_BYTES)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    payload: dict[str, Any] = {}
    if "error" in result:
        payload["error"] = result["error"]
    if result.get("commands"):  # those issued before an error too
        payload["commands"] = result["commands"]
    if logs:
        payload["logs"] = logs + ("\n... (logs cut at 64 KB)" if cut else "")
    boot, action = int(result.get("boot_ms", 0)), int(result.get("action_ms", 0))
    stats = dict.fromkeys(STATS_KEYS, 0)
    stats.update(
        total_request_duration_ms=total,
        total_runtime_execution_duration_ms=total,
        runtime_processing_duration_ms=max(total - boot - action, 0),
        action_duration_ms=action,
        boot_duration_ms=boot,
    )
    payload["stats"] = stats
    secrets = [v for v in event_secrets(job).values() if isinstance(v, str)]
    secrets += [v for m in module_codes(job).values() for v in m.secrets.values()]
    return {"payload": _mask(payload, secrets)}
