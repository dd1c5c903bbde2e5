"""RECONCILER_DIGEST_KEY end to end (issue 12, point 4): apply writes keyed trailers, a changed
value is planned without being printed, and a plan without the key neither claims a change nor
downgrades the trailer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.core.digests import keyed
from tests.support import Api

Cli = Callable[..., tuple[int, str, str]]
KEY = "ci-digest-key-7f3a9c"
CHANGED = "rotated-enrich-api-key-9999"


def test_keyed_trailers_detect_a_changed_value_and_print_nothing(
    cli: Cli, root: Path, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILER_DIGEST_KEY", KEY)
    code, out, err = cli("apply", str(root), "--auto-approve")
    assert code == 0, out + err
    trailer = api.actions()["enrich-token"]["code"].rstrip().splitlines()[-1]
    assert f'"secrets":"hmac-sha256${keyed(KEY.encode()).params}$' in trailer
    code, out, err = cli("plan", str(root), "--detailed-exitcode")
    assert code == 0, out + err

    monkeypatch.setenv("ENRICH_API_KEY", CHANGED)
    outputs = []
    for fmt in ("text", "markdown", "json"):
        code, out, err = cli("plan", str(root), "--format", fmt, "--detailed-exitcode")
        assert code == 2, out + err
        outputs.append(out + err)
    assert "secret API_KEY: new value" in outputs[0]
    code, out, err = cli("apply", str(root), "--auto-approve")
    assert code == 0, out + err
    outputs.append(out + err)
    for text in outputs:
        assert CHANGED not in text
        assert KEY not in text
        assert "example-enrich-api-key-0000" not in text

    monkeypatch.delenv("RECONCILER_DIGEST_KEY")
    code, out, err = cli("plan", str(root), "--detailed-exitcode")
    assert code == 0, out + err
    assert (
        "Warning: action enrich-token: secret values were not compared: its digest is keyed "
        "and RECONCILER_DIGEST_KEY is not set"
    ) in out
    assert "new value" not in out
