"""The code stays readable and the suite runs as documented: no function over 60 lines and no
module over 300 in reconciler/ (bench/sizes.py, measured with `ast`), and plain `pytest` (not
only `python -m pytest`) collects from the repository root."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SIZES = REPO / "bench" / "sizes.py"


def sizes(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SIZES), *args], capture_output=True, text=True, timeout=60
    )


def test_no_function_or_module_of_reconciler_is_over_the_limit() -> None:
    proc = sizes()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "over the limit" not in proc.stdout
    assert proc.stdout.startswith("longest functions (limit 60 lines):\n")


def test_the_size_check_fails_on_a_long_function_and_a_long_module(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    body = "".join(f"    x{i} = {i}\n" for i in range(60))  # def line + 60 = 61 lines
    (package / "long.py").write_text(f"def long() -> None:\n{body}")
    (package / "big.py").write_text("X = 1\n" * 301)
    ok = textwrap.dedent(
        """\
        class A:
            @staticmethod
            def short() -> int:
                return 1
        """
    )
    (package / "ok.py").write_text(ok)
    proc = sizes(str(package))
    assert proc.returncode == 1, proc.stdout
    assert proc.stdout == (
        "longest functions (limit 60 lines):\n"
        "     61  pkg/long.py::long\n"
        "      2  pkg/ok.py::A.short\n"
        "longest modules (limit 300 lines):\n"
        "    301  pkg/big.py\n"
        "     61  pkg/long.py\n"
        "      4  pkg/ok.py\n"
        "over the limit: function pkg/long.py::long: 61 lines > 60\n"
        "over the limit: module pkg/big.py: 301 lines > 300\n"
    )


@pytest.mark.slow
def test_plain_pytest_collects_from_the_repository_root() -> None:
    """What the `pytest` console script runs, with the cwd kept off sys.path (-P), as it is for
    the script: the repository root must come from pyproject's pythonpath."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    script = "import sys, pytest; sys.exit(pytest.main())"
    proc = subprocess.run(
        [
            sys.executable,
            "-P",
            "-c",
            script,
            "--collect-only",
            "-q",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            "tests/proof/test_layout.py",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[0] == "tests/proof/test_layout.py: 3"
