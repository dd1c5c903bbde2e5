"""Every `reconciler ...` command line in the README and the CI examples parses with the real
CLI and runs, in document order, against emulator tenants (never `--help`-level only).

A sandbox holds `examples/actions` and `actions` (copies of the examples, the latter with a
reconciler.yaml naming two emulator environments); commands without a ROOT argument run inside
`actions`. `emulator serve` blocks, so it is parsed only.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from reconciler.cli import cli, run
from reconciler.emulator import Emulator, EmulatorConfig, start_emulator
from tests.support import EXAMPLES, FRAUD_SHIELD, env_values

REPO = Path(__file__).resolve().parents[2]
FAST = {"build_seconds": 0.05, "rate_limit": 1000.0, "burst": 1000}
SEPARATORS = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")


def segments(line: str) -> list[list[str]]:
    """The `reconciler` invocations of one shell line, redirections dropped."""
    out = []
    for part in SEPARATORS.split(line):
        try:
            words = shlex.split(part, comments=True)
        except ValueError:
            continue
        if words[:1] != ["reconciler"]:
            continue
        argv: list[str] = []
        skip = False
        for word in words[1:]:
            if skip:
                skip = False
                continue
            if word in (">", ">>", "<", "2>"):
                skip = True
                continue
            if word.startswith((">", "<", "2>")):
                continue
            argv.append(word)
        out.append(argv)
    return out


def readme_commands() -> list[list[str]]:
    text = (REPO / "README.md").read_text()
    found: list[list[str]] = []
    for block in re.findall(r"```(?:sh|bash|console)\n(.*?)```", text, re.S):
        for line in block.splitlines():
            found += segments(line)
    return found


def _strings(node: Any, key: str | None = None) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, str(k))
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item, key)
    elif isinstance(node, str) and key in ("run", "script"):
        yield node


def workflow_commands(name: str) -> list[list[str]]:
    data = yaml.safe_load((REPO / "examples" / "ci" / name).read_text())
    found: list[list[str]] = []
    for text in _strings(data):
        for line in text.splitlines():
            found += segments(line)
    return found


def _rest(ctx: click.Context) -> list[str]:
    with warnings.catch_warnings():  # click 8.2+ deprecates protected_args, still needed here
        warnings.simplefilter("ignore", DeprecationWarning)
        return [*ctx.protected_args, *ctx.args]


def parse_only(argv: list[str]) -> click.Context:
    """Resolve the subcommands and parse every option, as click would before running; returns
    the innermost command's context."""
    ctx = cli.make_context("reconciler", list(argv))
    command: click.Command = cli
    args = _rest(ctx)
    while isinstance(command, click.Group) and args:
        name, sub, args = command.resolve_command(ctx, args)
        assert sub is not None, argv
        ctx = sub.make_context(name or "", args, parent=ctx)
        command, args = sub, _rest(ctx)
    return ctx


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    with (
        start_emulator(EmulatorConfig(**FAST)) as main,
        start_emulator(EmulatorConfig(**FAST)) as staging,
        start_emulator(EmulatorConfig(**FAST)) as prod,
    ):
        for emu in (main, staging, prod):
            emu.seed([FRAUD_SHIELD])
        shutil.copytree(EXAMPLES, tmp_path / "examples" / "actions")
        shutil.copytree(EXAMPLES, tmp_path / "actions")
        (tmp_path / "actions" / "reconciler.yaml").write_text(
            "environments:\n"
            f"  staging:\n    domain: {staging.url}\n"
            f"  prod:\n    domain: {prod.url}\n"
        )
        fixture = REPO / "tests" / "ops" / "fixtures" / "deploy-cli-yaml"
        shutil.copytree(fixture, tmp_path / "deploy-cli-export")  # tenant.yaml + actions/
        payload = '{"user": {"user_id": "auth0|1"}}\n'
        (tmp_path / "payload.json").write_text(payload)
        (tmp_path / "actions" / "payload.json").write_text(payload)
        monkeypatch.setenv("AUTH0_DOMAIN", main.url)
        monkeypatch.setenv("AUTH0_CLIENT_ID", main.client_id)
        monkeypatch.setenv("AUTH0_CLIENT_SECRET", main.client_secret)
        for key, value in env_values().items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(tmp_path)
        yield {"root": tmp_path, "main": main}


def run_documented(argv: list[str], root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    ctx = parse_only(argv)
    if argv[:2] == ["emulator", "serve"]:
        return "parsed"
    # a command that reads manifests from the default ROOT runs inside a manifest root
    os.chdir(root / "actions" if ctx.params.get("root", "") in (None, ".") else root)
    capsys.readouterr()
    code = run(argv)
    out, err = capsys.readouterr()
    os.chdir(root)
    assert code in (0, 2), f"reconciler {shlex.join(argv)} -> exit {code}\n{out}\n{err}"
    assert "usage error" not in err
    assert "bug in reconciler" not in err
    return out


def prepare_history(main: Emulator, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two deployed versions of every example action, so documented rollbacks have a target."""
    argv = ["apply", "actions", "--auto-approve", "--rate-limit", "500"]
    assert run(argv) == 0
    for js in (root / "actions").rglob("*.js"):
        js.write_text(js.read_text() + "// v2\n")
    assert run(argv) == 0
    capsys.readouterr()


@pytest.mark.slow
def test_readme_commands_run(sandbox: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    commands = readme_commands()
    assert len(commands) >= 12
    prepare_history(sandbox["main"], sandbox["root"], capsys)
    for argv in commands:
        run_documented(argv, sandbox["root"], capsys)


# github-actions.yml runs reconciler through action.yml; tests/integration/test_ci_examples.py
# runs that action's shell step for each of the workflow's jobs.
@pytest.mark.parametrize("workflow", ["gitlab-ci.yml"])
def test_ci_workflow_commands_run(
    workflow: str, sandbox: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    commands = workflow_commands(workflow)
    assert ["apply", "actions", "--plan", "plan.json", "--journal", "apply-journal.jsonl"] in (
        commands
    )
    for argv in commands:
        run_documented(argv, sandbox["root"], capsys)
    # the saved plan was applied and the drift check that follows found nothing
    assert run(["plan", "actions", "--detailed-exitcode"]) == 0


def help_examples() -> list[list[str]]:
    """The `Examples:` lines of every command's --help (continuation lines joined)."""
    commands: list[click.Command] = [cli]
    found: list[list[str]] = []
    while commands:
        command = commands.pop()
        if isinstance(command, click.Group):  # through get_command: cli loads them lazily
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                commands += [c for c in [command.get_command(ctx, name)] if c is not None]
        text = (command.epilog or "").replace("\\\n", " ")
        for line in text.splitlines():
            found += segments(line.strip())
    return found


def test_help_examples_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsed in a folder holding the files the examples name (click checks they exist)."""
    shutil.copytree(EXAMPLES, tmp_path / "examples" / "actions")
    shutil.copytree(EXAMPLES, tmp_path / "actions")
    (tmp_path / "export").mkdir()
    for name in ("tenant.yaml", "event.json", "prod.env", "actions/.env"):
        (tmp_path / name).write_text("")
    monkeypatch.chdir(tmp_path)
    examples = help_examples()
    assert len(examples) >= 15
    for argv in examples:
        parse_only(argv)
