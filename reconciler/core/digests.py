"""Secret digests: how the trailer proves which secret values it was written with.

A digest is ``<scheme>$<params>$<salt b64url>$NAME1:<hash>,NAME2:<hash>`` (names sorted, each
hash 16 bytes, base64url without padding). The scheme says how every hash was made, so a value is
always checked with the scheme that made the stored digest:

- ``hmac-sha256$k=<key id>``: keyed (``RECONCILER_DIGEST_KEY``). HMAC-SHA256(key, salt, name,
  value): instant, and no guess can be tested without the key. The key id (6 bytes of an HMAC of
  a fixed label under the key) tells which key made it; it reveals nothing about the key.
- ``scrypt$n=<N>,r=<r>,p=<p>``: the unkeyed default, memory-hard (128·N·r bytes per guess).
- ``pbkdf2-sha256$<iterations>``: the v1 digest of earlier releases; still read and compared.

A digest read from the tenant is untrusted: its cost parameters are bounded before anything is
computed, so a hostile trailer cannot make a plan run for minutes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from reconciler.core import scryptlib

KEY_ENV = "RECONCILER_DIGEST_KEY"
PBKDF2 = "pbkdf2-sha256"
SCRYPT = "scrypt"
HMAC = "hmac-sha256"
SALT_BYTES = 16
HASH_BYTES = 16
# Measured with bench/plan_cpu.py on the shared 2-core machine: N=2^10, r=8 costs about 2.5-3 ms
# CPU and 1 MiB per hash (PBKDF2 at 5,000: 1.3-2 ms and no memory); the worst plan of 100 actions
# x 3 changed secrets (600 hashes) stays near 2 s CPU. N=2^11 (2 MiB) doubled it to 3.8 s.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**10, 8, 1
_MAX_SCRYPT_MEMORY = 32 * 1024 * 1024  # 128 * N * r bytes; bounds a hostile trailer
_MAX_PBKDF2 = 10_000_000
_SCRYPT_PARAMS = re.compile(r"^n=(\d{1,7}),r=(\d{1,3}),p=(\d{1,2})$")
_KEY_ID = re.compile(r"^k=([A-Za-z0-9_-]{8})$")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def key_id(key: bytes) -> str:
    return b64(hmac.new(key, b"reconciler secret digest key id", hashlib.sha256).digest()[:6])


@dataclass(frozen=True, slots=True)
class Scheme:
    """How hashes are made: `name`, its `params` as written in the digest, and the key (keyed
    scheme only; never printed)."""

    name: str
    params: str
    key: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        return f"{self.name}${self.params}"

    def hash(self, value: str, salt: bytes, secret: str) -> str:
        return _hash(self.name, self.params, self.key, value, salt, secret)


# One process plans twice (before applying and the verifying re-read) and writes digests it
# then reads back: the same (scheme, value, salt) comes up again and scrypt costs ~2-3 ms a time.
# The cache lives only in this process's memory, where the secret values already are.
@lru_cache(maxsize=4096)
def _hash(name: str, params: str, key: bytes | None, value: str, salt: bytes, secret: str) -> str:
    data, salted = value.encode("utf-8"), salt + secret.encode("utf-8")
    if name == HMAC:
        assert key is not None
        mac = hmac.new(key, salted + b"\0" + data, hashlib.sha256)
        return b64(mac.digest()[:HASH_BYTES])
    if name == SCRYPT:
        n, r, p = (int(x) for x in _SCRYPT_PARAMS.findall(params)[0])
        return b64(scryptlib.current()(data, salted, n, r, p, 2 * _MAX_SCRYPT_MEMORY, HASH_BYTES))
    return b64(hashlib.pbkdf2_hmac("sha256", data, salted, int(params), HASH_BYTES))


def pbkdf2(iterations: int) -> Scheme:
    return Scheme(PBKDF2, str(iterations))


def scrypt(n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> Scheme:
    return Scheme(SCRYPT, f"n={n},r={r},p={p}")


def keyed(key: bytes) -> Scheme:
    return Scheme(HMAC, f"k={key_id(key)}", key)


def key_from_env(environ: Mapping[str, str] | None = None) -> bytes | None:
    """The digest key from RECONCILER_DIGEST_KEY (None when unset or empty)."""
    value = (os.environ if environ is None else environ).get(KEY_ENV, "")
    return value.encode("utf-8") if value else None


def scheme_for(key: bytes | None) -> Scheme:
    """The scheme new digests are made with: keyed when there is a key, else scrypt."""
    return keyed(key) if key else scrypt()


DEFAULT = scrypt()


@dataclass(frozen=True, slots=True)
class SecretDigest:
    """A parsed digest: its scheme, salt and one hash per secret name."""

    scheme: Scheme
    salt: bytes
    hashes: Mapping[str, str]  # name -> b64url hash


def _scheme(name: str, params: str, key: bytes | None) -> Scheme | None:
    if name == PBKDF2:
        ok = params.isdigit() and 1 <= int(params) <= _MAX_PBKDF2
        return Scheme(PBKDF2, params) if ok else None
    if name == SCRYPT:
        match = _SCRYPT_PARAMS.match(params)
        if match is None:
            return None
        n, r, p = (int(x) for x in match.groups())
        if n < 2 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 4:
            return None
        return Scheme(SCRYPT, params) if 128 * n * r * p <= _MAX_SCRYPT_MEMORY else None
    if name == HMAC and _KEY_ID.match(params):
        return Scheme(HMAC, params, key if key and params == f"k={key_id(key)}" else None)
    return None


def parse(digest: str, key: bytes | None = None) -> SecretDigest | None:
    """Parse a digest; None when it is not one this version understands. A keyed digest parses
    with `key` attached only when it was made with that key."""
    pieces = digest.split("$")
    if len(pieces) != 4:
        return None
    scheme = _scheme(pieces[0], pieces[1], key)
    if scheme is None:
        return None
    try:
        salt = base64.urlsafe_b64decode(pieces[2] + "=" * (-len(pieces[2]) % 4))
    except (binascii.Error, ValueError):
        return None
    hashes: dict[str, str] = {}
    for part in pieces[3].split(","):
        name, sep, value = part.rpartition(":")
        if not sep or not name or not value or name in hashes:
            return None
        hashes[name] = value
    return SecretDigest(scheme=scheme, salt=salt, hashes=hashes)


def comparable(parsed: SecretDigest) -> bool:
    """False for a keyed digest whose key is not at hand (no value can be checked)."""
    return parsed.scheme.name != HMAC or parsed.scheme.key is not None


def compute(secrets: Mapping[str, str], salt: bytes | None = None, scheme: Scheme = DEFAULT) -> str:
    """The digest of name -> value pairs; "" when there are none. A fresh salt unless given."""
    if not secrets:
        return ""
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    parts = [f"{n}:{scheme.hash(secrets[n], salt, n)}" for n in sorted(secrets)]
    return f"{scheme.label}${b64(salt)}${','.join(parts)}"


def changed(parsed: SecretDigest, secrets: Mapping[str, str]) -> tuple[str, ...]:
    """Names in both whose value differs from the digested one (the digest's own scheme)."""
    out = []
    for name in sorted(set(parsed.hashes) & set(secrets)):
        fresh = parsed.scheme.hash(secrets[name], parsed.salt, name)
        if not hmac.compare_digest(fresh, parsed.hashes[name]):
            out.append(name)
    return tuple(out)


def prefetch(checks: Iterable[tuple[str, Mapping[str, str]]], key: bytes | None = None) -> None:
    """Compute ahead, on every core, the hashes that `changed` will need for these (digest,
    values) pairs, so the planner then finds them in the cache: with the unkeyed default each
    costs ~3 ms of CPU, and a plan of 100 actions needs 100 of them. Unreadable digests and
    keyed ones without their key are skipped, as `changed` never hashes them."""
    jobs: dict[tuple[Scheme, bytes, str, str], None] = {}
    for digest, values in checks:
        parsed = parse(digest, key) if digest else None
        if parsed is None or not comparable(parsed) or parsed.scheme.name == HMAC:
            continue
        for name in sorted(set(parsed.hashes) & set(values)):
            jobs[(parsed.scheme, parsed.salt, name, values[name])] = None

    def one(job: tuple[Scheme, bytes, str, str]) -> None:
        scheme, salt, name, value = job
        scheme.hash(value, salt, name)

    scryptlib.run_parallel(list(jobs), one)
