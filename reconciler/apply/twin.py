"""Is a live action exactly what a create would have made? (a concurrent apply's create)

Two applies of the same manifests started together both plan `create X`; the second POST gets
409 ("already exists"). If the action holding the name is a managed twin of our create (same
code under the trailer, same protect flag, same trigger, runtime and dependencies, and a secret
digest that verifies against our values), the create has converged: the applier adopts its id
instead of failing. Anything else keeps the 409 as a failure (the plan was stale). The content
is judged by reconciler.core.content, the trailer here.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.core.content import content, of_action, same_content
from reconciler.core.digests import key_from_env
from reconciler.core.fields import ActionFields
from reconciler.core.livemodel import LiveAction
from reconciler.core.model import SecretValue
from reconciler.core.trailer import strip_trailer, verify


def matches_create(
    live: LiveAction, fields: ActionFields, secret_values: Mapping[str, SecretValue]
) -> bool:
    """True when `live` (an action read from the tenant) holds what creating an action with
    `fields` and these secret values would have made."""
    live_info = strip_trailer(live.code)[1]
    want_code, want_info = strip_trailer(fields.code or "")
    if live_info is None or want_info is None or live.marketplace:
        return False
    names = [s.name for s in fields.secrets or ()]
    if any(n not in secret_values for n in names):
        return False
    values = {n: secret_values[n].reveal() for n in names}
    triggers = fields.supported_triggers or ()
    trigger = (triggers[0].id, triggers[0].version) if triggers else ("", "")
    want = content(want_code, fields.runtime or "", fields.dependencies or (), names, trigger)
    return (
        same_content(of_action(live, trailer=False), want)
        and live_info.protect == want_info.protect
        and live_info.code_hash == want_info.code_hash
        and (
            verify(live_info.secrets, values, key_from_env()) if values else live_info.secrets == ""
        )
    )
