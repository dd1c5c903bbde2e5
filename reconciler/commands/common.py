"""Options shared by the commands that read manifests and plan (validate, plan, apply)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from reconciler.commands import output
from reconciler.core.digests import key_from_env
from reconciler.plan.options import PlanOptions

F = TypeVar("F", bound=Callable[..., Any])


def root_argument(func: F) -> F:
    """ROOT, optional: the command resolves None with `manifest_root`."""
    return click.argument(
        "root",
        required=False,
        default=None,
        type=click.Path(exists=True, file_okay=True, dir_okay=True),
    )(func)


def manifest_root(given: str | None) -> str:
    """ROOT, else `root:` of ./reconciler.yaml, else the current directory when it holds
    manifests (naming the YAML files skipped as not manifests)."""
    if given is not None:  # without importing the loader: `apply` reads the tenant first
        return given
    from reconciler.features.rootdir import resolve_root

    root, warning = resolve_root(given)
    if warning:
        output.warn(warning)
    return root


def out_options(func: F) -> F:
    """--out DIR and --force, for the commands that write a manifest tree."""
    func = click.option(
        "--force", is_flag=True, help="Write into a non-empty DIR, overwriting the files it writes."
    )(func)
    return click.option(
        "--out",
        required=True,
        metavar="DIR",
        type=click.Path(path_type=Path),
        help="Directory to write (created; must be empty unless --force).",
    )(func)


def var_file_option(func: F) -> F:
    return click.option(
        "--var-file",
        "var_files",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False),
        help="dotenv file with values for ${VAR} references (repeatable; later files win).",
    )(func)


def plan_options(func: F) -> F:
    """--target, --allow-delete, --max-deletes -> the command receives `plan_opts`."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        options = PlanOptions(
            allow_delete=kwargs.pop("allow_delete"),
            max_deletes=kwargs.pop("max_deletes"),
            targets=tuple(kwargs.pop("targets")),
            digest_key=key_from_env(),
        )
        return func(*args, plan_opts=options, **kwargs)

    decorated: Callable[..., Any] = wrapper
    for decorate in reversed(
        [
            click.option(
                "--target",
                "targets",
                multiple=True,
                metavar="NAME",
                help="Plan only this action (repeatable) and the triggers binding it.",
            ),
            click.option(
                "--allow-delete",
                is_flag=True,
                help="Delete managed actions that left the manifests (also settings.prune).",
            ),
            click.option(
                "--max-deletes",
                type=click.IntRange(min=0),
                default=None,
                metavar="N",
                help="Block the plan (exit 3) when it would delete more than N actions.",
            ),
        ]
    ):
        decorated = decorate(decorated)
    return decorated  # type: ignore[return-value]
