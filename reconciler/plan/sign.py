"""Optional plan signing (DESIGN.md "Plan": a plan file is bound to what it was made from).

With `RECONCILER_PLAN_KEY` set, `plan --out` adds `"signature": "hmac-sha256:<hex>"`, an
HMAC-SHA256 under that key over the canonical JSON of the plan document without the signature
field, and `apply --plan` refuses (exit 3) a plan whose signature is missing or wrong.
`--require-signed-plan` or `RECONCILER_REQUIRE_SIGNED_PLAN=1` make a missing key an error, so a
CI job that forgot the secret fails instead of quietly applying unsigned plans. The key is
registered with the masker and never printed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from reconciler.core.errors import GuardError
from reconciler.core.plankey import KEY_VAR
from reconciler.plan.planfile.encode import canonical

PREFIX = "hmac-sha256:"


def sign(data: Mapping[str, object], key: str) -> str:
    body = {k: v for k, v in data.items() if k != "signature"}
    mac = hmac.new(key.encode("utf-8"), canonical(body).encode("utf-8"), hashlib.sha256)
    return PREFIX + mac.hexdigest()


def check(data: object, key: str, *, source: str) -> None:
    """GuardError unless `data` carries a valid signature under `key`."""
    found = data.get("signature") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(found, str):
        raise GuardError(
            f"{source}: the plan is not signed, but {KEY_VAR} is set; "
            "make it with plan --out under the same key"
        )
    if not hmac.compare_digest(found, sign(data, key)):
        raise GuardError(
            f"{source}: the plan's signature does not match {KEY_VAR} "
            "(edited, or signed with another key); run plan again"
        )
