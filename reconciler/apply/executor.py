"""Execute a plan's steps through the client, phase by phase (DESIGN.md "Plan" step order).

Within a phase, independent steps run concurrently on a thread pool of `parallelism` workers;
the client's token bucket keeps the request rate under the tenant's limit. A step whose
dependency failed is skipped and reported; independent steps go on. Build and deploy waits
poll all awaited actions with one list request per round.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from reconciler.apply import waits
from reconciler.apply.bodies import action_names, rebind_entries, secret_values
from reconciler.apply.journal import Journal
from reconciler.apply.modules import ModuleSteps
from reconciler.apply.results import FAILED, OK, SKIPPED, StepResult
from reconciler.apply.twin import matches_create
from reconciler.auth0.protocol import DeployedVersion, TenantAPI
from reconciler.core.errors import ApiError, ErrorKind, ReconcilerError, StepFailed
from reconciler.core.interrupts import quiet_thread
from reconciler.core.livemodel import LiveAction
from reconciler.core.model import DesiredState
from reconciler.plan import Plan
from reconciler.plan.kinds import (
    CreateAction,
    CreateModule,
    DeleteAction,
    DeleteModule,
    DeployAction,
    PublishModule,
    Rebind,
    Step,
    UpdateAction,
    UpdateModule,
    WaitBuild,
)

S = TypeVar("S", bound=Step)


class Applier:
    def __init__(
        self,
        api: TenantAPI,
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
        self.api = api
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
        self.deploy_lister: Callable[[], Sequence[LiveAction]] | None = None
        for step in plan.steps:
            if isinstance(step, UpdateAction | DeployAction | DeleteAction):
                self.ids[step.name] = step.action_id
        self.modules = ModuleSteps(api, desired, plan.steps)

    # ------------------------------------------------------------------ driver

    def run(self) -> list[StepResult]:
        """Phase by phase (StepKind.phase): a phase's writes run concurrently, its deploys are
        posted together and awaited in one poll loop, its build waits run one by one."""
        for phase in sorted({s.kind.phase for s in self.plan.steps}):
            steps = [s for s in self.plan.steps if s.kind.phase == phase]
            self._parallel([s for s in steps if not isinstance(s, WaitBuild | DeployAction)])
            self._deploy_phase([s for s in steps if isinstance(s, DeployAction)])
            for wait in (s for s in steps if isinstance(s, WaitBuild)):
                self._run_one(wait, self._wait_build)
        return self.results

    def _write(self, step: Step) -> str:
        if isinstance(step, CreateAction):
            return self._create(step)
        if isinstance(step, UpdateAction):
            return self._update(step)
        if isinstance(step, Rebind):
            return self._rebind(step)
        if isinstance(step, DeleteAction):
            return self._delete(step)
        if isinstance(step, CreateModule | UpdateModule | PublishModule | DeleteModule):
            return self.modules.write(step)
        raise StepFailed(f"{step.kind.value} steps are not applied by this version")

    def _parallel(self, steps: list[Step]) -> None:
        if not steps:
            return
        with ThreadPoolExecutor(self.parallelism, "apply", quiet_thread) as pool:
            for future in [pool.submit(self._run_one, s, self._write) for s in steps]:
                future.result()

    def _run_one(self, step: S, handler: Callable[[S], str]) -> None:
        blocker = self._blocker(step)
        if blocker is not None:
            self._record(step, SKIPPED, 0.0, blocker)
            return
        self.journal.write("step", step=step.id, kind=step.kind.value, status="started")
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
        if isinstance(step, DeployAction | Rebind):
            bad = sorted(n for n in names if n in self.failed_actions)
            if bad:
                return f"skipped: {', '.join(bad)} failed earlier in this apply"
        return None

    def _record(self, step: Step, status: str, seconds: float, message: str) -> None:
        result = StepResult(step.id, step.kind.value, step.address, status, seconds, message)
        with self._lock:
            self.results.append(result)
            if status != OK:
                self.failed_steps.add(step.id)
                if isinstance(step, CreateAction | UpdateAction | DeployAction):
                    self.failed_actions.add(step.name)
        self.journal.write(
            "step",
            step=step.id,
            kind=step.kind.value,
            address=step.address,
            status=status,
            seconds=round(seconds, 3),
            message=message,
        )
        if self.on_result is not None:
            self.on_result(result)

    # ------------------------------------------------------------------ writes

    def _create(self, step: CreateAction) -> str:
        name = step.name
        values = secret_values(self.desired, name, step.fields.secrets)
        pins = self._pins(step)
        verb = "created"
        try:
            action_id = self.api.create_action(name, step.fields, values, step.deploy, **pins)
        except ApiError as exc:  # 409: a concurrent apply may have created the very same action
            if exc.kind is not ErrorKind.ALREADY_EXISTS:
                raise
            twins = self.api.list_actions(name=name)
            if len(twins) != 1 or not matches_create(twins[0], step.fields, values):
                raise
            action_id, verb = twins[0].id, "created identically by a concurrent apply"
        with self._lock:
            self.last_write = time.monotonic()
            self.ids[name] = action_id
            if step.deploy:
                self.deploy_with_create.add(name)
        return verb + (" (deploys once built)" if step.deploy else "")

    def _update(self, step: UpdateAction) -> str:
        values = secret_values(self.desired, step.name, step.fields.secrets)
        self.api.update_action_fields(step.action_id, step.fields, values, **self._pins(step))
        with self._lock:
            self.last_write = time.monotonic()
        return "updated (" + ", ".join(sorted(step.fields.sent)) + ")"

    def _pins(self, step: CreateAction | UpdateAction) -> dict[str, dict[str, tuple[str, str]]]:
        """The `module_versions` argument of a write that sends modules (none: no argument)."""
        pins = step.fields.modules
        return {} if pins is None else {"module_versions": self.modules.resolve(pins)}

    def _wait_build(self, step: WaitBuild) -> str:
        names = [n for n in step.actions if n not in self.failed_actions]
        checks = {
            self.ids[n]: waits.built(n in self.deploy_with_create) for n in names if n in self.ids
        }
        first = max(0.0, waits.EXPECTED_BUILD_S - (time.monotonic() - self.last_write))
        outcomes = waits.wait(
            self.api, checks, timeout=self.build_timeout, first_delay=first, sleep=self.sleep
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

    def _deploy_phase(self, steps: list[DeployAction]) -> None:
        """POST every deploy (concurrently), then wait for all of them in one poll loop."""
        versions: dict[str, tuple[DeployAction, str, int | None, float]] = {}

        def deploy(step: DeployAction) -> None:
            if (blocker := self._blocker(step)) is not None:
                self._record(step, SKIPPED, 0.0, blocker)
                return
            started = time.monotonic()
            try:
                version = self._deploy(step.action_id)
            except (StepFailed, ReconcilerError) as exc:
                self._record(step, FAILED, time.monotonic() - started, str(exc))
                return
            assert version.id is not None  # _deploy refuses a version without one
            with self._lock:
                versions[step.action_id] = (step, version.id, version.number, started)

        if not steps:
            return
        with ThreadPoolExecutor(self.parallelism, "deploy", quiet_thread) as pool:
            list(pool.map(deploy, steps))
        checks = {aid: waits.deployed(vid, number) for aid, (_, vid, number, _) in versions.items()}
        outcomes = waits.wait(
            self.api,
            checks,
            timeout=self.build_timeout,
            sleep=self.sleep,
            lister=self.deploy_lister,
        )
        for action_id, (step, _, _, started) in versions.items():
            ok, message = outcomes[action_id]
            self._record(step, OK if ok else FAILED, time.monotonic() - started, message)

    def _deploy(self, action_id: str) -> DeployedVersion:
        deadline = time.monotonic() + self.build_timeout
        while True:
            try:
                version = self.api.deploy_action(action_id)
            except ApiError as exc:
                # the draft may still be finishing its build; Auth0 asks to retry
                if exc.kind is ErrorKind.NOT_BUILT_YET and time.monotonic() < deadline:
                    self.sleep(waits.EXPECTED_BUILD_S)
                    continue
                raise
            if version.id is None:
                raise StepFailed("the API answered the deploy without a version id")
            return version

    def _rebind(self, step: Rebind) -> str:
        entries = rebind_entries(step, self.ids)
        deadline = time.monotonic() + self.rebind_retry_seconds
        while True:
            try:
                self.api.update_bindings(step.trigger, entries)
            except ApiError as exc:
                # bindings are eventually consistent with deploys (reference §4.4)
                if exc.kind is ErrorKind.NOT_DEPLOYED_YET and time.monotonic() < deadline:
                    self.sleep(waits.EXPECTED_BUILD_S)
                    continue
                raise
            names = [e.action for e in step.bindings]
            return "bound " + (", ".join(names) if names else "nothing")

    def _delete(self, step: DeleteAction) -> str:
        try:
            self.api.delete_action(step.action_id)
        except ApiError as exc:
            if exc.kind is ErrorKind.NOT_FOUND:
                return "deleted (it was already gone)"
            if exc.kind is ErrorKind.STILL_BOUND:
                raise StepFailed(
                    "the tenant refused: the action is still bound to a trigger, so this plan "
                    "was wrong; run plan again"
                ) from None
            raise
        return "deleted"
