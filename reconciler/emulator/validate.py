"""Request-body validation worded like Auth0's validator (`Payload validation error: '...'`)."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request

from reconciler.emulator.replies import HttpError, bad_body

MAX_SECRETS = 30
MAX_DEPENDENCIES = 10
MAX_SECRET_NAME = 128
MAX_SECRET_VALUE = 4096
MAX_CODE = 100 * 1024

ACTION_KEYS = (
    "name",
    "supported_triggers",
    "code",
    "dependencies",
    "runtime",
    "secrets",
    "modules",
)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def read_json(request: Request, *, allow_empty: bool = False) -> dict[str, Any]:
    """The JSON object body; an empty body is `{}` when allowed (and `null` always is)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if allow_empty:
            return {}
        raise bad_body("Expected type object but found type null")
    try:
        body = json.loads(raw)
    except ValueError:
        raise HttpError(400, "Invalid request payload JSON format") from None
    if body is None and allow_empty:
        return {}
    if not isinstance(body, dict):
        raise bad_body(f"Expected type object but found type {json_type(body)}")
    return body


def expect(value: Any, kind: str, prop: str) -> None:
    if json_type(value) != kind and not (kind == "number" and json_type(value) == "integer"):
        raise bad_body(f"Expected type {kind} but found type {json_type(value)}", prop)


def only_keys(body: dict[str, Any], allowed: tuple[str, ...], prop: str | None = None) -> None:
    extra = [k for k in body if k not in allowed]
    if extra:
        raise bad_body(f"Additional properties not allowed: {','.join(extra)}", prop)


def require(body: dict[str, Any], key: str, prop: str | None = None) -> None:
    if key not in body:
        raise bad_body(f"Missing required property: {key}", prop)


def check_array(
    value: Any, prop: str, *, minimum: int = 0, maximum: int | None = None
) -> list[Any]:
    expect(value, "array", prop)
    items: list[Any] = value
    if len(items) < minimum:
        raise bad_body(f"Array is too short ({len(items)}), minimum {minimum}", prop)
    if maximum is not None and len(items) > maximum:
        raise bad_body(f"Array is too long ({len(items)}), maximum {maximum}", prop)
    return items


def check_string(value: Any, prop: str, *, maximum: int | None = None) -> str:
    expect(value, "string", prop)
    text: str = value
    if maximum is not None and len(text) > maximum:
        raise bad_body(f"String is too long ({len(text)} chars), maximum {maximum}", prop)
    return text


def check_action_fields(body: dict[str, Any], trigger_ids: set[str]) -> None:
    """Types and limits of the action fields present in a create or update body."""
    if "name" in body and not check_string(body["name"], "name"):
        raise bad_body("String is too short (0 chars), minimum 1", "name")
    if "code" in body:
        check_string(body["code"], "code", maximum=MAX_CODE)
    if "runtime" in body:
        check_string(body["runtime"], "runtime")
    if "supported_triggers" in body:
        for i, item in enumerate(
            check_array(body["supported_triggers"], "supported_triggers", minimum=1)
        ):
            where = f"supported_triggers[{i}]"
            expect(item, "object", where)
            require(item, "id", where)
            check_string(item["id"], f"{where}.id")
            if item["id"] not in trigger_ids:
                raise bad_body(f'No enum match for: "{item["id"]}"', f"{where}.id")
            if "version" in item:
                check_string(item["version"], f"{where}.version")
    if "dependencies" in body:
        deps = check_array(body["dependencies"], "dependencies", maximum=MAX_DEPENDENCIES)
        for i, dep in enumerate(deps):
            where = f"dependencies[{i}]"
            expect(dep, "object", where)
            only_keys(dep, ("name", "version", "registry_url"), where)
            for key in ("name", "version"):
                require(dep, key, where)
                check_string(dep[key], f"{where}.{key}")
            if "registry_url" in dep:
                check_string(dep["registry_url"], f"{where}.registry_url")
    if "secrets" in body:
        for i, sec in enumerate(check_array(body["secrets"], "secrets", maximum=MAX_SECRETS)):
            where = f"secrets[{i}]"
            expect(sec, "object", where)
            require(sec, "name", where)
            check_string(sec["name"], f"{where}.name", maximum=MAX_SECRET_NAME)
            if "value" in sec:
                check_string(sec["value"], f"{where}.value", maximum=MAX_SECRET_VALUE)
    if "modules" in body:
        for i, mod in enumerate(check_array(body["modules"], "modules")):
            expect(mod, "object", f"modules[{i}]")
