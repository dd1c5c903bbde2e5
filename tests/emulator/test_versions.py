"""Contract tests for versions: list, get, rollback (with update_draft), the 50-version limit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.emulator import FakeClock

if TYPE_CHECKING:
    from tests.emulator.conftest import Api


def _redeploy(api: Api, clock: FakeClock, action_id: str, code: str) -> dict[str, object]:
    assert api.patch(f"/actions/actions/{action_id}", json={"code": code}).status_code == 200
    clock.advance(1.0)
    r = api.post(f"/actions/actions/{action_id}/deploy")
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def test_versions_list_newest_first_and_get(api: Api, clock: FakeClock) -> None:
    action_id = api.deployed(clock, code="// one\n")
    _redeploy(api, clock, action_id, "// two\n")
    body = api.get(f"/actions/actions/{action_id}/versions", params={"per_page": 100}).json()
    assert set(body) == {"versions", "total", "per_page"}
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert [v["deployed"] for v in body["versions"]] == [True, False]
    assert [v["code"] for v in body["versions"]] == ["// two\n", "// one\n"]
    one = body["versions"][1]
    got = api.get(f"/actions/actions/{action_id}/versions/{one['id']}").json()
    assert got == one
    assert got["action"]["id"] == action_id


def test_version_404(api: Api, clock: FakeClock) -> None:
    action_id = api.deployed(clock)
    r = api.get(f"/actions/actions/{action_id}/versions/nope")
    assert r.status_code == 404
    assert r.json() == {
        "statusCode": 404,
        "error": "Not Found",
        "message": "That action version does not exist.",
    }


def test_rollback_creates_a_new_deployed_version(api: Api, clock: FakeClock) -> None:
    action_id = api.deployed(clock, code="// one\n")
    _redeploy(api, clock, action_id, "// two\n")
    first = api.get(f"/actions/actions/{action_id}/versions").json()["versions"][-1]
    r = api.post(f"/actions/actions/{action_id}/versions/{first['id']}/deploy")
    assert r.status_code == 200
    rolled = r.json()
    # as recorded (GO1-REC DeployVersion #5): a new id and number, deployed:false, no built_at
    assert (rolled["number"], rolled["code"], rolled["deployed"]) == (3, "// one\n", False)
    assert "built_at" not in rolled
    assert rolled["id"] != first["id"]
    action = api.get(f"/actions/actions/{action_id}").json()
    assert action["deployed_version"]["id"] == rolled["id"]
    assert action["code"] == "// two\n"  # the draft is left alone by default
    assert action["all_changes_deployed"] is False


def test_rollback_with_update_draft_resets_the_draft(api: Api, clock: FakeClock) -> None:
    action_id = api.deployed(clock, code="// one\n")
    _redeploy(api, clock, action_id, "// two\n")
    first = api.get(f"/actions/actions/{action_id}/versions").json()["versions"][-1]
    r = api.post(
        f"/actions/actions/{action_id}/versions/{first['id']}/deploy",
        json={"update_draft": True},
    )
    assert r.status_code == 200
    action = api.get(f"/actions/actions/{action_id}").json()
    assert action["code"] == "// one\n"
    assert action["status"] == "built"
    assert action["all_changes_deployed"] is True


def test_fifty_versions_max_oldest_unused_dropped(api: Api, clock: FakeClock) -> None:
    action_id = api.deployed(clock, code="// 1\n")
    for n in range(2, 53):
        _redeploy(api, clock, action_id, f"// {n}\n")
    body = api.get(f"/actions/actions/{action_id}/versions", params={"per_page": 100}).json()
    numbers = [v["number"] for v in body["versions"]]
    assert body["total"] == 50
    assert numbers == list(range(52, 2, -1))
