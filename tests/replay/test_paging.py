"""Paging against the replay server: recorded bodies, served in short pages.

Real list replies carry `total` (the recorded action list: total 19, per_page 10), and an empty
bindings page carries none (TestAccTriggerActions #97). With `total` the client follows it past
short pages and stops once it has all; without it a short page ends the list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reconciler.auth0.client import PER_PAGE, Auth0Client, more_pages
from reconciler.auth0.token import Credentials
from tests.replay.server import CLIENT_ID, CLIENT_SECRET, Tenant, serve


@pytest.fixture
def make() -> Iterator[Any]:
    started: list[Any] = []

    def start(**kw: Any) -> tuple[Tenant, Auth0Client]:
        tenant = Tenant.recorded(**kw)
        ctx = serve(tenant)
        url = ctx.__enter__()
        client = Auth0Client(url, Credentials(CLIENT_ID, CLIENT_SECRET), rate_limit=500.0)
        started.append((ctx, client, tenant))
        return tenant, client

    try:
        yield start
    finally:
        for ctx, client, tenant in started:
            client.close()
            ctx.__exit__(None, None, None)
            assert tenant.writes == []


def pages(tenant: Tenant, path: str) -> list[str]:
    return [q["page"] for m, p, q in tenant.log if m == "GET" and p == path]


ACTIONS = "/api/v2/actions/actions"


@pytest.mark.parametrize(("cap", "expected"), [(5, ["0", "1", "2"]), (3, ["0", "1", "2", "3"])])
def test_short_pages_with_total_are_followed_to_the_end_and_no_further(
    make: Any, cap: int, expected: list[str]
) -> None:
    tenant, client = make(page_cap=cap)
    names = [a["name"] for a in client.list_actions()]
    assert names == [a["name"] for a in tenant.actions]  # all 12, in order
    assert pages(tenant, ACTIONS) == expected  # 12 in pages of 5: 0, 1, 2; of 3: 0..3


def test_without_total_a_short_page_ends_the_list(make: Any) -> None:
    tenant, client = make(page_cap=5, with_total=False)
    assert len(client.list_actions()) == 5  # the API gave no way to know that more exist
    assert pages(tenant, ACTIONS) == ["0"]


def test_a_full_page_without_total_asks_for_the_next(make: Any) -> None:
    tenant, client = make(with_total=False)
    tenant.actions = [dict(tenant.actions[0], id=f"a{i}", name=f"n{i}") for i in range(PER_PAGE)]
    assert len(client.list_actions()) == PER_PAGE
    assert pages(tenant, ACTIONS) == ["0", "1"]  # page 1 is empty: the end


def test_bindings_pages(make: Any) -> None:
    tenant, client = make(page_cap=1)
    path = "/api/v2/actions/triggers/{}/bindings"
    found = client.get_bindings("post-login")  # recorded total 2, served one a page
    assert [b["display_name"] for b in found] == [
        b["display_name"] for b in tenant.bindings["post-login"]
    ]
    assert pages(tenant, path.format("post-login")) == ["0", "1"]
    assert client.get_bindings("credentials-exchange") == []  # {"bindings": [], "per_page": 1}
    assert pages(tenant, path.format("credentials-exchange")) == ["0"]


@pytest.mark.parametrize(
    ("have", "last", "total", "more"),
    [
        (10, 10, 19, True),  # the recorded list page: per_page 10 of 19
        (19, 9, 19, False),
        (5, 5, 12, True),  # a short page with more to come is not the end
        (12, 2, 12, False),
        (3, 0, 12, False),  # an empty page always ends it (a server that lies about total)
        (100, 100, None, True),
        (99, 99, None, False),
        (100, 100, 0, True),  # total 0 is taken as missing
        (100, 100, 100, False),  # total reached: no extra empty page
        (100, 100, "100", True),  # not an integer: ignored
        (100, 100, True, True),
    ],
)
def test_more_pages(have: int, last: int, total: Any, more: bool) -> None:
    assert more_pages(have, last, total) is more
