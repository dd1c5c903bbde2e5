"""A bug (an unexpected exception escaping a command) is reported as a bug: exit 70, one line
naming a crash report, and the report holds the traceback with every secret value masked."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest

from reconciler.cli import run
from reconciler.commands import crash, validate
from reconciler.core.exitcodes import ExitCode

LINE = re.compile(
    r"reconciler: error: bug in reconciler: RuntimeError: cannot read \*\*\* from the record; "
    r"crash report written to (?P<path>\S+); please report it\n"
)


def crash_validate(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[str]]:
    """A secret registered by the product path (validate --resolve), then a bug quoting it."""
    token = f"crash-token-{secrets.token_hex(8)}"
    var_file = root / "crash.env"
    lines = (root / ".env.example").read_text().splitlines()
    lines = [f"QUOTA_API_TOKEN={token}" if s.startswith("QUOTA_API_TOKEN=") else s for s in lines]
    var_file.write_text("\n".join(lines) + "\n")

    def broken(_: Path) -> object:
        raise RuntimeError(f"cannot read {token} from the record")

    monkeypatch.setattr(validate, "read_record", broken)
    return token, ["validate", str(root), "--resolve", "--var-file", str(var_file)]


def test_a_bug_exits_70_with_one_line_naming_a_masked_crash_report(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token, args = crash_validate(root, monkeypatch)
    code = run(args)
    out, err = capsys.readouterr()
    assert (code, out) == (ExitCode.BUG, "")
    assert ExitCode.BUG == 70
    match = LINE.fullmatch(err)
    assert match, err
    report = Path(match["path"])
    assert report.parent == Path.cwd() / ".reconciler"
    assert re.fullmatch(r"crash-\d{8}T\d{6}Z-\d+\.txt", report.name)
    text = report.read_text()
    assert text.startswith("reconciler crash report: this is a bug in reconciler")
    assert "Traceback (most recent call last):" in text
    assert 'in broken\n    raise RuntimeError(f"cannot read {token} from the record")' in text
    assert text.rstrip().endswith("RuntimeError: cannot read *** from the record")
    assert f"command: reconciler {' '.join(args)}" in text
    assert token not in text
    assert token not in err


def test_the_report_goes_to_the_temp_dir_when_the_cwd_cannot_hold_it(
    root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token, args = crash_validate(root, monkeypatch)
    (tmp_path / ".reconciler").write_text("a file where the folder would go\n")
    spare = tmp_path / "tmp"
    spare.mkdir()
    monkeypatch.setattr(crash.tempfile, "tempdir", str(spare))
    code = run(args)
    err = capsys.readouterr().err
    match = LINE.fullmatch(err)
    assert (code, bool(match)) == (ExitCode.BUG, True), err
    assert match is not None
    report = Path(match["path"])
    assert report.parent == spare
    assert token not in report.read_text()


def test_traceback_flag_still_reraises_the_bug(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, args = crash_validate(root, monkeypatch)
    with pytest.raises(RuntimeError, match="from the record"):
        run(["--traceback", *args])
    assert not (Path.cwd() / ".reconciler").exists()


def test_an_expected_error_is_still_exit_1_without_a_report(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["validate", str(root / "missing")])
    err = capsys.readouterr().err
    assert code == ExitCode.ERROR
    assert err.startswith("reconciler: error: ")
    assert "bug" not in err
    assert not (Path.cwd() / ".reconciler").exists()
