"""PageGuard: paging stops at the first repeated page or id (pure, exact messages)."""

from __future__ import annotations

import pytest

from reconciler.auth0.paging import PageGuard
from reconciler.core.errors import ApiError

PATH = "/api/v2/actions/actions"
PAGE = [{"id": f"a{i}", "name": f"n{i}"} for i in range(3)]
SAME = (
    "GET /api/v2/actions/actions -> 200: malformed response: the API returned the same page "
    "twice; hint: is --tenant an Auth0 tenant (or a proxy in between)?"
)


def test_distinct_pages_pass() -> None:
    guard = PageGuard("GET", PATH)
    guard.check(PAGE)
    guard.check([{"id": "b1"}, {"id": "b2"}])
    guard.check([])  # an empty last page is no repeat


@pytest.mark.parametrize(
    "second",
    [
        PAGE,  # the same page again
        [{"id": "a2", "name": "other"}, {"id": "a0", "name": "other"}],  # only ids seen before
        [{"name": "no id"}],  # pages without ids compare by content
    ],
    ids=["identical", "all-ids-seen", "same-content-without-ids"],
)
def test_a_repeated_page_stops_at_once(second: list[dict[str, str]]) -> None:
    guard = PageGuard("GET", PATH)
    guard.check(PAGE if second[0].get("id") else second)
    with pytest.raises(ApiError) as caught:
        guard.check(second)
    assert str(caught.value) == SAME


def test_a_repeated_id_next_to_new_ones_stops_too() -> None:
    guard = PageGuard("GET", PATH)
    guard.check(PAGE)
    with pytest.raises(ApiError) as caught:
        guard.check([{"id": "a2"}, {"id": "c1"}])
    assert str(caught.value) == (
        "GET /api/v2/actions/actions -> 200: malformed response: the API listed the same id twice "
        "while paging (did the list change meanwhile?); hint: is --tenant an Auth0 tenant (or a "
        "proxy in between)?"
    )
