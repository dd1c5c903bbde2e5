"""The Management API client for the Actions endpoints (auth0-actions-api.md §1).

Every network call of the tool goes through `Auth0Client`; nothing else builds URLs. Methods
return the parsed JSON (dicts and lists of dicts, in the API's own shapes). Lists fetch every page
with `per_page=100`, following `total` when the reply gives one (a short page with more to come
is not the end; no extra empty-page request once all are in), else stopping on a short page
(`more_pages`), and never sending `include_totals`. The client is thread-safe: the applier
calls it from a thread pool.

This is the wire layer: it takes and returns the API's own shapes. Code outside reconciler.auth0
uses the typed `ActionsAPI` (the `TenantAPI` protocol, actions_api.py) over it; only
apply/executor.py still calls the body-taking methods here (create_action, update_action,
update_bindings, deploy_action, delete_action) directly, until its switch to the protocol.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from reconciler.auth0 import errormap, retry
from reconciler.auth0.engine import RESEND, Engine
from reconciler.auth0.learn import TenantPacer
from reconciler.auth0.paging import PageGuard
from reconciler.auth0.ratelimit import TokenBucket
from reconciler.auth0.retry import RetryPolicy
from reconciler.auth0.stats import Stats
from reconciler.auth0.token import Credentials
from reconciler.auth0.transport import DEADLINE, Endpoint, Params, Transport

API = "/api/v2/actions"
PER_PAGE = 100
MAX_PAGES = 1000  # a safety stop for a server that keeps returning full pages
Json = dict[str, Any]


def _seg(value: str) -> str:
    return quote(value, safe="")


def same_content(a: Json, b: Json) -> bool:
    """Do two raw action/version objects hold the same code (trailer included), runtime,
    trigger, dependencies and secret names? (the judgement is reconciler.core.content's; it is
    imported here, not before the token request goes out)"""
    from reconciler.auth0.wire import content_of
    from reconciler.core.content import same_content as core_same_content

    mine, theirs = content_of(a), content_of(b)
    return mine is not None and theirs is not None and core_same_content(mine, theirs)


def more_pages(have: int, last_page: int, total: Any) -> bool:
    """Is there a next page to ask for, after a page of `last_page` items (`have` so far)?

    With a positive integer `total`, it decides: a short page with more to come is not the end,
    and none is asked for once all are in (real Auth0 pages may hold fewer than per_page). An
    empty page always ends it. Without `total` (a recorded empty bindings page has none, and
    `total: 0` is taken as missing), a short page ends it."""
    if last_page == 0:
        return False
    if isinstance(total, int) and not isinstance(total, bool) and total > 0:
        return have < total
    return last_page >= PER_PAGE


class Auth0Client:
    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        ca_bundle: str | None = None,
        rate_limit: float | None = None,
        burst: int | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        deadline: float = DEADLINE,
        max_tries: int = 6,
        max_total_wait: float = 120.0,
        backoff: tuple[float, float] | None = None,
        pool_size: int = 16,
        logger: logging.Logger | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        """`base_url`: https://DOMAIN (http:// only for loopback). The request pace is learned
        from the tenant's `x-ratelimit-*` headers (learn.py); `rate_limit`/`burst` cap it (burst
        defaults to the rate). `deadline`: seconds for one whole exchange (connect, headers and
        body; a server dripping bytes fails then). `logger`: where the request lines go (default
        `reconciler.http`; masked either way). `backoff`: (first, largest) retry wait, default
        `retry.BACKOFF_S`. `clock`/`sleep`/`jitter`: injectable for tests."""
        first, largest = backoff if backoff is not None else retry.BACKOFF_S
        endpoint = Endpoint.parse(base_url)
        cap = None
        if rate_limit is not None:
            size = burst if burst is not None else max(1, round(rate_limit))
            cap = TokenBucket(rate_limit, size, clock=clock, sleep=sleep)
        self.engine = Engine(
            Transport(
                endpoint,
                ca_bundle=ca_bundle,
                timeout=timeout,
                deadline=deadline,
                pool_size=pool_size,
                logger=logger,
            ),
            credentials,
            TenantPacer(cap, clock=clock, sleep=sleep),
            RetryPolicy(max_tries, max_total_wait, first, largest, jitter),
            clock=clock,
            sleep=sleep,
        )
        self.base_url = endpoint.base_url
        self.domain = endpoint.domain

    def close(self) -> None:
        self.engine.transport.close()

    def __enter__(self) -> Auth0Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def authenticate(self) -> None:
        """Fetch (or reuse) the access token now; the first request would otherwise do it."""
        self.engine.tokens.get()

    @property
    def stats(self) -> Stats:
        return self.engine.stats.snapshot()

    # ---------------------------------------------------------------- plumbing

    def _object(self, method: str, path: str, **kw: Any) -> Json:
        body = self.engine.call(method, path, **kw)
        if not isinstance(body, dict):
            raise errormap.malformed(method, path, 200, "expected a JSON object")
        return body

    def _paged(self, path: str, key: str, params: Params | None = None) -> list[Json]:
        items: list[Json] = []
        seen = PageGuard("GET", path)
        for page in range(MAX_PAGES):
            query: dict[str, str | int | bool] = {**(params or {}), "page": page}
            query["per_page"] = PER_PAGE
            body = self._object("GET", path, params=query)
            chunk = body.get(key, [])
            if not isinstance(chunk, list) or not all(isinstance(i, dict) for i in chunk):
                raise errormap.malformed("GET", path, 200, f"'{key}' is not a list of objects")
            seen.check(chunk)
            items.extend(chunk)
            if not more_pages(len(items), len(chunk), body.get("total")):
                break
        return items

    # ---------------------------------------------------------------- triggers and bindings

    def list_triggers(self) -> list[Json]:
        path = f"{API}/triggers"
        triggers = self._object("GET", path).get("triggers", [])
        if not isinstance(triggers, list) or not all(isinstance(t, dict) for t in triggers):
            raise errormap.malformed("GET", path, 200, "'triggers' is not a list of objects")
        return triggers

    def get_bindings(self, trigger_id: str) -> list[Json]:
        return self._paged(f"{API}/triggers/{_seg(trigger_id)}/bindings", "bindings")

    def update_bindings(self, trigger_id: str, bindings: list[Json]) -> list[Json]:
        """Replace the trigger's whole ordered list (PATCH is idempotent: retried freely)."""
        path = f"{API}/triggers/{_seg(trigger_id)}/bindings"
        out = self._object("PATCH", path, body={"bindings": bindings}).get("bindings", [])
        if not isinstance(out, list):
            raise errormap.malformed("PATCH", path, 200, "'bindings' is not a list")
        return out

    # ---------------------------------------------------------------- actions

    def list_actions(
        self,
        *,
        trigger_id: str | None = None,
        action_name: str | None = None,
        deployed: bool | None = None,
        installed: bool | None = None,
    ) -> list[Json]:
        params: dict[str, str | int | bool] = {}
        if trigger_id is not None:
            params["triggerId"] = trigger_id
        if action_name is not None:
            params["actionName"] = action_name
        if deployed is not None:
            params["deployed"] = deployed
        if installed is not None:
            params["installed"] = installed
        return self._paged(f"{API}/actions", "actions", params)

    def get_action(self, action_id: str) -> Json:
        return self._object("GET", f"{API}/actions/{_seg(action_id)}")

    def create_action(self, body: Json) -> Json:
        """POST an action. Not idempotent: after an uncertain failure (5xx, timeout, dropped
        connection) the action is looked up by name first, and an existing one is returned
        instead of creating a second (the planner only creates names the tenant lacks)."""
        name = body.get("name")

        def recover() -> Any:
            if not isinstance(name, str):
                return RESEND
            found = [a for a in self.list_actions(action_name=name) if a.get("name") == name]
            if not found:
                return RESEND
            return max(found, key=lambda a: str(a.get("created_at", "")))

        return self._object("POST", f"{API}/actions", body=body, recover=recover)

    def update_action(self, action_id: str, body: Json) -> Json:
        return self._object("PATCH", f"{API}/actions/{_seg(action_id)}", body=body)

    def delete_action(self, action_id: str, *, force: bool = False) -> None:
        """DELETE is idempotent: a 404 on a retry after a dropped connection means it is gone."""
        params: Params | None = {"force": True} if force else None
        self.engine.call("DELETE", f"{API}/actions/{_seg(action_id)}", params=params, gone_ok=True)

    def deploy_action(self, action_id: str) -> Json:
        """Deploy the draft as a new version (any 2xx is success; returns the version).

        Not idempotent: a second POST would make a second, identical version. The planner only
        deploys a draft that differs from the deployed version, so after an uncertain failure the
        action is read (GET) first: if its deployed version now holds exactly the draft's content
        (code with trailer, runtime, trigger, dependencies, secret names), the first POST went
        through and that version is returned; otherwise the deploy is sent again. (If the server
        had not yet switched `deployed_version` the check errs towards one redundant version,
        never towards a missed deploy.)"""
        path = f"{API}/actions/{_seg(action_id)}"

        def recover() -> Any:
            action = self.get_action(action_id)
            deployed = action.get("deployed_version")
            if isinstance(deployed, dict) and same_content(deployed, action):
                return deployed
            return RESEND

        return self._object("POST", f"{path}/deploy", recover=recover)

    def test_action(self, action_id: str, payload: Json) -> Json:
        """Run the draft with an event payload (no lasting effect, so retried freely)."""
        return self._object(
            "POST", f"{API}/actions/{_seg(action_id)}/test", body={"payload": payload}
        )

    # ---------------------------------------------------------------- versions

    def list_versions(self, action_id: str) -> list[Json]:
        return self._paged(f"{API}/actions/{_seg(action_id)}/versions", "versions")

    def get_version(self, action_id: str, version_id: str) -> Json:
        return self._object("GET", f"{API}/actions/{_seg(action_id)}/versions/{_seg(version_id)}")

    def deploy_version(
        self, action_id: str, version_id: str, *, update_draft: bool = False
    ) -> Json:
        """Roll back: deploy a copy of an old version as a new version. Not idempotent; after an
        uncertain failure the action and the target version are read: if the deployed version is
        newer than the target and holds its content, that is the result; else it is re-sent."""
        path = f"{API}/actions/{_seg(action_id)}/versions/{_seg(version_id)}/deploy"

        def recover() -> Any:
            target = self.get_version(action_id, version_id)
            deployed = self.get_action(action_id).get("deployed_version")
            if (
                isinstance(deployed, dict)
                and deployed.get("id") != version_id
                and _number(deployed) > _number(target)
                and same_content(deployed, target)
            ):
                return deployed
            return RESEND

        return self._object("POST", path, body={"update_draft": update_draft}, recover=recover)


def _number(version: Json) -> int:
    value = version.get("number", 0)
    return value if isinstance(value, int) else 0
