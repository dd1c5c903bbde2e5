"""Export against the in-memory tenant: the extra trigger-bound lists are read by trigger."""

from __future__ import annotations

from reconciler.core.catalogue import BUILTIN_TRIGGERS
from reconciler.core.livemodel import Trigger
from reconciler.features.export import bundle_from_live, read_for_export
from tests.support_fake import FakeTenant


def test_export_reads_the_tenants_extra_trigger_bound_lists_through_the_protocol() -> None:
    api = FakeTenant()
    extra = Trigger("brand-new", "v1", "CURRENT", ("node22",), "node22", "trigger-bound")
    api.triggers = (*BUILTIN_TRIGGERS, extra)
    action_id = api.add("tokens")
    api.deploy_action(action_id)
    api.update_bindings("brand-new", [(action_id, "Tokens")])
    live = read_for_export(api, tenant="local")
    assert ("get_bindings", "brand-new") in api.calls
    by_trigger = {b.trigger: b for b in live.bindings}
    assert [e.action_name for e in by_trigger["brand-new"].entries] == ["tokens"]
    bundle = bundle_from_live(live)
    assert [a.name for a in bundle.actions] == ["tokens"]
    assert ("brand-new", ("tokens",)) in [
        (t, tuple(e.action for e in entries)) for t, entries in bundle.bindings
    ]
