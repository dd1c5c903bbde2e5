"""`tests:` cases in the manifests and `reconciler test --all`, which runs them locally in Node:
it passes on the examples, fails with a diff on a wrong expectation, and the loader reports a
bad case at its place. Also the npm path: a dependency installed once from a registry (a local
one here, on loopback) into the cache, then required by the code."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import tarfile
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reconciler.core.model import Dependency
from reconciler.features.localrun import npm
from reconciler.features.localrun.runner import Job, run
from tests.support import EXAMPLES

Cli = Callable[..., tuple[int, str, str]]


def test_all_passes_on_the_examples(run_cli: Cli) -> None:
    code, out, err = run_cli("test", "--all", "--root", str(EXAMPLES))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "ok   signup-domain-allowlist: a work address signs up (signup.yaml:10:9)",
        "ok   signup-domain-allowlist: any other address is refused (signup.yaml:13:9)",
        "2 test cases passed",
    ]


def test_all_fails_on_a_wrong_expectation_with_a_diff(run_cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "actions"
    shutil.copytree(EXAMPLES, root)
    manifest = root / "signup.yaml"
    manifest.write_text(manifest.read_text().replace("Please sign up", "Kindly sign up"))
    code, out, err = run_cli("test", "--all", "--root", str(root))
    assert code == 1
    assert err == "reconciler: error: 1 of 2 test cases failed\n"
    lines = out.splitlines()
    assert lines[0].startswith("ok   signup-domain-allowlist: a work address signs up")
    assert lines[1] == (
        "FAIL signup-domain-allowlist: any other address is refused (signup.yaml:13:9)"
    )
    assert "     --- expected" in lines
    assert "     +++ actual" in lines
    assert (
        '     -access.deny("domain_not_allowed", "Kindly sign up with your work e-mail address.")'
    ) in lines
    assert (
        '     +access.deny("domain_not_allowed", "Please sign up with your work e-mail address.")'
    ) in lines


MANIFEST = """actions:
  - name: a
    trigger: post-login
    code: a.js
    tests:
{cases}
"""


def root_with(tmp_path: Path, cases: str, code: str) -> Path:
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.js").write_text(code)
    (root / "no-user.json").write_text("{}")
    (root / "user.event.yaml").write_text("user:\n  id: u1\n")
    (root / "actions.yaml").write_text(MANIFEST.format(cases=cases))
    return root


def test_expected_errors_and_no_commands(run_cli: Cli, tmp_path: Path) -> None:
    cases = (
        "      - payload: no-user.json\n"
        '        error: {name: TypeError, message: "Cannot read properties of undefined '
        "(reading 'id')\"}\n"
        "      - payload: user.event.yaml\n        commands: []\n"
        "      - payload: user.event.yaml\n        error: {name: Error, message: nope}\n"
    )
    root = root_with(tmp_path, cases, "exports.onExecutePostLogin = async () => {};\n")
    code, out, _ = run_cli("test", "--all", "--root", str(root))
    assert code == 1
    assert out.splitlines()[:2] == [
        "ok   a: no-user.json (actions.yaml:6:9)",
        "ok   a: user.event.yaml (actions.yaml:8:9)",
    ]
    assert "     -error Error: nope" in out.splitlines()
    assert "     +(no commands)" in out.splitlines()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "      - payload: user.event.yaml\n",
            "actions.yaml:6:9: actions[0].tests[0]: a test case expects either commands or an "
            "error (exactly one of the two)",
        ),
        (
            "      - payload: gone.json\n        commands: []\n",
            "actions.yaml:6:18: actions[0].tests[0].payload: payload file 'gone.json' does not "
            "exist",
        ),
        (
            "      - payload: user.event.yaml\n        commands: [{access.deny: blocked}]\n",
            "actions.yaml:7:34: actions[0].tests[0].commands[0].access.deny: expected a list",
        ),
    ],
)
def test_a_bad_case_is_reported_at_its_place(
    run_cli: Cli, tmp_path: Path, case: str, message: str
) -> None:
    root = root_with(tmp_path, case, "exports.onExecutePostLogin = async () => {};\n")
    code, out, err = run_cli("test", "--all", "--root", str(root))
    assert (code, out) == (1, "")
    assert err.startswith(f"reconciler: error: {message}")
    code, _, err = run_cli("validate", str(root))
    assert code == 1
    assert message in err


def test_all_refuses_a_name_or_a_tenant(run_cli: Cli) -> None:
    code, _, err = run_cli("test", "a", "--all")
    assert (code, err) == (
        1,
        "reconciler: error: --all runs every test case; drop NAME and --payload\n",
    )
    code, _, err = run_cli("test", "--all", "--tenant", "local")
    assert (code, err) == (
        1,
        "reconciler: error: --all runs the test cases locally; drop --tenant\n",
    )
    code, _, err = run_cli("test", "a")
    assert (code, err) == (1, "reconciler: error: give NAME and --payload FILE, or --all\n")


def _tarball() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        files = {
            "package/package.json": json.dumps(
                {"name": "tiny-shout", "version": "1.2.3", "main": "index.js"}
            ),
            "package/index.js": "module.exports = (s) => String(s).toUpperCase() + '!';\n",
        }
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.fixture
def registry() -> Iterator[tuple[str, list[str]]]:
    """A one-package npm registry on loopback; yields its URL and the paths requested."""
    tgz = _tarball()
    seen: list[str] = []
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path.endswith(".tgz"):
                body, kind = tgz, "application/octet-stream"
            elif self.path.strip("/") == "tiny-shout":
                dist = {
                    "tarball": f"{base}/tiny-shout/-/tiny-shout-1.2.3.tgz",
                    "shasum": hashlib.sha1(tgz, usedforsecurity=False).hexdigest(),
                    "integrity": integrity,
                }
                doc = {"name": "tiny-shout", "dist-tags": {"latest": "1.2.3"},
                       "versions": {"1.2.3": {"name": "tiny-shout", "version": "1.2.3",
                                              "dist": dist}}}  # fmt: skip
                body, kind = json.dumps(doc).encode(), "application/json"
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not on PATH")
def test_npm_dependencies_are_installed_once_into_the_cache(
    registry: tuple[str, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = registry
    monkeypatch.setenv("RECONCILER_NPM_REGISTRY", url)
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "npm-home"))
    code = (
        "const shout = require('tiny-shout');\n"
        "exports.onExecutePostLogin = async (event, api) => { api.access.deny(shout('no')); };\n"
    )
    deps = (Dependency("tiny-shout", "1.2.3"),)
    job = Job("d", "post-login", code, {"user": {"id": "u"}}, dependencies=deps,
              cache_root=tmp_path / "cache")  # fmt: skip
    for _ in range(2):
        reply = run(job)
        assert reply["payload"]["commands"] == [{"name": "access.deny", "args": ["NO!"]}]
    assert len([p for p in seen if p.endswith(".tgz")]) == 1  # the second run used the cache
    assert (tmp_path / "cache" / npm.cache_key(deps) / "node_modules" / "tiny-shout").is_dir()
    unused = Job("d", "post-login", "exports.onExecutePostLogin = async () => {};\n",
                 {"user": {"id": "u"}}, dependencies=(Dependency("never-there", "1.0.0"),),
                 cache_root=tmp_path / "cache")  # fmt: skip
    assert "error" not in run(unused)["payload"]  # not required by the code: not installed
