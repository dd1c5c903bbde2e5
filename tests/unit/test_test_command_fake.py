"""`reconciler test`'s action lookup through the protocol."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reconciler.commands.test_action import find_action
from reconciler.core.errors import ReconcilerError
from tests.support_fake import FakeTenant


def test_the_action_is_found_by_exact_name_and_run() -> None:
    api = FakeTenant()
    wanted = api.add("enrich-token")
    api.add("enrich-token-2")
    assert find_action(api, "enrich-token", "local").id == wanted
    assert api.test_action(wanted, {"user": {}}).error_name is None


def test_a_missing_name_suggests_a_near_one_and_marketplace_is_refused() -> None:
    api = FakeTenant()
    market = api.add("fraud-shield")
    api.actions[market] = replace(api.actions[market], marketplace=True)
    with pytest.raises(ReconcilerError, match="no action named 'fraud-sheild' in tenant local"):
        find_action(api, "fraud-sheild", "local")
    with pytest.raises(ReconcilerError, match="marketplace integration"):
        find_action(api, "fraud-shield", "local")
    api.add("fraud-shield")
    with pytest.raises(ReconcilerError, match="the tenant has 2 actions named 'fraud-shield'"):
        find_action(api, "fraud-shield", "local")
