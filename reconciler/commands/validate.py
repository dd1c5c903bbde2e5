"""`reconciler validate [ROOT]`: check the manifests offline and say so in one line."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler import output
from reconciler.environments import load_environments
from reconciler.errors import ManifestError, Problem
from reconciler.exitcodes import ExitCode
from reconciler.manifest import load_manifests

EPILOG = """\b
Examples:
  reconciler validate examples/actions
  reconciler validate . --resolve --var-file prod.env
"""


@click.command(name="validate", epilog=EPILOG)
@click.argument("root", default=".", type=click.Path(path_type=Path))
@click.option(
    "--resolve",
    is_flag=True,
    help="Also read every ${VAR} from the environment and --var-file (a missing one is an error).",
)
@click.option(
    "--var-file",
    "var_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="dotenv file (KEY=value) with variables for --resolve; overrides the environment, "
    "later files win. Repeatable.",
)
def command(root: Path, resolve: bool, var_files: tuple[Path, ...]) -> int:
    """Validate the manifests under ROOT (default: the current directory).

    Checks the YAML against the JSON Schema, the code files, the tenant limits, the trigger
    catalogue, the handler each trigger calls, and `node --check` when node is on PATH.
    Reports every problem of every file, then exits 1.
    """
    notices: list[str] = []
    problems = _config_problems(root)
    try:
        state = load_manifests(root, resolve=resolve, var_files=var_files, notices=notices)
    except ManifestError as exc:
        raise ManifestError([*exc.problems, *problems]) from None
    finally:
        for line in notices:
            output.notice(line)
    if problems:
        raise ManifestError(problems)
    triggers = len(state.bindings)
    actions = len(state.actions)
    output.echo(
        f"{root}: valid ({actions} action{'s' * (actions != 1)}, "
        f"{triggers} trigger{'s' * (triggers != 1)} bound)"
    )
    return int(ExitCode.OK)


def _config_problems(root: Path) -> list[Problem]:
    """The problems of `reconciler.yaml` at the root (none without the file), located like
    manifest problems, so one run reports the manifests' and the config file's together."""
    try:
        load_environments(root)
    except ManifestError as exc:
        return list(exc.problems)
    return []
