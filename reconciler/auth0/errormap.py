"""Turn a failed exchange into one ApiError with Auth0's message, errorCode and a useful hint.

Error bodies are `{statusCode, error, message, errorCode}` on the Management API and
`{error, error_description}` on /oauth/token. Anything else (HTML from a proxy, a huge or broken
body) becomes a clear message that never quotes the body itself. All text is masked. Each error
is classified once here (`classify`, an `ErrorKind` on the ApiError), so callers decide on
`exc.kind`, never on the English text.
"""

from __future__ import annotations

import re
from typing import Any

from reconciler.core.errors import ApiError, ErrorKind, clip
from reconciler.core.masking import mask

SCOPE_BY_METHOD = {
    "GET": "read:actions",
    "POST": "create:actions",
    "PATCH": "update:actions",
    "DELETE": "delete:actions",
}
_SCOPE_RE = re.compile(r"expected(?: any of)?:\s*([a-z_]+:[a-z_]+(?:[ ,]+[a-z_]+:[a-z_]+)*)")
TOKEN_PATH = "/oauth/token"  # noqa: S105 - a URL path
CREDENTIAL_VARS = "AUTH0_CLIENT_ID/AUTH0_CLIENT_SECRET"
#: the phrases Auth0 uses (auth0-actions-api.md §4.2-4.4, §1.5), matched lower-case
NOT_BUILT = "must be in the 'built' state"
NOT_DEPLOYED = "not been deployed yet"
ALREADY_EXISTS = "already exists"
BOUND = "bound to a trigger"
ENTITY_BOUND = "entity-bound"
_BY_STATUS = {
    400: ErrorKind.INVALID,
    401: ErrorKind.UNAUTHORIZED,
    403: ErrorKind.FORBIDDEN,
    404: ErrorKind.NOT_FOUND,
    409: ErrorKind.CONFLICT,
    412: ErrorKind.IN_USE,
    429: ErrorKind.RATE_LIMITED,
}


def body_fields(body: Any) -> tuple[str | None, str | None]:
    """(message, errorCode) from either error shape; None where absent. On the Management API
    `error` is the HTTP reason phrase; on /oauth/token it is the code (`invalid_client`)."""
    if not isinstance(body, dict):
        return None, None

    def text(key: str) -> str | None:
        value = body.get(key)
        return value if isinstance(value, str) and value else None

    if "statusCode" in body:
        return text("message") or text("error"), text("errorCode")
    message = text("message") or text("error_description") or text("error")
    code = text("errorCode") or text("error") or text("code")
    return message, (None if code == message else code)


def _is_auth0_body(body: Any) -> bool:
    return isinstance(body, dict) and (
        "statusCode" in body or "errorCode" in body or "error_description" in body
    )


def missing_scope(method: str, message: str) -> str:
    found = _SCOPE_RE.search(message)
    if found:
        return found.group(1)
    return SCOPE_BY_METHOD.get(method.upper(), "read:actions")


def hint_for(
    method: str, path: str, status: int, message: str, code: str | None, body: Any, domain: str
) -> str | None:
    on_token = path.rstrip("/") == TOKEN_PATH
    if status == 401:
        if not on_token and "expired" in message.lower():
            return (
                "the access token has expired; set a fresh AUTH0_ACCESS_TOKEN "
                "or use client credentials"
            )
        return (
            f"wrong credentials or domain: check {CREDENTIAL_VARS} (or AUTH0_ACCESS_TOKEN) and "
            f"that --tenant {domain} is the tenant they belong to"
        )
    if status == 403:
        if code == "feature_not_enabled":
            return "Actions are not enabled on this tenant"
        if code == "insufficient_scope" or "scope" in message.lower():
            scope = missing_scope(method, message)
            return (
                f"the client lacks the {scope} scope: grant it under Applications > APIs > "
                "Auth0 Management API > Machine To Machine Applications"
            )
        if on_token:
            return (
                f"the client is not authorized for the Management API of {domain} "
                f"(audience https://{domain}/api/v2/)"
            )
    if status == 404 and (on_token or not _is_auth0_body(body)):
        return f"{domain} does not look like an Auth0 tenant: check --tenant / AUTH0_DOMAIN"
    if status == 429:
        return "the tenant's rate limit was still exceeded after retries; lower --rate-limit"
    if status >= 500:
        return "the Management API kept failing after retries; try again later"
    return None


def classify(method: str, status: int, message: str) -> ErrorKind:
    """What an HTTP error answer means: the phrase decides where Auth0 has one, else the status
    (a 409 on a DELETE is a still-bound action, on a POST a taken name)."""
    text = message.lower()
    if 400 <= status < 500:
        if NOT_BUILT in text:
            return ErrorKind.NOT_BUILT_YET
        if NOT_DEPLOYED in text:
            return ErrorKind.NOT_DEPLOYED_YET
        if status == 400 and ENTITY_BOUND in text:
            return ErrorKind.ENTITY_BOUND
    if status == 409:
        if BOUND in text or (method.upper() == "DELETE" and ALREADY_EXISTS not in text):
            return ErrorKind.STILL_BOUND
        if ALREADY_EXISTS in text or method.upper() == "POST":
            return ErrorKind.ALREADY_EXISTS
    if status >= 500:
        return ErrorKind.SERVER
    return _BY_STATUS.get(status, ErrorKind.OTHER)


def from_response(
    method: str, path: str, status: int, body: Any, domain: str, *, note: str | None = None
) -> ApiError:
    """An ApiError for an HTTP error answer. `body` is parsed JSON or None if unparseable;
    `note` replaces the message for bodies that could not be read."""
    message, code = body_fields(body)
    if message is None:
        message = note or "no error message in the response"
    hint = hint_for(method, path, status, message, code, body, domain)
    shown_code = clip(mask(code), 60) if code else None
    kind = classify(method, status, message)
    return ApiError(method, path, status, clip(mask(message)), shown_code, hint, kind)


def malformed(method: str, path: str, status: int, what: str) -> ApiError:
    """A 2xx whose body is not what the API promises."""
    return ApiError(
        method,
        path,
        status,
        mask(f"malformed response: {what}"),
        hint="is --tenant an Auth0 tenant (or a proxy in between)?",
        kind=ErrorKind.MALFORMED,
    )


def connection_error(method: str, path: str, kind: str, detail: str, domain: str) -> ApiError:
    hints = {
        "dns": f"cannot resolve {domain}: check --tenant / AUTH0_DOMAIN",
        "refused": f"nothing answers at {domain}: check --tenant / AUTH0_DOMAIN",
        "unreachable": f"nothing answers at {domain}: check --tenant / AUTH0_DOMAIN",
        "deadline": f"{domain} answered too slowly (a broken proxy or a hostile server?)",
        "tls": "certificate verification failed: pass --ca-bundle for a private CA",
        "timeout": "the tenant did not answer in time; check the network or try again",
        "dropped": "the connection kept dropping; check the network or try again",
    }
    return ApiError(
        method, path, None, mask(detail), hint=hints.get(kind), kind=ErrorKind.UNREACHABLE
    )
