"""The Auth0 limits the tool enforces, in one table: each with its value and where the fact comes
from (sections of ../shared/reference/auth0-actions-api.md and the source tags it uses).

The manifest checks read these values; the JSON schema in `schemas/` is a static file for
editors, so its numbers are written there too and tests/manifest/test_limits_table.py holds them
to this table (each limit keyword in the schema names its entry with `x-limit`). The emulator
keeps its own table, held to this one by tests/conformance/test_limits_agree.py.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limit:
    """One Auth0 limit: `value` of `unit` (items, characters or bytes) for `what`."""

    value: int
    what: str  # e.g. "actions per tenant"
    unit: str  # "items" | "characters" | "bytes"
    source: str  # the reference section and its source tag


ACTIONS_PER_TENANT = Limit(100, "actions per tenant", "items", "§4.6 (DOCS-ENT)")
ACTIONS_PER_TRIGGER = Limit(20, "actions bound per trigger", "items", "§4.4, §4.6 (DOCS-ENT)")
VERSIONS_PER_ACTION = Limit(50, "versions per action", "items", "§4.1, §4.6 (DOCS-ENT)")
SECRETS_PER_ACTION = Limit(30, "secrets per action", "items", "§2.4, §4.6 (DOCS-ENT)")
DEPENDENCIES_PER_ACTION = Limit(10, "dependencies per action", "items", "§4.6 (DOCS-ENT)")
#: "should not exceed 100 kB"; the tool counts the file's bytes, which is never fewer than its
#: characters, so a file it accepts is also within a limit counted in characters.
ACTION_CODE = Limit(100 * 1024, "action code", "bytes", "§4.6 (DOCS-LIM)")
SECRET_NAME = Limit(128, "secret name", "characters", "§2.4, §4.6 (DOCS-LIM)")
SECRET_VALUE = Limit(4096, "secret value", "characters", "§2.4, §4.6 (DOCS-LIM)")
DEPENDENCY_VERSION = Limit(50, "dependency version", "characters", "§1.10 (OAS)")

MODULES_PER_TENANT = Limit(100, "Actions Modules per tenant", "items", "§4.6 (DOCS-ENT)")
MODULES_PER_ACTION = Limit(3, "modules per action", "items", "§4.6 (DOCS-ENT)")
#: published versions; a module has no endpoint that deletes a version and publishing past the
#: limit answers 412 (§1.10), so no module has a version number above this
VERSIONS_PER_MODULE = Limit(50, "versions per module", "items", "§1.10, §4.6 (DOCS-ENT)")
SECRETS_PER_MODULE = Limit(30, "secrets per module", "items", "§4.6 (DOCS-ENT)")
DEPENDENCIES_PER_MODULE = Limit(10, "dependencies per module", "items", "§4.6 (DOCS-ENT)")
MODULE_CODE = Limit(65536, "module code", "characters", "§1.10, §4.6 (OAS maxLength)")
MODULE_NAME = Limit(255, "module name", "characters", "§1.10 (OAS maxLength)")
MODULE_SECRET_NAME = Limit(255, "module secret name", "characters", "§1.10 (OAS maxLength)")

#: every entry by its name (the name a schema's `x-limit` keyword gives)
TABLE: dict[str, Limit] = {
    "ACTIONS_PER_TENANT": ACTIONS_PER_TENANT,
    "ACTIONS_PER_TRIGGER": ACTIONS_PER_TRIGGER,
    "VERSIONS_PER_ACTION": VERSIONS_PER_ACTION,
    "SECRETS_PER_ACTION": SECRETS_PER_ACTION,
    "DEPENDENCIES_PER_ACTION": DEPENDENCIES_PER_ACTION,
    "ACTION_CODE": ACTION_CODE,
    "SECRET_NAME": SECRET_NAME,
    "SECRET_VALUE": SECRET_VALUE,
    "DEPENDENCY_VERSION": DEPENDENCY_VERSION,
    "MODULES_PER_TENANT": MODULES_PER_TENANT,
    "MODULES_PER_ACTION": MODULES_PER_ACTION,
    "VERSIONS_PER_MODULE": VERSIONS_PER_MODULE,
    "SECRETS_PER_MODULE": SECRETS_PER_MODULE,
    "DEPENDENCIES_PER_MODULE": DEPENDENCIES_PER_MODULE,
    "MODULE_CODE": MODULE_CODE,
    "MODULE_NAME": MODULE_NAME,
    "MODULE_SECRET_NAME": MODULE_SECRET_NAME,
}
