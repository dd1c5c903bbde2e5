"""The plan-signing key from the environment (`RECONCILER_PLAN_KEY`, plan/sign.py signs with
it). Its own module in the core so a command checks the key, and refuses a missing required
one, before anything else is imported or any request is sent."""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.core.errors import ReconcilerError
from reconciler.core.masking import register

KEY_VAR = "RECONCILER_PLAN_KEY"
REQUIRE_VAR = "RECONCILER_REQUIRE_SIGNED_PLAN"
MIN_KEY_LEN = 16
_TRUE = ("1", "true", "yes", "on")


def plan_key(env: Mapping[str, str], *, require: bool = False) -> str | None:
    """The signing key from `env` (None when unset). `require` (or RECONCILER_REQUIRE_SIGNED_PLAN
    set to 1/true/yes/on) makes a missing key an error."""
    key = env.get(KEY_VAR, "")
    if key:
        register(key)
        if len(key) < MIN_KEY_LEN:
            raise ReconcilerError(f"{KEY_VAR} is too short: use at least {MIN_KEY_LEN} characters")
        return key
    if require or env.get(REQUIRE_VAR, "").strip().lower() in _TRUE:
        raise ReconcilerError(
            f"signed plans are required (--require-signed-plan or {REQUIRE_VAR}) "
            f"but {KEY_VAR} is not set"
        )
    return None
