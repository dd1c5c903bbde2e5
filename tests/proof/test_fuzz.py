"""Fuzzing (hypothesis): the manifest loader on structure-aware generated manifests, and the
client's parsing of API responses served by a tiny local HTTP server.

Only a ReconcilerError (ManifestError, ApiError, ...) may ever escape: never a KeyError,
TypeError, AttributeError, ValueError or RecursionError.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.live_read import read_live
from reconciler.auth0.token import Credentials
from reconciler.core.errors import ManifestError, ReconcilerError
from reconciler.core.model import DesiredState
from reconciler.core.trailer import PREFIX
from reconciler.manifest import load_manifests
from reconciler.plan import PlanOptions, make_plan
from tests.proof.conftest import EXAMPLES, env_values

FUZZ = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TRIGGERS = ["post-login", "credentials-exchange", "send-phone-message", "mcp-tool", "nope"]

# ---------------------------------------------------------------------------- weird values

weird = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.just("x" * 5000),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any], odds: int) -> Any:
    """`good` about `odds` times out of `odds + 1`, else `bad` (one_of would draw them evenly)."""
    # sampled_from draws evenly; integers() would favour the boundary (the bad branch)
    return st.sampled_from([False] * odds + [True]).flatmap(lambda b: bad if b else good)


def maybe(strategy: st.SearchStrategy[Any], odds: int = 6) -> st.SearchStrategy[Any]:
    """Mostly the well-typed value, sometimes anything at all."""
    return mostly(strategy, weird, odds)


# ---------------------------------------------------------------------------- manifests

code_paths = st.sampled_from(
    ["a.js", "sub/b.js", "../outside.js", "/etc/passwd", "link.js", "missing.js", "a.js\0x", ""]
)
action_entry = st.fixed_dictionaries(
    {"name": maybe(st.sampled_from(["a", "b", "Fraud Shield", "x" * 200, "a b", ""]))},
    optional={
        "trigger": maybe(st.sampled_from(TRIGGERS)),
        "trigger_version": maybe(st.sampled_from(["v1", "v2", "v3", "v9"])),
        "runtime": maybe(st.sampled_from(["node22", "node18-actions", "node12", "deno"])),
        "code": maybe(code_paths),
        "dependencies": maybe(
            st.dictionaries(
                st.sampled_from(["axios", "lodash", "", "@scope/pkg", "a" * 300]),
                maybe(st.sampled_from(["1.7.9", "^1.0.0", "latest", "", "1.0.0 || 2"])),
                max_size=12,
            )
        ),
        "secrets": maybe(
            st.dictionaries(
                st.sampled_from(["API_KEY", "TOKEN", "bad name", "", "K" * 200]),
                maybe(st.sampled_from(["${X}", "${MISSING}", "literal", "${}", "$X", "${X}y"])),
                max_size=4,
            )
        ),
        "deploy": maybe(st.booleans()),
        "protect": maybe(st.booleans()),
        "extra_key": weird,
    },
)
binding_entry = st.one_of(
    maybe(st.sampled_from(["a", "b", "Fraud Shield", "ghost"])),
    st.fixed_dictionaries(
        {"action": maybe(st.sampled_from(["a", "b", "Fraud Shield"]))},
        optional={"display_name": maybe(st.text(max_size=10)), "external": maybe(st.booleans())},
    ),
)
manifest_doc = st.fixed_dictionaries(
    {},
    optional={
        "actions": maybe(st.lists(action_entry, max_size=4)),
        "bindings": maybe(
            st.dictionaries(
                st.sampled_from(TRIGGERS), maybe(st.lists(binding_entry, max_size=4)), max_size=3
            )
        ),
        "settings": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "prune": maybe(st.booleans()),
                    "ignore": maybe(st.lists(maybe(st.text(max_size=6)), max_size=3)),
                },
            )
        ),
    },
)
valid_action = st.fixed_dictionaries(
    {"name": st.sampled_from(["a", "b", "c"]), "trigger": st.just("post-login")},
    optional={
        "code": st.sampled_from(["a.js", "link.js", "../outside.js"]),
        "runtime": st.sampled_from(["node22", "node18-actions"]),
        "dependencies": st.just({"axios": "1.7.9"}),
        "secrets": st.sampled_from([{"API_KEY": "${X}"}, {"API_KEY": "${MISSING}"}]),
        "deploy": st.booleans(),
        "protect": st.booleans(),
    },
).map(lambda a: {**a, "code": a.get("code", "a.js")})


def _consistent(doc: dict[str, Any]) -> dict[str, Any]:
    """Bind only declared actions (and the marketplace one as external)."""
    names = {a["name"] for a in doc["actions"]}
    if "bindings" in doc:
        entries = [
            {"action": n, "external": True} if n == "Fraud Shield" else n
            for n in dict.fromkeys(doc["bindings"]["post-login"])
            if n in names or n == "Fraud Shield"
        ]
        doc["bindings"] = {"post-login": entries}
    return doc


valid_doc = st.fixed_dictionaries(
    {"actions": st.lists(valid_action, max_size=3, unique_by=lambda a: a["name"])},
    optional={
        "bindings": st.fixed_dictionaries(
            {"post-login": st.lists(st.sampled_from(["a", "b", "c", "Fraud Shield"]), max_size=3)}
        ),
        "settings": st.fixed_dictionaries({"prune": st.booleans()}),
    },
).map(_consistent)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        yield from _paths(value, (*prefix, key))


@st.composite
def near_valid(draw: st.DrawFn) -> Any:
    """A valid manifest with zero to two leaves replaced by anything at all."""
    data = copy.deepcopy(draw(valid_doc))  # st.just() values are shared: never mutate them
    for _ in range(draw(st.integers(0, 2))):
        path = draw(st.sampled_from(list(_paths(data))[1:]))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = draw(weird)
    return data


YAML_TRICKS = [
    "",  # plain
    "\ufeff",  # a byte-order mark
    "%YAML 1.1\n---\n",
    "x: &a [1, 2]\ny: *a\n",  # anchors and aliases
    "base: &b {prune: true}\nsettings:\n  <<: *b\n",  # a merge key
    "actions: !!python/object/apply:os.system ['true']\n",  # an unsafe tag
    "actions: !custom {}\n",
    "a: &a [*a]\n",  # a recursive alias
    "--- {}\n--- {}\n",  # two documents
    "a: " + "[" * 200 + "]" * 200 + "\n",  # deep nesting
    "\x00\x01",
]


@st.composite
def manifest_trees(draw: st.DrawFn) -> list[tuple[str, bytes]]:
    """One to three manifest files (plus YAML tricks and byte damage)."""
    files = []
    for index in range(draw(st.sampled_from([1, 1, 2, 3]))):
        doc = draw(st.one_of(manifest_doc, near_valid()))
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        trick = draw(st.sampled_from(YAML_TRICKS))
        if trick and draw(st.booleans()):
            text = trick + text if trick.startswith(("\ufeff", "%")) else text + trick
        data = text.encode("utf-8")
        if draw(st.integers(0, 9)) == 0:
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(max_size=8)) + data[at + 1 :]
        files.append((f"m{index}.yaml" if index != 2 else "deep/m.yml", data))
    return files


@pytest.mark.slow
@FUZZ
@given(manifest_trees(), st.booleans())
def test_loader_on_generated_manifests_only_raises_manifest_error(
    files: list[tuple[str, bytes]], resolve: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        (root / "sub").mkdir(parents=True)
        (root / "a.js").write_text("exports.onExecutePostLogin = async () => {};\n")
        (root / "sub" / "b.js").write_text("exports.onExecuteCredentialsExchange = async () => {};")
        (Path(tmp) / "outside.js").write_text("exports.onExecutePostLogin = async () => {};\n")
        os.symlink(Path(tmp) / "outside.js", root / "link.js")
        for name, data in files:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        problems = []
        try:
            state = load_manifests(root, resolve=resolve, env={"X": "value-1"}, node_check=False)
        except ManifestError as exc:
            problems = exc.problems
            event(f"refused ({'several' if len(problems) > 1 else 'one'})")
        else:
            event(f"loaded {len(state.actions)} actions")
            assert len(state.digest) == 64
            return
        assert problems
        for problem in problems:
            assert problem.line >= 1
            assert problem.column >= 1
            assert problem.message
            assert "value-1" not in problem.message


# ---------------------------------------------------------------------------- API responses


class Script:
    """What the fake tenant answers next, per endpoint: (status, content type, body bytes)."""

    def __init__(self) -> None:
        self.replies: dict[str, tuple[int, str, bytes]] = {}

    def reply(self, key: str) -> tuple[int, str, bytes] | None:
        return self.replies.get(key)


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            return

        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            self.rfile.read(length)
            path = self.path.split("?")[0]
            if path == "/oauth/token":
                key = "token"
            elif path == "/api/v2/actions/triggers":
                key = "triggers"
            elif path == "/api/v2/actions/actions":
                key = "actions"
            elif path.startswith("/api/v2/actions/triggers/") and path.endswith("/bindings"):
                key = "bindings"
            else:
                key = "other"
            found = script.reply(key)
            if found is None:
                self.close_connection = True  # a dropped connection: no answer at all
                return
            status, content_type, body = found
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PATCH = _answer  # noqa: N815 - the stdlib's naming

    return Handler


@pytest.fixture(scope="module")
def fake_tenant() -> Iterator[tuple[str, Script]]:
    script = Script()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", script
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def desired() -> Iterator[DesiredState]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "actions"
        shutil.copytree(EXAMPLES, root)
        yield load_manifests(root, resolve=True, env=env_values(), node_check=False)


def trailer_code(meta: Any) -> str:
    return "exports.onExecutePostLogin = async () => {};\n" + PREFIX + json.dumps(meta) + "\n"


dependency = st.fixed_dictionaries({"name": maybe(st.text(max_size=8)), "version": weird})
secret = st.fixed_dictionaries({"name": maybe(st.text(max_size=8))}, optional={"updated_at": weird})
trigger_ref = st.fixed_dictionaries(
    {"id": maybe(st.sampled_from(TRIGGERS)), "version": maybe(st.sampled_from(["v2", "v3"]))}
)
codes = st.one_of(
    st.text(max_size=40),
    st.builds(
        trailer_code,
        st.one_of(
            weird,
            st.fixed_dictionaries(
                {
                    "v": maybe(st.just(1)),
                    "secrets": maybe(st.sampled_from(["", "pbkdf2-sha256$1$"])),
                },
                optional={"code": weird, "protect": weird, "nl": weird},
            ),
        ),
    ),
)
version = st.fixed_dictionaries(
    {"id": maybe(st.text(min_size=1, max_size=8))},
    optional={
        "number": weird,
        "code": maybe(codes),
        "runtime": weird,
        "dependencies": maybe(st.lists(dependency, max_size=2)),
        "secrets": maybe(st.lists(secret, max_size=2)),
        "status": maybe(st.sampled_from(["BUILT", "built", "failed", "pending"])),
        "deployed": weird,
        "errors": maybe(st.lists(st.dictionaries(st.sampled_from(["id", "msg"]), weird))),
    },
)
action = st.fixed_dictionaries(
    {
        "id": maybe(st.sampled_from(["id-1", "id-2", "id-3", ""]), 30),
        "name": maybe(st.sampled_from(["enrich-token", "m2m-quota", "Fraud Shield", "x", ""]), 30),
    },
    optional={
        "supported_triggers": maybe(st.lists(maybe(trigger_ref), max_size=2)),
        "code": maybe(codes),
        "runtime": maybe(st.sampled_from(["node22", "node18-actions"])),
        "dependencies": maybe(st.lists(maybe(dependency), max_size=3)),
        "secrets": maybe(st.lists(maybe(secret), max_size=3)),
        "status": weird,
        "deployed_version": maybe(version),
        "all_changes_deployed": weird,
        "integration": weird,
        "installed_integration_id": weird,
        "updated_at": weird,
    },
)
trigger = st.fixed_dictionaries(
    {"id": maybe(st.sampled_from(TRIGGERS)), "version": maybe(st.sampled_from(["v1", "v2", "v3"]))},
    optional={
        "status": maybe(st.sampled_from(["CURRENT", "DEPRECATED"])),
        "runtimes": maybe(st.lists(maybe(st.sampled_from(["node22", "node18-actions"])))),
        "default_runtime": weird,
        "binding_policy": maybe(st.sampled_from(["trigger-bound", "entity-bound"])),
        "compatible_triggers": maybe(st.lists(maybe(trigger_ref), max_size=2)),
    },
)
binding = st.fixed_dictionaries(
    {},
    optional={
        "id": weird,
        "display_name": maybe(st.text(max_size=10)),
        "action": maybe(st.fixed_dictionaries({"id": weird, "name": weird})),
    },
)


def page(key: str, items: st.SearchStrategy[Any], least: int = 0) -> st.SearchStrategy[Any]:
    body = st.fixed_dictionaries(
        {key: maybe(st.lists(maybe(items, 40), min_size=least, max_size=5), 20)},
        optional={"total": weird, "page": weird, "per_page": weird},
    )
    return mostly(body, weird, 10)


def encoded(value: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """JSON of the value, or raw garbage: truncated, not UTF-8, deeply nested, huge."""
    garbage = st.one_of(
        value.map(lambda v: json.dumps(v).encode()[:-3]),
        st.binary(max_size=64),
        st.just(b"[" * 100_000 + b"]" * 100_000),
        st.just(b'{"actions": [{"id": "a", "name": "' + b"x" * 3_000_000 + b'"}]}'),
        st.just(b"<html>502 Bad Gateway</html>"),
        st.just(b"\xff\xfe{}"),
        st.just(b""),
    )
    return mostly(value.map(lambda v: json.dumps(v).encode()), garbage, 8)


def replies(value: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[int, str, bytes] | None]:
    """Mostly a 200 (so that later stages are reached), else any status or no answer."""
    ok = st.tuples(st.just(200), st.just("application/json"), encoded(value))
    status = st.sampled_from([201, 204, 302, 400, 401, 403, 404, 409, 429, 500, 503])
    content_type = st.sampled_from(["application/json", "text/html", ""])
    other = st.tuples(status, content_type, encoded(value))
    return mostly(ok, st.one_of(other, st.none()), 8)  # None: a dropped connection


token = st.fixed_dictionaries(
    {"access_token": st.just("tok-123"), "expires_in": st.just(86400)},
    optional={"token_type": weird, "scope": weird},
)


@pytest.mark.slow
@FUZZ
@given(
    replies(token),
    replies(st.fixed_dictionaries({"triggers": maybe(st.lists(maybe(trigger, 40), max_size=6))})),
    replies(page("actions", action, 1)),
    replies(page("bindings", binding)),
)
def test_read_live_on_any_response_raises_only_reconciler_errors(
    fake_tenant: tuple[str, Script],
    desired: DesiredState,
    token_reply: tuple[int, str, bytes] | None,
    triggers_reply: tuple[int, str, bytes] | None,
    actions_reply: tuple[int, str, bytes] | None,
    bindings_reply: tuple[int, str, bytes] | None,
) -> None:
    url, script = fake_tenant
    script.replies = {
        key: value
        for key, value in {
            "token": token_reply,
            "triggers": triggers_reply,
            "actions": actions_reply,
            "bindings": bindings_reply,
        }.items()
        if value is not None
    }
    client = Auth0Client(
        url,
        Credentials(client_id="fuzz-client", client_secret="fuzz-secret-value"),  # noqa: S106
        rate_limit=1000.0,
        max_tries=2,
        backoff=(0.0, 0.0),
        sleep=lambda _: None,
        timeout=(2.0, 5.0),
    )
    try:
        live = read_live(
            client, tenant="fuzz", owned_triggers=["post-login", "credentials-exchange"]
        )
        event(f"read {min(len(live.actions), 3)}+ actions")
        make_plan(desired, live, options=PlanOptions(iterations=1))
        event("planned")
    except ReconcilerError as exc:
        text = str(exc)
        event(f"{type(exc).__name__}: {text[:110]}")
        assert text
        assert "fuzz-secret-value" not in text
        assert "tok-123" not in text
    finally:
        client.close()
