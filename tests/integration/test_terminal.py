"""Terminal conventions, on a real pseudo-terminal: `apply` approves only a typed-out `yes`
(as Terraform does), Ctrl-C at the prompt ends the line and exits 130 without a traceback, and
the colour precedence is --color/--no-color > NO_COLOR > FORCE_COLOR > tty."""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reconciler.cli import run
from reconciler.commands import output
from reconciler.core.exitcodes import ExitCode
from reconciler.emulator import Emulator
from tests.support import EXAMPLES, env_values

PROMPT = b"Enter a value: "


def spawn(args: list[str], cwd: Path) -> tuple[int, int]:
    """Start `python -m reconciler ARGS` on a new pty (its controlling terminal)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTH0_", "RECONCILER_"))}
    env["NO_COLOR"] = "1"
    pid, fd = pty.fork()
    if pid == 0:  # the child: never returns
        os.chdir(cwd)
        os.execve(sys.executable, [sys.executable, "-m", "reconciler", *args], env)  # noqa: S606
    return pid, fd


def read_until(fd: int, marker: bytes, seconds: float = 60.0) -> bytes:
    out = b""
    deadline = time.monotonic() + seconds
    while marker not in out and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
    return out


def finish(pid: int, fd: int) -> tuple[int, bytes]:
    rest = read_until(fd, b"\x00never\x00", seconds=60.0)
    done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0:  # still running after 60 s (seen once: deaf to a ^C under load): fail, not hang
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), rest


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "actions")
    return tmp_path


APPLY = ["apply", "actions", "--tenant", "local", "--var-file", "actions/.env.example"]


def answer_prompt(workdir: Path, keys: bytes) -> tuple[int, str]:
    pid, fd = spawn(APPLY, workdir)
    try:
        before = read_until(fd, PROMPT)
        assert PROMPT in before, before.decode(errors="replace")
        assert b"Only 'yes' will be accepted to approve." in before
        os.write(fd, keys)
    except BaseException:
        os.kill(pid, 9)
        finish(pid, fd)
        raise
    code, rest = finish(pid, fd)
    return code, rest.decode(errors="replace")


def pending_changes(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.chdir(workdir)
    args = ["plan", "actions", "--tenant", "local", "--var-file", "actions/.env.example"]
    return run([*args, "--detailed-exitcode"])


def test_a_bare_y_is_not_approval(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, rest = answer_prompt(workdir, b"y\n")
    assert code == 1
    assert "reconciler: error: apply cancelled (only 'yes' approves); nothing was changed" in rest
    assert pending_changes(workdir, monkeypatch) == ExitCode.CHANGES


def test_ctrl_c_at_the_prompt_exits_130(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, rest = answer_prompt(workdir, b"\x03")
    assert code == 130
    # the terminal echoes ^C; reconciler ends that line before its one-line message
    assert rest.replace("^C", "").strip("\r\n") == (
        "reconciler: error: interrupted at the prompt; nothing was changed"
    )
    assert "Traceback" not in rest
    assert pending_changes(workdir, monkeypatch) == ExitCode.CHANGES


@pytest.mark.slow
def test_yes_approves(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, rest = answer_prompt(workdir, b"yes\n")
    assert code == 0, rest
    assert "Apply complete: " in rest, rest
    assert pending_changes(workdir, monkeypatch) == ExitCode.OK


BOLD_TITLE = "\x1b[1mreconciler plan for local\x1b[0m"


@pytest.mark.parametrize(
    ("flag", "env", "colored"),
    [
        ([], {}, False),  # a pipe (capsys), no setting: plain
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": ""}, False),  # set but empty means unset (force-color.org)
        ([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),  # NO_COLOR beats FORCE_COLOR
        (["--color"], {"NO_COLOR": "1"}, True),  # the flag beats both
        (["--no-color"], {"FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_precedence(
    flag: list[str],
    env: dict[str, str],
    colored: bool,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(workdir)
    args = ["plan", "actions", "--tenant", "local", "--var-file", "actions/.env.example"]
    assert run([*flag, *args]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == (BOLD_TITLE if colored else "reconciler plan for local")
    assert output._COLOR_FLAG == [None]  # a run's flag does not leak into the next run


def console(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("reconciler")
    assert exe.exists(), "the console script is installed with the package"
    return subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.mark.slow
def test_version_and_shell_completion_work_as_documented() -> None:
    from reconciler import __version__

    assert console(["--version"]).stdout == f"reconciler, version {__version__}\n"
    source = console([], {"_RECONCILER_COMPLETE": "bash_source"})
    assert source.returncode == 0
    assert "_reconciler_completion()" in source.stdout
    words = {"COMP_WORDS": "reconciler pl", "COMP_CWORD": "1"}
    done = console([], {"_RECONCILER_COMPLETE": "bash_complete", **words})
    assert done.stdout.splitlines() == ["plain,plan"]


@pytest.mark.parametrize("args", [["--help"], ["apply", "--help"]])
def test_help_examples_are_printed_as_written(args: list[str]) -> None:
    lines = console(args).stdout.splitlines()
    start = lines.index("    reconciler apply examples/actions --tenant local \\")
    assert lines[start + 1] == "        --var-file examples/actions/.env.example --auto-approve"
    assert not [line for line in lines if line.rstrip() != line]  # no stray trailing spaces


def test_help_lists_every_exit_code_including_130() -> None:
    lines = console(["--help"]).stdout.splitlines()
    start = lines.index("  Exit codes: 0 ok, 1 error, 2 changes (plan --detailed-exitcode),")
    assert lines[start + 1] == (
        "    3 blocked by a guard, 70 a bug (crash report written), 130 interrupted (Ctrl-C)."
    )
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "| 130 | interrupted (Ctrl-C); at the apply prompt nothing was written |" in readme


@pytest.mark.slow
# every request takes 1 s: the Ctrl-C, sent within 50 ms of the first answer, lands while the
# next request is in flight (3 s did the same and cost ~8 s more of waiting for the exit)
@pytest.mark.emulator(latency_ms=1000)
def test_ctrl_c_while_planning_exits_130_without_a_traceback(emu: Emulator, workdir: Path) -> None:
    env = {
        **os.environ,
        "AUTH0_DOMAIN": emu.url,
        "AUTH0_CLIENT_ID": emu.client_id,
        "AUTH0_CLIENT_SECRET": emu.client_secret,
        **env_values(),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "plan", "actions"],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not emu.request_log and time.monotonic() < deadline:  # waiting on the tenant
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert (proc.returncode, err) == (130, "\nreconciler: error: interrupted\n")
    assert out == ""
