"""The node process behind the `node --check` lint (lint.py), and starting it ahead of time.

Starting node costs ~60 ms of CPU, nearly all of a check (compiling 100 small files adds a few
ms). `warm(node)` starts the process now, idle on its stdin until `run` hands it the sources, so
that start-up overlaps what the caller does meanwhile: `plan` and `apply` warm it while their
tenant read travels and the manifests are imported and loaded, instead of paying it when the
action list is in and the live secret digests are being hashed on every core (issue 16).

Only a process's first check is warmed: a later one (apply's after its plan, the
test suite's) mostly finds every verdict in lint's memo and starts no node at all. A warmed
process that is not used (the manifests were refused, every verdict was remembered, node was
looked up on another PATH) is killed by `discard`.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading

#: One node process compiles every file as a CommonJS module body (what `node --check` does for
#: a .js file) and prints {path: stack} for the failures. The sources come on stdin ({path:
#: text}; null: node reads the file itself).
CHECK_SCRIPT = """
const fs = require("fs"), vm = require("vm");
const out = {};
for (const [file, text] of Object.entries(JSON.parse(fs.readFileSync(0, "utf8")))) {
  try {
    vm.compileFunction(text === null ? fs.readFileSync(file, "utf8") : text,
      ["exports", "require", "module", "__filename", "__dirname"], { filename: file });
  } catch (err) {
    out[file] = String((err && err.stack) || err);
  }
}
process.stdout.write(JSON.stringify(out));
"""

_lock = threading.Lock()
_warm: dict[str, subprocess.Popen[str]] = {}  # node executable -> its idle process
_checked = False  # a check has run in this process


def _spawn(node: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [node, "-e", CHECK_SCRIPT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired, OSError, ValueError):
        proc.communicate(timeout=5)  # reaps it and closes its pipes


def warm(node: str) -> None:
    """Start `node` with the check script now, for the next `run` with the same `node`, when no
    check has run in this process yet. A node that cannot start is left to that `run` to report."""
    with _lock:
        if _checked or node in _warm:
            return
        try:
            _warm[node] = _spawn(node)
        except OSError:
            return


def discard() -> None:
    """Kill the warmed processes no check used."""
    with _lock:
        procs = list(_warm.values())
        _warm.clear()
    for proc in procs:
        _stop(proc)


def run(node: str, payload: str, timeout: float) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the check script given `payload` on stdin: the warmed
    process when there is one for `node`, else a new one. Raises OSError when node cannot start
    and subprocess.TimeoutExpired (the process killed) when it does not finish in `timeout`."""
    global _checked
    with _lock:
        _checked = True
        proc = _warm.pop(node, None)
    if proc is None:
        proc = _spawn(node)
    try:
        out, err = proc.communicate(payload, timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        raise
    return proc.returncode, out, err
