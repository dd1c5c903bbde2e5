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

Secret digest: ``pbkdf2-sha256$<iterations>$<salt b64url>$NAME1:<hash>,NAME2:<hash>`` with names
sorted and each hash the first 16 bytes of PBKDF2-HMAC-SHA256(value, salt + name, iterations),
base64url without padding. One hash per secret lets the plan say which secret's value changed
without ever holding the value.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

PREFIX = "// managed-by: reconciler · edits made in the dashboard will be overwritten · "
ALGORITHM = "pbkdf2-sha256"
SALT_BYTES = 16
HASH_BYTES = 16

# Chosen by measurement on the 2-core build machine (Python 3.11, OpenSSL PBKDF2): one hash takes
# about 1.5 ms CPU at 6,000 iterations (0.36 ms at 1,000; 2.7 ms at 10,000). The worst plan of 100
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


@dataclass(frozen=True, slots=True)
class SecretDigest:
    """A parsed secret digest: how to recompute, and one hash per secret name."""

    iterations: int
    salt: bytes
    hashes: Mapping[str, str]  # name -> b64url hash


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


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


@functools.lru_cache(maxsize=4096)  # plan and the verify after apply check the same digests
def _hash(value: str, salt: bytes, name: str, iterations: int) -> str:
    raw = hashlib.pbkdf2_hmac(
        "sha256", value.encode("utf-8"), salt + name.encode("utf-8"), iterations, HASH_BYTES
    )
    return _b64(raw)


def compute_digest(
    secrets: Mapping[str, str], salt: bytes | None = None, iterations: int = DEFAULT_ITERATIONS
) -> str:
    """The digest of name -> value pairs; "" when there are none. A fresh salt unless given."""
    if not secrets:
        return ""
    if salt is None:
        salt = new_salt()
    parts = [f"{name}:{_hash(secrets[name], salt, name, iterations)}" for name in sorted(secrets)]
    return f"{ALGORITHM}${iterations}${_b64(salt)}${','.join(parts)}"


def parse_digest(digest: str) -> SecretDigest | None:
    """Parse a digest; None when it is not one this version understands."""
    pieces = digest.split("$")
    if len(pieces) != 4 or pieces[0] != ALGORITHM or not pieces[1].isdigit():
        return None
    iterations = int(pieces[1])
    if not 1 <= iterations <= 10_000_000:
        return None
    try:
        salt = _unb64(pieces[2])
    except (binascii.Error, ValueError):
        return None
    hashes: dict[str, str] = {}
    for part in pieces[3].split(","):
        name, sep, value = part.rpartition(":")
        if not sep or not name or not value or name in hashes:
            return None
        hashes[name] = value
    return SecretDigest(iterations=iterations, salt=salt, hashes=hashes)


def digest_names(digest: str) -> tuple[str, ...] | None:
    """The secret names a digest covers (sorted); () for ""; None when unreadable."""
    if digest == "":
        return ()
    parsed = parse_digest(digest)
    return None if parsed is None else tuple(sorted(parsed.hashes))


def changed_values(digest: str, secrets: Mapping[str, str]) -> tuple[str, ...] | None:
    """Names present in both `digest` and `secrets` whose value differs from the digested one.

    Recomputes with the digest's own salt and iterations. None when the digest is unreadable.
    """
    if digest == "":
        return ()
    parsed = parse_digest(digest)
    if parsed is None:
        return None
    changed = []
    for name in sorted(set(parsed.hashes) & set(secrets)):
        fresh = _hash(secrets[name], parsed.salt, name, parsed.iterations)
        if not hmac.compare_digest(fresh, parsed.hashes[name]):
            changed.append(name)
    return tuple(changed)


def verify(digest: str, secrets: Mapping[str, str]) -> bool:
    """True when `digest` covers exactly these names with exactly these values."""
    names = digest_names(digest)
    if names is None or names != tuple(sorted(secrets)):
        return False
    return changed_values(digest, secrets) == ()
