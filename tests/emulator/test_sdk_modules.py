"""Fidelity: auth0-python's Actions Modules client (6.8.0: `client.actions.modules`) drives the
emulator unchanged, and every reply parses into its models with no undeclared field."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("auth0.management.actions.modules")

from reconciler.emulator import Emulator  # noqa: E402
from tests.emulator.test_sdk_fidelity import _client, _undeclared, tls_emu  # noqa: E402, F401

LIB = "module.exports = { greet: (n) => 'hi ' + n };\n"
SECRET: Any = [{"name": "KEY", "value": "sdk-module-secret"}]


def test_sdk_modules_lifecycle(tls_emu: Emulator) -> None:  # noqa: F811
    mods = _client(tls_emu).actions.modules
    created = mods.create(name="sdk-lib", code=LIB, secrets=SECRET, publish=True)
    assert created.latest_version is not None
    assert created.latest_version.version_number == 1
    assert _undeclared(created) == set()
    assert created.id is not None
    mid = created.id
    updated = mods.update(mid, code=LIB + "// v2\n")
    assert updated.all_changes_published is False
    v2 = mods.versions.create(mid)
    assert v2.version_number == 2
    assert _undeclared(v2) == set()
    versions = list(mods.versions.list(mid))
    assert [v.version_number for v in versions] == [2, 1]
    assert versions[1].id is not None
    got = mods.versions.get(mid, versions[1].id)
    assert got.code == LIB
    listed = list(mods.list(per_page=1))
    assert [m.name for m in listed] == ["sdk-lib"]
    assert listed[0].latest_version_number == 2
    assert _undeclared(listed[0]) == set()
    rolled = mods.rollback(mid, module_version_id=versions[1].id)
    assert rolled.code == LIB
    assert list(mods.list_actions(mid)) == []
    mods.delete(mid)
    assert list(mods.list()) == []
