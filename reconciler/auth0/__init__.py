"""The Management API side: client, live snapshot, tenant resolution.

from reconciler.auth0 import open_tenant, read_live
with open_tenant("local", env=os.environ) as session:
    live = read_live(session.client, tenant=session.name, owned_triggers=["post-login"])

The names below are loaded on first use (PEP 562): a command that opens a tenant imports the
client, not the live model, before its first request (issue 16).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.core.lazy import loader

if TYPE_CHECKING:
    from reconciler.auth0.actions_api import ActionsAPI
    from reconciler.auth0.client import Auth0Client
    from reconciler.auth0.live_read import read_live
    from reconciler.auth0.protocol import DeployedVersion, TenantAPI, TestRun
    from reconciler.auth0.stats import Stats
    from reconciler.auth0.tenant import TenantSession, credentials_from_env, open_tenant
    from reconciler.auth0.token import Credentials

_WHERE = {
    "ActionsAPI": "actions_api",
    "Auth0Client": "client",
    "Credentials": "token",
    "DeployedVersion": "protocol",
    "Stats": "stats",
    "TenantAPI": "protocol",
    "TenantSession": "tenant",
    "TestRun": "protocol",
    "credentials_from_env": "tenant",
    "open_tenant": "tenant",
    "read_live": "live_read",
}

__all__ = [
    "ActionsAPI",
    "Auth0Client",
    "Credentials",
    "DeployedVersion",
    "Stats",
    "TenantAPI",
    "TenantSession",
    "TestRun",
    "credentials_from_env",
    "open_tenant",
    "read_live",
]


__getattr__ = loader(__name__, _WHERE)
