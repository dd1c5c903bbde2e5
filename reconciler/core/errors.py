"""One error family. Everything a user may see derives from ReconcilerError.

The CLI maps each to an exit code and prints `reconciler: error: <str(exc)>`; no traceback.
Messages must never contain secret values or tokens (see reconciler.core.masking).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from reconciler.core.escaping import terminal
from reconciler.core.exitcodes import ExitCode

QUOTE_LIMIT = 200  # characters of outside text (input, a server's message) an error may quote


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """At most `limit` characters of `text`; a cut is marked with "..."."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ReconcilerError(Exception):
    """An expected, user-facing failure."""

    exit_code: ExitCode = ExitCode.ERROR


@dataclass(frozen=True)
class Problem:
    """One validation problem: where, which key, what is wrong."""

    file: str
    line: int
    column: int
    key_path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        key = f" {terminal(self.key_path)}:" if self.key_path else ""
        return f"{where}:{key} {terminal(self.message)}"


class ManifestError(ReconcilerError):
    """One or more problems in the manifests; str() is one line per problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class GuardError(ReconcilerError):
    """A safety guard stopped the run (protected delete, stale plan, --max-deletes)."""

    exit_code = ExitCode.BLOCKED


class Interrupted(ReconcilerError):
    """Ctrl-C (SIGINT): the shell convention, 128 + 2."""

    exit_code = ExitCode.INTERRUPTED


class ErrorKind(enum.Enum):
    """What a failed Management API call means to the tool, decided once by
    reconciler.auth0.errormap when the ApiError is made (callers never match its English text)."""

    NOT_BUILT_YET = "not_built_yet"  # deploy of a draft/version still building: retry soon
    NOT_DEPLOYED_YET = "not_deployed_yet"  # binding an action just deployed: retry soon
    ALREADY_EXISTS = "already_exists"  # create: the name is taken
    STILL_BOUND = "still_bound"  # delete: the action is bound to a trigger
    IN_USE = "in_use"  # 412 on a module delete: an action still uses the module
    ENTITY_BOUND = "entity_bound"  # bindings of an entity-bound trigger cannot be listed/set
    NOT_FOUND = "not_found"
    INVALID = "invalid"  # another 400: the request was refused as it stands
    UNAUTHORIZED = "unauthorized"  # 401
    FORBIDDEN = "forbidden"  # 403
    CONFLICT = "conflict"  # another 409
    RATE_LIMITED = "rate_limited"  # 429 after the retries
    SERVER = "server"  # 5xx after the retries
    MALFORMED = "malformed"  # a 2xx whose body is not what the API promises
    UNREACHABLE = "unreachable"  # no answer at all (DNS, refused, TLS, timeout, dropped)
    OTHER = "other"


class ApiError(ReconcilerError):
    """A Management API call failed. Carries no token and no secret value."""

    def __init__(
        self,
        method: str,
        path: str,
        status: int | None,
        message: str,
        error_code: str | None = None,
        hint: str | None = None,
        kind: ErrorKind = ErrorKind.OTHER,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        self.error_code = error_code
        self.hint = hint
        self.kind = kind
        message, error_code = terminal(message), error_code and terminal(error_code)
        status_text = str(status) if status is not None else "no response"
        text = f"{method} {path} -> {status_text}: {message}"
        if error_code:
            text += f" ({error_code})"
        if hint:
            text += f"; hint: {hint}"
        super().__init__(text)


class StepFailed(ReconcilerError):
    """An apply step could not be carried out; the message is shown to the operator."""
