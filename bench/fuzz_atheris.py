"""Coverage-guided fuzzing with atheris (optional; not run in CI): the manifest loader on raw
bytes, and the client's parsing of API responses (status + body for the token, triggers,
actions and bindings calls) through the real client, live snapshot and planner.

Only ManifestError / ReconcilerError may escape; anything else is a crash atheris reports
(with the input saved as crash-*). The hypothesis tests in tests/proof/test_fuzz.py cover the
same surface in CI.

    pip install atheris
    python bench/fuzz_atheris.py -runs=200000            # both targets
    python bench/fuzz_atheris.py -max_total_time=600 corpus/
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import atheris

with atheris.instrument_imports():
    from reconciler.auth0 import transport
    from reconciler.auth0.client import Auth0Client
    from reconciler.auth0.live_read import read_live
    from reconciler.auth0.token import Credentials
    from reconciler.core.errors import ManifestError, ReconcilerError
    from reconciler.core.model import DesiredState
    from reconciler.manifest import load_manifests
    from reconciler.plan import PlanOptions, make_plan

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "actions"
ENDPOINTS = ("token", "triggers", "actions", "bindings")
STATUSES = (200, 200, 200, 200, 201, 204, 302, 400, 401, 403, 404, 409, 429, 500, 503)
# libFuzzer ends the process with exit(), past any cleanup: one fixed scratch directory,
# emptied at every start, instead of a new temporary one per run
WORK = Path(tempfile.gettempdir()) / "reconciler-atheris"
ROOT = WORK / "root"


def _env() -> dict[str, str]:
    values = {}
    for line in (EXAMPLES / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def _setup() -> DesiredState:
    shutil.rmtree(WORK, ignore_errors=True)
    ROOT.mkdir(parents=True)
    (ROOT / "a.js").write_text("exports.onExecutePostLogin = async () => {};\n")
    examples = WORK / "examples"
    shutil.copytree(EXAMPLES, examples)
    return load_manifests(examples, resolve=True, env=_env(), node_check=False)


DESIRED = _setup()


def fuzz_loader(data: bytes) -> None:
    (ROOT / "m.yaml").write_bytes(data)
    with contextlib.suppress(ManifestError):
        load_manifests(ROOT, resolve=True, env={"X": "value"}, node_check=False)


def _endpoint(path: str) -> str:
    if path == "/oauth/token":
        return "token"
    if path.endswith("/bindings"):
        return "bindings"
    return "triggers" if path.endswith("/triggers") else "actions"


def fuzz_api(fdp: Any) -> None:
    replies = {}
    for name in ENDPOINTS:
        status = STATUSES[fdp.ConsumeIntInRange(0, len(STATUSES) - 1)]
        replies[name] = (status, fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 4096)))
    client = Auth0Client(
        "http://127.0.0.1:9",
        Credentials(client_id="fuzz", client_secret="fuzz-secret"),  # noqa: S106
        max_tries=2,
        backoff=(0.0, 0.0),
        sleep=lambda _: None,
    )

    def send(method: str, path: str, **_: Any) -> transport.Reply:
        status, body = replies[_endpoint(path)]
        payload, problem = transport._parse(body, "application/json", False)  # noqa: SLF001
        return transport.Reply(status, {}, payload, problem, 0.0)

    client.engine.transport.send = send  # type: ignore[method-assign]
    try:
        live = read_live(client, tenant="fuzz", owned_triggers=["post-login"])
        make_plan(DESIRED, live, options=PlanOptions(iterations=1))
    except ReconcilerError:
        pass
    finally:
        client.close()


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    if fdp.ConsumeBool():
        fuzz_loader(fdp.ConsumeBytes(fdp.remaining_bytes()))
    else:
        fuzz_api(fdp)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
