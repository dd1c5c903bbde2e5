"""Seeds and request-log helpers shared by the client tests."""

from __future__ import annotations

from typing import Any

from reconciler.core.trailer import with_trailer
from reconciler.emulator import Emulator

CODE = "exports.onExecutePostLogin = async (event, api) => {};\n"


def action_seed(name: str, trigger: str = "post-login", *, managed: bool = False) -> dict[str, Any]:
    version = (
        "v3" if trigger == "post-login" else ("v1" if trigger == "custom-token-exchange" else "v2")
    )
    code = with_trailer(CODE, "") if managed else CODE
    return {
        "name": name,
        "supported_triggers": [{"id": trigger, "version": version}],
        "code": code,
        "runtime": "node22",
        "dependencies": [{"name": "lodash", "version": "4.17.21"}],
        "secrets": [{"name": "API_KEY", "value": "seeded-secret-value"}],
    }


def api_requests(emu: Emulator) -> list[tuple[str, str, str, int]]:
    return [(r.method, r.path, r.query, r.status) for r in emu.request_log]
