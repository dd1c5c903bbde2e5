"""Live secret digests checked ahead on every core (issue 16): the same hash, all cached."""

from __future__ import annotations

import hashlib
import os

import pytest

from reconciler.core import digests, scryptlib


@pytest.mark.parametrize(
    ("data", "salt", "n"),
    [(b"", b"s", 2), (b"value\x00with nul", b"\x00salt\xff", 1024), (b"x" * 300, b"", 16)],
)
def test_the_gil_free_scrypt_is_hashlibs(data: bytes, salt: bytes, n: int) -> None:
    native = scryptlib.native()
    if native is None:
        pytest.skip("no ctypes binding of OpenSSL's scrypt here")
    want = hashlib.scrypt(data, salt=salt, n=n, r=8, p=1, maxmem=64 * 2**20, dklen=16)
    assert native(data, salt, n, 8, 1, 64 * 2**20, 16) == want


def test_prefetch_leaves_nothing_for_the_diff_to_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    values = [{"A": f"a-{i}-{os.urandom(4).hex()}", "B": f"b-{i}"} for i in range(12)]
    made = [digests.compute(v) for v in values]  # fresh salts: nothing cached yet
    changed = dict(values[3], A="another value")
    digests.prefetch([(d, v) for d, v in zip(made, values, strict=True)])
    digests.prefetch([(made[3], changed)])

    def refuse(*args: object) -> bytes:
        raise AssertionError("hashed again")

    monkeypatch.setattr(scryptlib, "current", lambda: refuse)
    for digest, value in zip(made, values, strict=True):
        parsed = digests.parse(digest)
        assert parsed is not None
        assert digests.changed(parsed, value) == ()
    parsed = digests.parse(made[3])
    assert parsed is not None
    assert digests.changed(parsed, changed) == ("A",)


def test_prefetch_skips_what_cannot_be_compared() -> None:
    keyed = digests.compute({"A": "value-1"}, scheme=digests.keyed(b"k" * 16))
    digests.prefetch([(keyed, {"A": "value-1"}), ("", {"A": "x"}), ("garbage", {"A": "x"})])


def test_an_error_in_a_worker_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scryptlib, "workers", lambda: 2)

    def work(job: int) -> None:
        if job == 7:
            raise ValueError("job 7")

    with pytest.raises(ValueError, match="job 7"):
        scryptlib.run_parallel(list(range(20)), work)
