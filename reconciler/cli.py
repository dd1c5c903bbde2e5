"""The command line: a thin translator from flags to core calls, and the one error handler.

Exit codes (DESIGN.md): 0 ok / no changes, 1 error (also click usage errors), 2 changes present
(`plan --detailed-exitcode`), 3 blocked by a guard, 70 a bug in reconciler (crash report written),
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

import click

from reconciler import __version__
from reconciler.commands import output
from reconciler.core.errors import ReconcilerError
from reconciler.core.exitcodes import ExitCode

#: command name -> (module, the first paragraph of its help), so that `--help` and each command
#: import only what they use (tests/integration/test_cli_lazy.py keeps these equal to the
#: commands' own help)
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "validate",
        "Validate the manifests under ROOT (default: root: in ./reconciler.yaml, else the "
        "current directory).",
    ),
    "plan": (
        "plan",
        "Show what apply would change in the tenant, without changing anything.",
    ),
    "apply": ("apply", "Make the tenant match the manifests."),
    "rollback": (
        "rollback",
        "Redeploy an earlier immutable version of an action (its draft follows).",
    ),
    "export": (
        "export",
        "Write manifests, code files and a .env.example for every custom action, every Actions "
        "Module and every trigger binding list of the tenant.",
    ),
    "test": (
        "test_action",
        "Run action NAME with the event in FILE and print the commands it issued, in order.",
    ),
    "import-deploy-cli": (
        "import_deploy_cli",
        "Convert the actions and trigger bindings of an auth0-deploy-cli export (a tenant.yaml, "
        "or the root of a directory export) into reconciler manifests.",
    ),
    "emulator": (
        "emulator",
        "A local stand-in for the Auth0 Management API (Actions). It is not Auth0.",
    ),
}


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs or shows its own help."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*LAZY_COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            module = importlib.import_module(f"reconciler.commands.{LAZY_COMMANDS[cmd_name][0]}")
            self.add_command(module.command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(n) for n in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            loaded = self.commands.get(name)
            if loaded is None:
                loaded = click.Command(name, help=LAZY_COMMANDS[name][1])
            text = loaded.get_short_help_str(limit)
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


EPILOG = """\b
Examples:
  reconciler validate examples/actions
  reconciler plan examples/actions --tenant local --var-file examples/actions/.env.example
  reconciler apply examples/actions --tenant local \\
      --var-file examples/actions/.env.example --auto-approve

\b
Exit codes: 0 ok, 1 error, 2 changes (plan --detailed-exitcode),
  3 blocked by a guard, 70 a bug (crash report written), 130 interrupted (Ctrl-C).
"""


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconciler")
@click.option(
    "--color/--no-color",
    default=None,
    help="Force colour on or off. Default: NO_COLOR set -> off, else FORCE_COLOR set -> on, "
    "else colour only on a terminal.",
)
@click.option(
    "--traceback", is_flag=True, hidden=True, help="Re-raise unexpected errors (debugging)."
)
@click.pass_context
def cli(ctx: click.Context, color: bool | None, traceback: bool) -> None:
    """Declarative GitOps for Auth0 Actions: validate, plan, apply."""
    ctx.ensure_object(dict)
    ctx.obj["traceback"] = traceback
    output.set_color(color)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit code; never raises for expected errors."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run(args)
    finally:
        output.set_color(None)  # --color/--no-color (set by the group callback) is per run


def _run(args: list[str]) -> int:
    want_traceback = "--traceback" in args or os.environ.get("RECONCILER_TRACEBACK") == "1"
    try:
        result = cli.main(args=args, prog_name="reconciler", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        output.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return int(ExitCode.OK)
    except click.UsageError as exc:
        # click exits 2 on usage errors; 2 means "changes present" here, so map it to 1.
        hint = ""
        if exc.ctx is not None:
            hint = f"\nTry '{exc.ctx.command_path} --help' for help."
        output.echo(f"reconciler: usage error: {exc.format_message()}{hint}", err=True)
        return int(ExitCode.ERROR)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # click already ended the line
            output.error("interrupted")
            return int(ExitCode.INTERRUPTED)
        output.error("aborted")
        return int(ExitCode.ERROR)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        output.error(exc.format_message())
        return int(ExitCode.ERROR)
    except ReconcilerError as exc:
        if want_traceback:
            raise
        output.error(str(exc))
        return int(exc.exit_code)
    except KeyboardInterrupt:
        output.echo(err=True)  # end the line ^C was typed on
        output.error("interrupted")
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # a bug: one line naming the crash report, never a traceback
        if want_traceback:
            raise
        from reconciler.commands import crash  # only on this path, so a run never pays for it

        output.error(crash.bug_line(exc, crash.write_report(exc, args)))
        return int(ExitCode.BUG)
    if result is None:
        return int(ExitCode.OK)
    return int(result)


def main() -> None:
    try:
        code = run()
    except KeyboardInterrupt:  # Ctrl-C outside the handler in run() (e.g. while re-raising)
        code = int(ExitCode.INTERRUPTED)
    exit_now(code)


def exit_now(code: int) -> None:
    """End the process without the interpreter's teardown, which tore down every module and
    object of a run for ~0.09 s (issue 16: a tenth of a no-change plan). Nothing is lost: the
    run has returned, so its files, journals and servers were closed by their `with` blocks,
    reconciler registers no atexit handler, and a read abandoned on an error has nothing left
    to deliver. The streams are flushed here; a reader that went away (`| head`) keeps its
    exit code instead of Python's "Exception ignored" line."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, a closed stream
            stream.flush()
    os._exit(code)
