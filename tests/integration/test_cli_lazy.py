"""`reconciler --help`, `validate` and `plan` import only what they use (issue 16)."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.cli import LAZY_COMMANDS, cli

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("deepdiff", "werkzeug", "cryptography", "jsonschema", "requests", "reconciler.emulator")


def test_the_help_summaries_are_the_commands_own() -> None:
    for name, (module, summary) in LAZY_COMMANDS.items():
        command = importlib.import_module(f"reconciler.commands.{module}").command
        assert command.name == name
        first = inspect.cleandoc(command.help or "").split("\n\n")[0]
        assert " ".join(first.split()) == summary, name


def loaded_after(code: str) -> list[str]:
    probe = (
        "import sys, json\n"
        f"{code}\n"
        f"heavy = {HEAVY!r}\n"
        "print(json.dumps(sorted(h for h in heavy if h in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import reconciler.cli", []),
        ("from reconciler.cli import run\nrun(['--help'])", []),
        ("from reconciler.cli import run\nrun(['validate', 'examples/actions'])", ["jsonschema"]),
        # plan and apply load the client only: their tenant read starts before the loader
        # (jsonschema) and the planner are imported (reconciler.features.ahead)
        ("import reconciler.commands.plan", ["requests"]),
        ("import reconciler.commands.apply", ["requests"]),
    ],
    ids=["import", "help", "validate", "plan", "apply"],
)
def test_cheap_commands_do_not_load_the_heavy_modules(code: str, expected: list[str]) -> None:
    assert loaded_after(code) == expected


def test_every_command_is_still_reachable() -> None:
    ctx = cli.make_context("reconciler", ["validate", "--help"], resilient_parsing=True)
    assert sorted(cli.list_commands(ctx)) == sorted(LAZY_COMMANDS)
    for name in LAZY_COMMANDS:
        assert cli.get_command(ctx, name) is not None
    assert cli.get_command(ctx, "no-such-command") is None
