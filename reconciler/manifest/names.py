"""Names that are printed: an action name or a binding display name reaches every plan, PR
comment and log, so it may not hold what could forge a line there (issue 12, point 3)."""

from __future__ import annotations

from reconciler.core.escaping import terminal, unsafe


def name_problem(name: str, what: str) -> str | None:
    """Why `name` cannot be used as `what` ("action name", "display name"), or None."""
    bad = next((c for c in name if unsafe(c)), None)
    if bad is not None:
        return (
            f"{what} contains the control character {terminal(bad)}; names are printed in plans "
            "and logs, so control, format and line-separator characters are not allowed"
        )
    if not name.strip():
        return f"{what} is only whitespace"
    if name != name.strip():
        return f"{what} has leading or trailing whitespace"
    return None
