"""The Management API side: client, live snapshot, tenant resolution.

from reconciler.auth0 import open_tenant, read_live
with open_tenant("local", env=os.environ) as session:
    live = read_live(session.client, tenant=session.name, owned_triggers=["post-login"])
"""

from __future__ import annotations

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.live import read_live
from reconciler.auth0.stats import Stats
from reconciler.auth0.tenant import TenantSession, credentials_from_env, open_tenant
from reconciler.auth0.token import Credentials

__all__ = [
    "Auth0Client",
    "Credentials",
    "Stats",
    "TenantSession",
    "credentials_from_env",
    "open_tenant",
    "read_live",
]
