"""Route table plumbing and query-string parsing shared by the route modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from reconciler.emulator.replies import bad_query
from reconciler.emulator.tenant import Tenant

Handler = Callable[..., Response]


@dataclass(frozen=True, slots=True)
class Route:
    rule: str  # werkzeug rule relative to /api/v2
    methods: tuple[str, ...]
    scope: str
    handler: Handler


def query(request: Request, allowed: tuple[str, ...]) -> MultiDict[str, str]:
    args: MultiDict[str, str] = request.args
    extra = [k for k in args if k not in allowed]
    if extra:
        raise bad_query(f"Additional properties not allowed: {','.join(extra)}")
    return args


def q_bool(args: MultiDict[str, str], name: str) -> bool | None:
    if name not in args:
        return None
    value = args[name]
    if value not in ("true", "false"):
        raise bad_query("Expected type boolean but found type string", name)
    return value == "true"


def q_int(args: MultiDict[str, str], name: str, default: int, lo: int, hi: int | None) -> int:
    if name not in args:
        return default
    raw = args[name]
    try:
        value = int(raw)
    except ValueError:
        raise bad_query("Expected type integer but found type string", name) from None
    if value < lo:
        raise bad_query(f"Value {value} is less than minimum {lo}", name)
    if hi is not None and value > hi:
        raise bad_query(f"Value {value} is greater than maximum {hi}", name)
    return value


def paging(args: MultiDict[str, str]) -> tuple[int, int]:
    """(page, per_page): page from 0, per_page 1..100, OAS default 20."""
    return q_int(args, "page", 0, 0, None), q_int(args, "per_page", 20, 1, 100)


def page_slice(items: list[Any], page: int, per_page: int) -> list[Any]:
    return items[page * per_page : (page + 1) * per_page]


Routes = list[Route]
TenantHandler = Callable[[Tenant, Request], Response]
