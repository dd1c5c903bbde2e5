"""Which tenant(s) a command runs against: the --tenant options, or environments (--env).

A Target is one tenant with its credentials' source and its variable files. Without --env there
is exactly one, built from the flags and the process environment, as before environments existed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from reconciler.auth0.tenant import TenantSession
from reconciler.commands.options import TenantArgs, open_from_args

if TYPE_CHECKING:
    from reconciler.features.environments import Environment

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Target:
    label: str | None  # the environment's name; None without --env
    tenant_args: TenantArgs
    var_files: tuple[str, ...]
    environment: Environment | None = None

    @property
    def title(self) -> str:
        tenant = self.tenant_args.tenant or os.environ.get("AUTH0_DOMAIN", "")
        return f"environment {self.label} ({tenant})" if self.label else tenant


def env_option(func: F) -> F:
    return click.option(
        "--env",
        "env_name",
        metavar="NAME",
        default=None,
        help="Use environment NAME of reconciler.yaml (or 'all' for every one) instead of "
        "--tenant and the AUTH0_* variables.",
    )(func)


def resolve_targets(
    root: str, env_name: str | None, tenant_args: TenantArgs, var_files: tuple[str, ...]
) -> list[Target]:
    if env_name is None:
        return [Target(None, tenant_args, var_files)]
    if tenant_args.tenant is not None:
        raise click.UsageError("--tenant and --env cannot be used together")
    from reconciler.features.environments import select

    targets = []
    for env in select(root, env_name):
        args = replace(
            tenant_args, tenant=env.domain, rate_limit=tenant_args.rate_limit or env.rate_limit
        )
        files = ((env.var_file,) if env.var_file else ()) + var_files
        targets.append(Target(env.name, args, files, env))
    return targets


@contextlib.contextmanager
def open_target(target: Target) -> Iterator[TenantSession]:
    """Open the target's tenant; an environment's credentials come from its own variables."""
    environ: dict[str, str] | None = None
    if target.environment is not None:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("AUTH0_")}
        environ.update(target.environment.credentials_env(os.environ))
    state_dir = f".reconciler/{target.label}" if target.label else ".reconciler"
    with open_from_args(target.tenant_args, env=environ, state_dir=Path(state_dir)) as session:
        yield session


def per_target_path(out: str, target: Target, many: bool) -> str:
    """With several environments, `plan.json` becomes `plan.<env>.json` (also journals)."""
    if not many or target.label is None:
        return out
    path = Path(out)
    return str(path.with_name(f"{path.stem}.{target.label}{path.suffix or '.json'}"))
