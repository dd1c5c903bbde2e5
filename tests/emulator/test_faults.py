"""Fault injection (scripted and random), latency, and the request log."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import requests

from reconciler.emulator import Emulator, EmulatorConfig, FakeClock, start_emulator
from reconciler.emulator.faults import Faults

if TYPE_CHECKING:
    from tests.emulator.conftest import Api


def test_third_patch_gets_a_503_and_has_no_effect(api: Api, emu: Emulator) -> None:
    action_id = api.create()["id"]
    emu.faults.script(method="PATCH", path_glob="/api/v2/actions/actions/*", nth=3, fault="503")
    path = f"/actions/actions/{action_id}"
    codes = [api.patch(path, json={"code": f"// {i}\n"}).status_code for i in range(4)]
    assert codes == [200, 200, 503, 200]
    emu.faults.script(method="PATCH", path_glob="/api/v2/actions/actions/*", nth=1, fault="500")
    r = api.patch(path, json={"code": "// lost\n"})
    assert r.status_code == 500
    assert r.json() == {
        "statusCode": 500,
        "error": "Internal Server Error",
        "message": "An internal server error occurred",
    }
    assert "x-ratelimit-limit" in r.headers
    assert api.get(path).json()["code"] == "// 3\n"


def test_scripted_429(api: Api, emu: Emulator) -> None:
    emu.faults.script(method="GET", path_glob="/api/v2/actions/triggers", nth=1, fault="429")
    r = api.get("/actions/triggers")
    assert r.status_code == 429
    assert r.json()["message"] == "Global limit has been reached"
    assert r.headers["x-ratelimit-remaining"] == "0"
    assert api.get("/actions/triggers").status_code == 200


def test_drop_closes_without_response_and_without_effect(api: Api, emu: Emulator) -> None:
    emu.faults.script(method="POST", path_glob="/api/v2/actions/actions", nth=1, fault="drop")
    body = {"name": "dropped", "supported_triggers": [{"id": "post-login"}]}
    with pytest.raises(requests.ConnectionError):
        api.post("/actions/actions", json=body)
    assert api.get("/actions/actions").json() == {"actions": [], "per_page": 20}
    assert [(r.method, r.status) for r in emu.request_log][-2:] == [("POST", 0), ("GET", 200)]


def test_drop_after_applies_the_change_then_drops(api: Api, emu: Emulator) -> None:
    emu.faults.script(method="POST", path_glob="/api/v2/actions/actions", nth=1, fault="drop-after")
    body = {"name": "did-it-go-through", "supported_triggers": [{"id": "post-login"}]}
    with pytest.raises(requests.ConnectionError):
        api.post("/actions/actions", json=body)
    names = [a["name"] for a in api.get("/actions/actions").json()["actions"]]
    assert names == ["did-it-go-through"]


def test_slow_fault_and_latency(clock: FakeClock, make_api: type[Api]) -> None:
    cfg = EmulatorConfig(clock=clock, latency_ms=5, slow_ms=50)
    with start_emulator(cfg) as emu:
        api = make_api(emu)
        emu.clear_log()
        emu.faults.script(path_glob="/api/v2/actions/triggers", nth=2, fault="slow")
        assert [api.get("/actions/triggers").status_code for _ in range(2)] == [200, 200]
        first, second = emu.request_log
        assert first.ms >= 5
        assert second.ms >= 55


def test_script_rejects_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        Faults().script(fault="418")


def test_random_faults_are_seeded_and_only_hit_the_api() -> None:
    faults = Faults(rate=0.5, seed=7)
    kinds = [faults.decide("GET", "/api/v2/actions/actions", api=True) for _ in range(40)]
    again = Faults(rate=0.5, seed=7)
    assert kinds == [again.decide("GET", "/api/v2/actions/actions", api=True) for _ in range(40)]
    assert {k for k in kinds if k} <= {"500", "503", "drop", "slow"}
    assert 5 < sum(1 for k in kinds if k) < 35
    assert faults.decide("POST", "/oauth/token", api=False) is None


def test_set_fault_rate_at_runtime(clock: FakeClock, make_api: type[Api]) -> None:
    with start_emulator(EmulatorConfig(clock=clock, seed=3, slow_ms=10)) as emu:
        api = make_api(emu)
        emu.set_fault_rate(1.0)
        outcomes = set()
        for _ in range(20):
            try:
                outcomes.add(api.get("/actions/triggers", timeout=5).status_code)
            except requests.ConnectionError:
                outcomes.add(0)
        emu.set_fault_rate(0.0)
        assert outcomes == {500, 503, 0, 200}  # 200: the "slow" fault answers normally
        assert api.get("/actions/triggers").status_code == 200


@pytest.fixture
def logged(emu: Emulator, api: Api) -> Emulator:
    emu.clear_log()
    return emu


def test_request_log_python_and_http(logged: Emulator, api: Api) -> None:
    api.get("/actions/actions", params={"per_page": 100})
    api.get("/actions/actions/missing")
    log = logged.request_log
    assert [(r.method, r.path, r.query, r.status) for r in log] == [
        ("GET", "/api/v2/actions/actions", "per_page=100", 200),
        ("GET", "/api/v2/actions/actions/missing", "", 404),
    ]
    body = requests.get(logged.url + "/__emulator/requests", timeout=10).json()
    assert [(r["method"], r["status"]) for r in body["requests"]] == [("GET", 200), ("GET", 404)]
    assert set(body["requests"][0]) == {"method", "path", "query", "status", "ms", "ts"}
    assert requests.delete(logged.url + "/__emulator/requests", timeout=10).status_code == 204
    assert logged.request_log == []
