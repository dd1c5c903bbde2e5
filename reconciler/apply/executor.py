"""Execute a plan's steps through the client, phase by phase (DESIGN.md "Plan" step order).

Within a phase, independent steps run concurrently on a thread pool of `parallelism` workers;
the client's token bucket keeps the request rate under the tenant's limit. A step whose
dependency failed is skipped and reported; independent steps go on. Build and deploy waits
poll all awaited actions with one list request per round.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from reconciler.apply import waits
from reconciler.apply.bodies import action_names, write_body
from reconciler.apply.journal import Journal
from reconciler.apply.results import FAILED, OK, SKIPPED, StepResult
from reconciler.apply.twin import is_twin
from reconciler.auth0.client import Auth0Client
from reconciler.core.errors import ApiError, ReconcilerError, StepFailed
from reconciler.core.interrupts import quiet_thread
from reconciler.core.model import DesiredState
from reconciler.plan import Plan, Step

Json = dict[str, Any]
PHASES: tuple[tuple[str, ...], ...] = (("create", "update"), ("wait_build",), ("deploy",))
LATE_PHASES: tuple[tuple[str, ...], ...] = (("rebind",), ("delete",))
NOT_DEPLOYED = "not been deployed yet"
#: Auth0 builds take about 1-10 s (reference §4.1): the first build poll waits until one build
#: (waits.EXPECTED_BUILD_S) after the last write, since polling sooner only costs requests.
NOT_BUILT = "must be in the 'built' state"


class Applier:
    def __init__(
        self,
        client: Auth0Client,
        plan: Plan,
        desired: DesiredState,
        *,
        parallelism: int = 4,
        journal: Journal | None = None,
        on_result: Callable[[StepResult], None] | None = None,
        build_timeout: float = 300.0,
        rebind_retry_seconds: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.plan = plan
        self.desired = desired
        self.parallelism = max(1, parallelism)
        self.journal = journal or Journal(None)
        self.on_result = on_result
        self.build_timeout = build_timeout
        self.rebind_retry_seconds = rebind_retry_seconds
        self.sleep = sleep
        self._lock = threading.Lock()
        self.results: list[StepResult] = []
        self.failed_steps: set[str] = set()
        self.failed_actions: set[str] = set()
        self.ids: dict[str, str] = {}  # action name -> id (live, or created in this run)
        self.deploy_with_create: set[str] = set()
        self.last_write = time.monotonic()
        # how the deploy wait reads the action list (execute() makes it the verifying re-read)
        self.deploy_lister: Callable[[], list[Json]] | None = None
        for step in plan.steps:
            name, action_id = step.payload.get("name"), step.payload.get("action_id")
            if isinstance(name, str) and isinstance(action_id, str):
                self.ids[name] = action_id

    # ------------------------------------------------------------------ driver

    def run(self) -> list[StepResult]:
        for kinds in PHASES:
            steps = [s for s in self.plan.steps if s.kind in kinds]
            if kinds == ("wait_build",):
                for step in steps:
                    self._run_one(step, self._wait_build)
            elif kinds == ("deploy",):
                self._deploy_phase(steps)
            else:
                self._parallel(steps)
        for kinds in LATE_PHASES:
            self._parallel([s for s in self.plan.steps if s.kind in kinds])
        return self.results

    def _parallel(self, steps: list[Step]) -> None:
        if not steps:
            return
        handlers: dict[str, Callable[[Step], str]] = {
            "create": self._create,
            "update": self._update,
            "rebind": self._rebind,
            "delete": self._delete,
        }
        with ThreadPoolExecutor(self.parallelism, "apply", quiet_thread) as pool:
            for future in [pool.submit(self._run_one, s, handlers[s.kind]) for s in steps]:
                future.result()

    def _run_one(self, step: Step, handler: Callable[[Step], str]) -> None:
        blocker = self._blocker(step)
        if blocker is not None:
            self._record(step, SKIPPED, 0.0, blocker)
            return
        self.journal.write("step", step=step.id, kind=step.kind, status="started")
        started = time.monotonic()
        try:
            message = handler(step)
        except (StepFailed, ReconcilerError) as exc:
            self._record(step, FAILED, time.monotonic() - started, str(exc))
            return
        self._record(step, OK, time.monotonic() - started, message)

    def _blocker(self, step: Step) -> str | None:
        """Why a step cannot run: a dependency that failed or was skipped."""
        names = action_names(step)
        for dep in step.depends_on:
            if dep == "wait_build":
                bad = sorted(n for n in names if n in self.failed_actions)
                if bad:
                    return f"skipped: {', '.join(bad)} did not build"
            elif dep in self.failed_steps:
                return f"skipped: depends on {dep}, which did not complete"
        if step.kind in ("deploy", "rebind"):
            bad = sorted(n for n in names if n in self.failed_actions)
            if bad:
                return f"skipped: {', '.join(bad)} failed earlier in this apply"
        return None

    def _record(self, step: Step, status: str, seconds: float, message: str) -> None:
        result = StepResult(step.id, step.kind, step.address, status, seconds, message)
        with self._lock:
            self.results.append(result)
            if status != OK:
                self.failed_steps.add(step.id)
                name = step.payload.get("name")
                if step.kind in ("create", "update", "deploy") and isinstance(name, str):
                    self.failed_actions.add(name)
        self.journal.write(
            "step",
            step=step.id,
            kind=step.kind,
            address=step.address,
            status=status,
            seconds=round(seconds, 3),
            message=message,
        )
        if self.on_result is not None:
            self.on_result(result)

    # ------------------------------------------------------------------ writes

    def _body(self, step: Step) -> Json:
        return write_body(step, self.desired)

    def _create(self, step: Step) -> str:
        name = str(step.payload["name"])
        body = self._body(step)
        verb = "created"
        try:
            created = self.client.create_action(body)
        except ApiError as exc:  # 409: a concurrent apply may have created the very same action
            twins = [a for a in self.client.list_actions(action_name=name) if a.get("name") == name]
            if exc.status != 409 or len(twins) != 1 or not is_twin(twins[0], body):
                raise
            created, verb = twins[0], "created identically by a concurrent apply"
        action_id = created.get("id")
        if not isinstance(action_id, str):
            raise StepFailed("the API answered the create without an action id")
        with self._lock:
            self.last_write = time.monotonic()
            self.ids[name] = action_id
            if step.payload.get("deploy"):
                self.deploy_with_create.add(name)
        return verb + (" (deploys once built)" if step.payload.get("deploy") else "")

    def _update(self, step: Step) -> str:
        body = self._body(step)
        body.pop("name", None)
        body.pop("deploy", None)
        self.client.update_action(str(step.payload["action_id"]), body)
        with self._lock:
            self.last_write = time.monotonic()
        return "updated (" + ", ".join(sorted(body)) + ")"

    def _wait_build(self, step: Step) -> str:
        names = [n for n in step.payload.get("actions", []) if n not in self.failed_actions]
        checks = {
            self.ids[n]: waits.check_build(n in self.deploy_with_create)
            for n in names
            if n in self.ids
        }
        first = max(0.0, waits.EXPECTED_BUILD_S - (time.monotonic() - self.last_write))
        outcomes = waits.poll(
            self.client, checks, timeout=self.build_timeout, first_delay=first, sleep=self.sleep
        )
        by_id = {v: k for k, v in self.ids.items()}
        failures = []
        for action_id, (ok, message) in sorted(outcomes.items()):
            if not ok:
                name = by_id[action_id]
                self.failed_actions.add(name)
                failures.append(f"{name}: {message}")
        if failures:
            raise StepFailed("; ".join(failures))
        return f"{len(checks)} built"

    def _deploy_phase(self, steps: list[Step]) -> None:
        """POST every deploy (concurrently), then wait for all of them in one poll loop."""
        versions: dict[str, tuple[Step, Json, float]] = {}

        def deploy(step: Step) -> None:
            if (blocker := self._blocker(step)) is not None:
                self._record(step, SKIPPED, 0.0, blocker)
                return
            started = time.monotonic()
            try:
                version = self._deploy(str(step.payload["action_id"]))
            except (StepFailed, ReconcilerError) as exc:
                self._record(step, FAILED, time.monotonic() - started, str(exc))
                return
            with self._lock:
                versions[str(step.payload["action_id"])] = (step, version, started)

        if not steps:
            return
        with ThreadPoolExecutor(self.parallelism, "deploy", quiet_thread) as pool:
            list(pool.map(deploy, steps))
        checks = {
            aid: waits.check_deployed(str(v["id"]), waits.version_number(v))
            for aid, (_, v, _) in versions.items()
        }
        outcomes = waits.poll(
            self.client,
            checks,
            timeout=self.build_timeout,
            sleep=self.sleep,
            lister=self.deploy_lister,
        )
        for action_id, (step, _, started) in versions.items():
            ok, message = outcomes[action_id]
            self._record(step, OK if ok else FAILED, time.monotonic() - started, message)

    def _deploy(self, action_id: str) -> Json:
        deadline = time.monotonic() + self.build_timeout
        while True:
            try:
                version = self.client.deploy_action(action_id)
            except ApiError as exc:
                # the draft may still be finishing its build; Auth0 asks to retry
                if exc.status == 400 and NOT_BUILT in exc.message and time.monotonic() < deadline:
                    self.sleep(waits.EXPECTED_BUILD_S)
                    continue
                raise
            if not isinstance(version.get("id"), str):
                raise StepFailed("the API answered the deploy without a version id")
            return version

    def _rebind(self, step: Step) -> str:
        trigger = str(step.payload["trigger"])
        body: list[Json] = []
        for entry in step.payload["bindings"]:
            action_id = entry.get("action_id") or self.ids.get(entry["action"])
            if not action_id:
                raise StepFailed(f"cannot bind {entry['action']}: its id is unknown")
            body.append(
                {
                    "ref": {"type": "action_id", "value": action_id},
                    "display_name": entry["display_name"],
                }
            )
        deadline = time.monotonic() + self.rebind_retry_seconds
        while True:
            try:
                self.client.update_bindings(trigger, body)
            except ApiError as exc:
                # bindings are eventually consistent with deploys (reference §4.4)
                if NOT_DEPLOYED in exc.message and time.monotonic() < deadline:
                    self.sleep(waits.EXPECTED_BUILD_S)
                    continue
                raise
            names = [str(e["action"]) for e in step.payload["bindings"]]
            return "bound " + (", ".join(names) if names else "nothing")

    def _delete(self, step: Step) -> str:
        try:
            self.client.delete_action(str(step.payload["action_id"]))
        except ApiError as exc:
            if exc.status == 404:
                return "deleted (it was already gone)"
            if exc.status == 409:
                raise StepFailed(
                    "the tenant refused: the action is still bound to a trigger, so this plan "
                    "was wrong; run plan again"
                ) from None
            raise
        return "deleted"
