"""The ownership trailer and the per-secret digest (DESIGN.md "Ownership and secrets").

The code the reconciler writes is the manifest's code, a newline if it does not end with one, then

    // managed-by: reconciler · edits made in the dashboard will be overwritten · {JSON}

and a final newline. The JSON object carries:

- ``v``: 1, the trailer format.
- ``secrets``: the secret digest (below); ``""`` when the action has no secrets.
- ``code``: the first 16 hex digits of sha256 over the code as written (trailing whitespace of
  the file removed). Code that no longer matches it was edited outside the reconciler, which is
  how the diff tells a dashboard edit from a manifest change.
- ``protect``: present (``true``) only for ``protect: true`` actions, so an action that left the
  manifests is still protected from deletion.
- ``nl``: present (``false``) only when the code did not end with a newline and one was added,
  so that ``strip_trailer(with_trailer(code, d)) == code`` exactly.

Secret digest: ``<scheme>$<params>$<salt b64url>$NAME1:<hash>,NAME2:<hash>`` with names sorted
and one 16-byte hash per secret (reconciler.core.digests: keyed HMAC-SHA256 with
RECONCILER_DIGEST_KEY, else scrypt; v1 trailers carry PBKDF2 and still compare). The trailer
format stays ``v: 1``: the scheme is named inside the digest, which v1 readers already treated
as an opaque string. One hash per secret lets the plan say which secret's value changed without
ever holding the value.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reconciler.core import digests
from reconciler.core.digests import SALT_BYTES, Scheme, SecretDigest

PREFIX = "// managed-by: reconciler · edits made in the dashboard will be overwritten · "

# The v1 PBKDF2 cost (new digests use core.digests.DEFAULT or the keyed scheme). Chosen by
# measurement on the 2-core build machine (Python 3.11, OpenSSL PBKDF2): one hash takes about
# 1.5 ms CPU at 6,000 iterations (0.36 ms at 1,000; 2.7 ms at 10,000). The worst plan of 100
# actions with 3 secrets each whose values all changed runs PBKDF2 600 times (verify the live
# digest, then a fresh digest for the new trailer). `bench/plan_cpu.py` (diff + plan + render of
# that plan, 5 kB of changed code per action) measured 1.03 s CPU at 6,000 iterations on an idle
# machine and 1.15-1.30 s with other jobs on both cores; 5,000 keeps the worst case near 1 s CPU
# (1.04-1.25 s measured under the same load), well inside the 2 s budget.
DEFAULT_ITERATIONS = 5000


@dataclass(frozen=True, slots=True)
class TrailerInfo:
    """What a trailer says. `code_hash` is "" when absent (then no edit detection)."""

    secrets: str
    code_hash: str = ""
    protect: bool = False
    added_newline: bool = False
    version: int = 1


def normalise_code(code: str) -> str:
    """The form in which code is compared: trailing whitespace at the end of the file removed."""
    return code.rstrip()


def code_hash(code: str) -> str:
    """The fingerprint stored in the trailer: 16 hex digits of sha256 of the normalised code."""
    return hashlib.sha256(normalise_code(code).encode("utf-8")).hexdigest()[:16]


def trailer_line(code: str, digest: str, *, protect: bool = False) -> str:
    """The trailer line (no newline) for `code` as the manifest has it."""
    meta: dict[str, object] = {"v": 1, "secrets": digest, "code": code_hash(code)}
    if protect:
        meta["protect"] = True
    if not code.endswith("\n"):
        meta["nl"] = False
    return PREFIX + json.dumps(meta, separators=(",", ":"), ensure_ascii=True)


def with_trailer(code: str, digest: str, *, protect: bool = False) -> str:
    """The code the reconciler writes: `code`, a newline if missing, the trailer, a newline."""
    sep = "" if code.endswith("\n") else "\n"
    return f"{code}{sep}{trailer_line(code, digest, protect=protect)}\n"


def strip_trailer(code: str) -> tuple[str, TrailerInfo | None]:
    """Remove a valid trailer (the last non-blank line) and return (code, info).

    Code without a valid trailer comes back unchanged with None. Blank lines after the trailer
    (an editor may add some) are tolerated and dropped.
    """
    body = code.rstrip()
    start = body.rfind("\n") + 1
    line = body[start:]
    if not line.startswith(PREFIX):
        return code, None
    info = _parse_meta(line[len(PREFIX) :])
    if info is None:
        return code, None
    rest = code[:start]
    if info.added_newline and rest.endswith("\n"):
        rest = rest[:-1]
    return rest, info


def digest_checks(
    values: Mapping[str, Mapping[str, str]], codes: Iterable[tuple[str, str]]
) -> list[tuple[str, Mapping[str, str]]]:
    """The (digest, values) pairs `digests.prefetch` hashes ahead: the secret digest in the
    trailer of each live (action name, code) whose name has desired `values`."""
    checks: list[tuple[str, Mapping[str, str]]] = []
    for name, code in codes:
        wanted = values.get(name)
        info = strip_trailer(code)[1] if wanted else None
        if wanted and info is not None and info.secrets:
            checks.append((info.secrets, wanted))
    return checks


def _parse_meta(text: str) -> TrailerInfo | None:
    try:
        meta = json.loads(text)
    except ValueError:
        return None
    if not isinstance(meta, dict) or meta.get("v") != 1:
        return None
    secrets = meta.get("secrets")
    code = meta.get("code", "")
    protect = meta.get("protect", False)
    nl = meta.get("nl", True)
    if not (isinstance(secrets, str) and isinstance(code, str)):
        return None
    if not (isinstance(protect, bool) and isinstance(nl, bool)):
        return None
    return TrailerInfo(secrets=secrets, code_hash=code, protect=protect, added_newline=not nl)


# --------------------------------------------------------------------------- secret digest
# The schemes live in reconciler.core.digests; these are the functions the diff, planner and applier
# call. A digest is always checked with its own scheme (key attached when it is the same key).


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def compute_digest(
    secrets: Mapping[str, str],
    salt: bytes | None = None,
    iterations: int | None = None,
    *,
    scheme: Scheme | None = None,
) -> str:
    """The digest of name -> value pairs; "" when there are none. A fresh salt unless given.
    `scheme` (default: unkeyed scrypt); `iterations` asks for the v1 PBKDF2 scheme instead."""
    if iterations is not None:
        scheme = digests.pbkdf2(iterations)
    return digests.compute(secrets, salt, scheme or digests.DEFAULT)


def parse_digest(digest: str, key: bytes | None = None) -> SecretDigest | None:
    """Parse a digest; None when it is not one this version understands."""
    return digests.parse(digest, key)


def digest_scheme(digest: str) -> str | None:
    """The scheme label ("scrypt$n=2048,r=8,p=1", ...) of a digest; None when unreadable."""
    parsed = digests.parse(digest)
    return None if parsed is None else parsed.scheme.label


def digest_names(digest: str) -> tuple[str, ...] | None:
    """The secret names a digest covers (sorted); () for ""; None when unreadable."""
    if digest == "":
        return ()
    parsed = parse_digest(digest)
    return None if parsed is None else tuple(sorted(parsed.hashes))


def needs_key(digest: str, key: bytes | None) -> bool:
    """True for a keyed digest that `key` did not make (its values cannot be checked)."""
    parsed = digests.parse(digest, key) if digest else None
    return parsed is not None and not digests.comparable(parsed)


def changed_values(
    digest: str, secrets: Mapping[str, str], key: bytes | None = None
) -> tuple[str, ...] | None:
    """Names present in both `digest` and `secrets` whose value differs from the digested one.

    Recomputes with the digest's own scheme and salt. None when the digest is unreadable, or
    keyed with a key other than `key`.
    """
    if digest == "":
        return ()
    parsed = parse_digest(digest, key)
    if parsed is None or not digests.comparable(parsed):
        return None
    return digests.changed(parsed, secrets)


def verify(digest: str, secrets: Mapping[str, str], key: bytes | None = None) -> bool:
    """True when `digest` covers exactly these names with exactly these values."""
    names = digest_names(digest)
    if names is None or names != tuple(sorted(secrets)):
        return False
    return changed_values(digest, secrets, key) == ()
