"""Paging safety: a list whose pages repeat is stopped at once (DESIGN.md "Client rules")."""

from __future__ import annotations

import json
from typing import Any

from reconciler.auth0 import errormap

SAME_PAGE = "the API returned the same page twice"
Json = dict[str, Any]


class PageGuard:
    """Stops a list whose pages repeat: the same page (by content) or an id already listed
    means the server is not advancing (or the list moved under us), so paging on would loop."""

    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.path = path
        self.pages: set[str] = set()
        self.ids: set[str] = set()

    def check(self, chunk: list[Json]) -> None:
        if not chunk:
            return
        fingerprint = json.dumps(chunk, sort_keys=True, default=str)
        ids = [i["id"] for i in chunk if isinstance(i.get("id"), str)]
        if fingerprint in self.pages or (ids and all(i in self.ids for i in ids)):
            raise errormap.malformed(self.method, self.path, 200, SAME_PAGE)
        repeated = next((i for i in ids if i in self.ids), None)
        if repeated is not None or len(set(ids)) != len(ids):
            raise errormap.malformed(
                self.method,
                self.path,
                200,
                "the API listed the same id twice while paging (did the list change meanwhile?)",
            )
        self.pages.add(fingerprint)
        self.ids.update(ids)
