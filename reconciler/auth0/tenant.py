"""`--tenant`: which tenant to talk to, with which credentials.

- `local`: the emulator, started in-process on a loopback port with its state in
  `<state_dir>/local-tenant.json`, stopped on exit (also on error). Never chosen implicitly.
- a bare domain (`acme.eu.auth0.com`): always HTTPS.
- an `https://host[:port]` URL, or `http://` for loopback hosts only.
- nothing: `AUTH0_DOMAIN` from the environment.

Credentials come only from the environment: `AUTH0_CLIENT_ID` + `AUTH0_CLIENT_SECRET`, or
`AUTH0_ACCESS_TOKEN`; never from a flag or a file.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.token import Credentials
from reconciler.auth0.transport import DEADLINE, enable_request_log
from reconciler.core.errors import ReconcilerError, clip

if TYPE_CHECKING:
    from reconciler.auth0.protocol import TenantAPI

LOCAL = "local"
DEADLINE_VAR = "RECONCILER_HTTP_DEADLINE"
_DOMAIN_RE = re.compile(
    r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+(:\d{1,5})?$"
)


@dataclass(frozen=True)
class TenantSession:
    name: str  # "local", or the tenant's domain (host[:port])
    client: Auth0Client  # the wire client (dicts in the API's shapes)

    @property
    def api(self) -> TenantAPI:
        """The typed client over `client` (mypy checks here that ActionsAPI is a TenantAPI)."""
        from reconciler.auth0.actions_api import ActionsAPI  # not needed to open a tenant

        return ActionsAPI(self.client)


def tenant_url(spec: str) -> str:
    """The base URL for a `--tenant` / AUTH0_DOMAIN value other than `local`."""
    spec = spec.strip()
    if "://" in spec:
        return spec.rstrip("/")
    if not _DOMAIN_RE.match(spec.rstrip("/")):
        raise ReconcilerError(
            f"--tenant {clip(spec)!r} is not a domain (e.g. acme.eu.auth0.com), a URL, or 'local'"
        )
    return f"https://{spec.rstrip('/')}"


def credentials_from_env(env: Mapping[str, str]) -> Credentials:
    client_id = env.get("AUTH0_CLIENT_ID", "").strip()
    secret = env.get("AUTH0_CLIENT_SECRET", "").strip()
    token = env.get("AUTH0_ACCESS_TOKEN", "").strip()
    if client_id and secret:
        return Credentials(client_id=client_id, client_secret=secret)
    if token:
        return Credentials(access_token=token)
    if client_id or secret:
        missing = "AUTH0_CLIENT_SECRET" if client_id else "AUTH0_CLIENT_ID"
        raise ReconcilerError(f"no credentials: {missing} is not set (both are needed)")
    raise ReconcilerError(
        "no credentials: set AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET, or AUTH0_ACCESS_TOKEN"
    )


def http_deadline(env: Mapping[str, str]) -> float:
    """`RECONCILER_HTTP_DEADLINE`: seconds one request may take in all (default 30)."""
    raw = env.get(DEADLINE_VAR, "").strip()
    if not raw:
        return DEADLINE
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0.1 <= value <= 3600:
        raise ReconcilerError(f"{DEADLINE_VAR}={clip(raw, 40)!r}: expected seconds, 0.1 to 3600")
    return value


@contextlib.contextmanager
def open_tenant(
    spec: str | None,
    *,
    env: Mapping[str, str],
    ca_bundle: str | None = None,
    rate_limit: float | None = None,
    verbose: bool = False,
    state_dir: Path = Path(".reconciler"),
) -> Iterator[TenantSession]:
    """Yield a connected TenantSession; closes the client (and stops `local`) on exit."""
    if verbose:
        enable_request_log()
    if spec is None or not spec.strip():
        spec = env.get("AUTH0_DOMAIN", "").strip() or None
        if spec is None:
            raise ReconcilerError("no tenant: pass --tenant or set AUTH0_DOMAIN")
        if spec == LOCAL:
            raise ReconcilerError(
                "AUTH0_DOMAIN=local is not a tenant; pass --tenant local to use the emulator"
            )
    if spec == LOCAL:
        with _local(state_dir, ca_bundle, rate_limit) as session:
            yield session
        return
    url = tenant_url(spec)
    credentials = credentials_from_env(env)
    client = Auth0Client(
        url, credentials, ca_bundle=ca_bundle, rate_limit=rate_limit, deadline=http_deadline(env)
    )
    try:
        yield TenantSession(client.domain, client)
    finally:
        client.close()


@contextlib.contextmanager
def _local(
    state_dir: Path, ca_bundle: str | None, rate_limit: float | None
) -> Iterator[TenantSession]:
    from reconciler.emulator import EmulatorConfig, start_emulator
    from reconciler.emulator.seed import DEMO_MARKETPLACE

    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReconcilerError(f"cannot create {state_dir}: {exc.strerror}") from None
    state_file = state_dir / "local-tenant.json"
    is_new = not state_file.exists()
    config = EmulatorConfig(state_file=str(state_file), port=0, build_seconds=1.0)
    with start_emulator(config) as emu:
        if is_new:
            emu.seed([DEMO_MARKETPLACE])
        credentials = Credentials(client_id=emu.client_id, client_secret=emu.client_secret)
        client = Auth0Client(
            emu.url, credentials, ca_bundle=ca_bundle or emu.ca_file, rate_limit=rate_limit
        )
        try:
            yield TenantSession(LOCAL, client)
        finally:
            client.close()
