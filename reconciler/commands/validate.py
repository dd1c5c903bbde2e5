"""`reconciler validate [ROOT]`: check the manifests offline and say so in one line."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.commands import output
from reconciler.commands.common import manifest_root
from reconciler.core.errors import ManifestError, Problem
from reconciler.core.exitcodes import ExitCode
from reconciler.features.environments import load_environments
from reconciler.features.rootdir import DefaultRoot
from reconciler.manifest import load_manifests
from reconciler.manifest.deferred import settle_with
from reconciler.manifest.exported import matches, read_record

EPILOG = """\b
Examples:
  reconciler validate examples/actions
  reconciler validate . --resolve --var-file prod.env
"""


@click.command(name="validate", epilog=EPILOG)
@click.argument("root", required=False, default=None)
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
def command(root: str | None, resolve: bool, var_files: tuple[Path, ...]) -> int:
    """Validate the manifests under ROOT (default: root: in ./reconciler.yaml, else the
    current directory).

    Without ROOT, YAML files in the current directory that are clearly not manifests are skipped.

    Checks the YAML against the JSON Schema, the code files (of actions and modules), the tenant
    limits, the module references, the trigger
    catalogue, the handler each trigger calls, and `node --check` when node is on PATH.
    Reports every problem of every file, then exits 1. A content lint (runtime no longer
    offered, handler export, node --check) on an action still exactly as `reconciler export`
    wrote it (.exported-content.json) is a warning: the tenant already runs it.
    """
    notices: list[str] = []
    root = manifest_root(root)
    problems = _config_problems(Path(root))
    try:
        state = load_manifests(
            root,
            resolve=resolve,
            var_files=var_files,
            notices=notices,
            skip_foreign=isinstance(root, DefaultRoot),
            defer_lints=True,
        )
    except ManifestError as exc:
        raise ManifestError([*exc.problems, *problems]) from None
    finally:
        for line in notices:
            output.notice(line)
    if problems:
        raise ManifestError(problems)
    record, note = read_record(Path(root))
    if note:
        output.notice(note)
    why = "unchanged since `reconciler export` read it from the tenant"
    for warning in settle_with(state, lambda a: matches(record, a), why):
        output.warn(warning)
    triggers = len(state.bindings)
    actions = len(state.actions)
    modules = len(state.modules)
    used = f"{modules} module{'s' * (modules != 1)}, " if modules else ""
    output.echo(
        f"{root}: valid ({actions} action{'s' * (actions != 1)}, {used}"
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
