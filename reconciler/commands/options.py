"""Options shared by every command that talks to a tenant (plan, apply, export, rollback).

    @click.command()
    @tenant_options
    def command(tenant_args: TenantArgs) -> int:
        with open_from_args(tenant_args) as session:
            ...

`tenant_options` adds `--tenant`, `--ca-bundle`, `--rate-limit` and `--verbose/-v`, and hands the
command one frozen `TenantArgs` (keyword `tenant_args`) instead of four loose parameters.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from reconciler.auth0.tenant import TenantSession, open_tenant

F = TypeVar("F", bound=Callable[..., Any])
_KEYS = ("tenant", "ca_bundle", "rate_limit", "verbose")


@dataclass(frozen=True, slots=True)
class TenantArgs:
    tenant: str | None = None
    ca_bundle: str | None = None
    rate_limit: float | None = None
    verbose: bool = False


def tenant_options(func: F) -> F:
    """Add the tenant options; the command receives them as `tenant_args: TenantArgs`."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {key: kwargs.pop(key) for key in _KEYS}
        return func(*args, tenant_args=TenantArgs(**values), **kwargs)

    decorators = [
        click.option(
            "--tenant",
            metavar="T",
            default=None,
            help="'local' (the built-in emulator), a domain (acme.eu.auth0.com, always HTTPS) "
            "or an http:// URL for loopback only. Default: $AUTH0_DOMAIN.",
        ),
        click.option(
            "--ca-bundle",
            type=click.Path(exists=True, dir_okay=False, readable=True),
            default=None,
            help="PEM file of CA certificates to trust (private CA, TLS proxy).",
        ),
        click.option(
            "--rate-limit",
            type=click.FloatRange(min=0.1, max=1000.0),
            default=None,
            metavar="RPS",
            help="A ceiling on the request rate (requests/s). Without it the rate follows "
            "the tenant's x-ratelimit-* headers, keeping 20% of its bucket free.",
        ),
        click.option(
            "--verbose", "-v", is_flag=True, help="Log each API request (method, path, status, ms)."
        ),
    ]
    out: Callable[..., Any] = wrapper
    for decorate in reversed(decorators):
        out = decorate(out)
    return out  # type: ignore[return-value]


@contextlib.contextmanager
def open_from_args(
    args: TenantArgs,
    *,
    env: Mapping[str, str] | None = None,
    state_dir: Path = Path(".reconciler"),
) -> Iterator[TenantSession]:
    """Open the tenant the options name (credentials from `env`, default os.environ)."""
    with open_tenant(
        args.tenant,
        env=os.environ if env is None else env,
        ca_bundle=args.ca_bundle,
        rate_limit=args.rate_limit,
        verbose=args.verbose,
        state_dir=state_dir,
    ) as session:
        yield session
