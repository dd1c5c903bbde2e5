"""The emulator keeps its own table of Auth0 limits (reconciler/emulator/validate.py and
tenant.py); the tool's is reconciler/core/limits.py. Every limit the emulator enforces is one the
tool's table holds with the same value, and the emulator accepts a body at the limit and refuses
one just past it."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from reconciler.core import limits
from reconciler.core.limits import Limit
from reconciler.emulator import modules as emulator_modules
from reconciler.emulator import tenant, validate
from tests.conformance.replay import Replayer

EMULATOR = Path(validate.__file__).parent

#: emulator constant -> the tool's entry. The emulator counts code in characters, the tool in
#: bytes (never fewer): what the tool accepts the emulator accepts.
AGREE: dict[str, Limit] = {
    "tenant.MAX_ACTIONS": limits.ACTIONS_PER_TENANT,
    "tenant.MAX_VERSIONS": limits.VERSIONS_PER_ACTION,
    "tenant.MAX_BINDINGS": limits.ACTIONS_PER_TRIGGER,
    "validate.MAX_SECRETS": limits.SECRETS_PER_ACTION,
    "validate.MAX_DEPENDENCIES": limits.DEPENDENCIES_PER_ACTION,
    "validate.MAX_SECRET_NAME": limits.SECRET_NAME,
    "validate.MAX_SECRET_VALUE": limits.SECRET_VALUE,
    "validate.MAX_CODE": limits.ACTION_CODE,
    "modules.MAX_MODULES": limits.MODULES_PER_TENANT,
    "modules.MAX_MODULE_VERSIONS": limits.VERSIONS_PER_MODULE,
    "modules.MAX_MODULE_CODE": limits.MODULE_CODE,
    "modules.MAX_MODULES_PER_ACTION": limits.MODULES_PER_ACTION,
}


def _emulator_limits() -> set[str]:
    """Every module-level `MAX_* = <int expression>` of the emulator package."""
    found: set[str] = set()
    for path in sorted(EMULATOR.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name) and target.id.startswith("MAX_"):
                    found.add(f"{path.stem}.{target.id}")
    return found


def test_every_emulator_limit_is_paired_with_the_tools() -> None:
    assert _emulator_limits() == set(AGREE)


@pytest.mark.parametrize("name", sorted(AGREE))
def test_the_emulator_value_is_the_tools(name: str) -> None:
    module, attr = name.split(".")
    value = getattr(
        {"tenant": tenant, "validate": validate, "modules": emulator_modules}[module], attr
    )
    assert value == AGREE[name].value, f"emulator {name} = {value}, tool {AGREE[name]}"


def _body(**over: Any) -> dict[str, Any]:
    body = {
        "name": "limit-probe",
        "supported_triggers": [{"id": "post-login", "version": "v3"}],
        "code": "exports.onExecutePostLogin = async () => {};",
    }
    return {**body, **over}


def _secrets(count: int, name_len: int = 8, value_len: int = 16) -> list[dict[str, str]]:
    return [{"name": f"S{i}".ljust(name_len, "x"), "value": "v" * value_len} for i in range(count)]


def _deps(count: int) -> list[dict[str, str]]:
    return [{"name": f"pkg{i}", "version": "1.0.0"} for i in range(count)]


BODIES = {
    "secrets per action": lambda n: _body(secrets=_secrets(n)),
    "dependencies per action": lambda n: _body(dependencies=_deps(n)),
    "secret name": lambda n: _body(secrets=_secrets(1, name_len=n)),
    "secret value": lambda n: _body(secrets=_secrets(1, value_len=n)),
    "action code": lambda n: _body(code="/" * 2 + "x" * (n - 2)),
}
BY_WHAT = {limit.what: limit for limit in limits.TABLE.values()}


@pytest.mark.parametrize("what", sorted(BODIES))
def test_the_emulator_accepts_at_the_limit_and_refuses_past_it(replay: Replayer, what: str) -> None:
    value = BY_WHAT[what].value

    def create(body: dict[str, Any]) -> int:
        it = {"method": "POST", "path": "/actions/actions", "query": "", "request": body}
        return replay.send(it).status_code

    assert create({**BODIES[what](value), "name": f"at {what}"}) == 201
    assert create({**BODIES[what](value + 1), "name": f"past {what}"}) == 400
