"""JSON responses and the Management API error body `{statusCode, error, message, errorCode}`."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from werkzeug.wrappers import Response


class HttpError(Exception):
    """Raised by a handler; rendered as the Management API error body."""

    def __init__(
        self,
        status: int,
        message: str,
        error_code: str | None = None,
        attributes: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code
        self.attributes = attributes

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "statusCode": self.status,
            "error": HTTPStatus(self.status).phrase,
            "message": self.message,
        }
        if self.error_code is not None:
            out["errorCode"] = self.error_code
        if self.attributes is not None:
            out["attributes"] = self.attributes
        return out


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json; charset=utf-8")


def empty(status: int = 204) -> Response:
    return Response(b"", status=status)


def bad_body(detail: str, prop: str | None = None) -> HttpError:
    """400 `invalid_body` worded like Auth0's payload validator."""
    where = f" on property {prop}" if prop else ""
    return HttpError(400, f"Payload validation error: '{detail}'{where}.", "invalid_body")


def bad_query(detail: str, prop: str | None = None) -> HttpError:
    """400 `invalid_query_string` worded like Auth0's query validator."""
    where = f" on property {prop}." if prop else ""
    return HttpError(400, f"Query validation error: '{detail}'{where}", "invalid_query_string")


def not_found(message: str = "That action does not exist.") -> HttpError:
    """404 as recorded for actions: no errorCode."""
    return HttpError(404, message)
