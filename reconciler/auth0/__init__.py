"""The Management API side: client, live snapshot, tenant resolution.

from reconciler.auth0 import open_tenant, read_live
with open_tenant("local", env=os.environ) as session:
    live = read_live(session.client, tenant=session.name, owned_triggers=["post-login"])
"""

from __future__ import annotations

from reconciler.auth0.actions_api import ActionsAPI
from reconciler.auth0.client import Auth0Client
from reconciler.auth0.live_read import read_live
from reconciler.auth0.protocol import DeployedVersion, TenantAPI, TestRun
from reconciler.auth0.stats import Stats
from reconciler.auth0.tenant import TenantSession, credentials_from_env, open_tenant
from reconciler.auth0.token import Credentials

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
