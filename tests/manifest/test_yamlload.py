"""Safe YAML: tags refused, limits enforced before memory is spent, marks on every value."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reconciler.cli import run
from reconciler.manifest.yamlload import MAX_FILE_BYTES, MAX_NODES, load_yaml
from tests.manifest.conftest import Write, problem_lines

BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def _load(tmp_path: Path, text: str | bytes) -> tuple[object, list[str]]:
    path = tmp_path / "m.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    doc, problems = load_yaml(path, "m.yaml")
    return (doc.data if doc else None), [str(p) for p in problems]


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    started, cpu = time.monotonic(), time.thread_time()
    data, problems = _load(tmp_path, BOMB)
    # the CPU spent (an expanded bomb is work), not the wall time a busy machine inflates
    assert time.thread_time() - cpu < 2.0
    assert time.monotonic() - started < 20
    assert data is None
    assert problems == [
        f"m.yaml:5:1: more than {MAX_NODES} YAML nodes once aliases are expanded; "
        "refused as an alias bomb or an oversized manifest"
    ]


def test_fifty_megabyte_file_is_refused_without_reading_it(tree: Write) -> None:
    root = tree({})
    with (root / "huge.yaml").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: no disk, and reading it would take memory
    started = time.monotonic()
    lines = problem_lines(root)
    assert time.monotonic() - started < 1.0
    assert lines == [
        f"huge.yaml:1:1: file is larger than {MAX_FILE_BYTES} bytes (1 MB), "
        "the limit for a manifest"
    ]


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    text = "# " + "x" * (MAX_FILE_BYTES - 3) + "\n"
    assert len(text.encode()) == MAX_FILE_BYTES
    assert _load(tmp_path, text) == ({}, [])


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    assert _load(tmp_path, "a: &x [1, *x]\n") == (
        None,
        ["m.yaml:1:4: an alias refers to the node that contains it (recursive alias)"],
    )


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    assert _load(tmp_path, "a: " + "[" * 60 + "]" * 60 + "\n") == (
        None,
        ["m.yaml:1:54: nesting is deeper than 50 levels"],
    )


@pytest.mark.slow
def test_nesting_deeper_than_the_parser_can_go_is_refused(tmp_path: Path) -> None:
    assert _load(tmp_path, "[" * 5000 + "]" * 5000) == (
        None,
        ["m.yaml:1:1: nesting is deeper than 50 levels"],
    )


def test_small_aliases_and_merge_keys_work(tmp_path: Path) -> None:
    text = "base: &b {trigger: post-login, runtime: node22}\nx:\n  <<: *b\n  runtime: node18\n"
    assert _load(tmp_path, text) == (
        {
            "base": {"trigger": "post-login", "runtime": "node22"},
            "x": {"runtime": "node18", "trigger": "post-login"},
        },
        [],
    )


def test_empty_and_comment_only_files_are_empty_mappings(tmp_path: Path) -> None:
    assert _load(tmp_path, "") == ({}, [])
    assert _load(tmp_path, "# nothing yet\n---\n") == ({}, [])


def test_marks_are_recorded_for_values_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("actions:\n  - name: x\n    code: x.js\n", encoding="utf-8")
    doc, problems = load_yaml(path, "m.yaml")
    assert doc is not None
    assert problems == []
    assert (doc.mark(("actions", 0, "code")), doc.key_mark(("actions", 0, "code"))) == (
        type(doc.mark(()))(3, 11),
        type(doc.mark(()))(3, 5),
    )


def test_timestamps_stay_text_and_yaml11_booleans_as_keys_are_refused(tmp_path: Path) -> None:
    assert _load(tmp_path, "a: 2024-01-01\non: 1\n") == (
        {"a": "2024-01-01"},
        ["m.yaml:2:1: key 'on' under the top level is read as bool; quote it"],
    )


def test_several_documents_are_refused(tmp_path: Path) -> None:
    data, problems = _load(tmp_path, "a: 1\n---\nb: 2\n")
    assert data is None
    assert problems == [
        "m.yaml:2:1: invalid YAML: but found another document "
        "(expected a single document in the stream at line 1, column 1)"
    ]


def test_control_characters_are_reported_with_position(tmp_path: Path) -> None:
    assert _load(tmp_path, "a: ok\nb: \x07\n") == (
        None,
        ["m.yaml:2:4: invalid YAML: special characters are not allowed"],
    )


def test_huge_integer_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    assert _load(tmp_path, "a: " + "9" * 5000 + "\n") == (
        {"a": None},
        ["m.yaml:1:4: a: this value cannot be read (number too large?)"],
    )


def test_bomb_and_huge_file_through_the_cli_exit_1(
    tree: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tree({"bomb.yaml": BOMB})
    with (root / "huge.yaml").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    assert run(["validate", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"reconciler: error: bomb.yaml:5:1: more than {MAX_NODES} YAML nodes once aliases are "
        "expanded; refused as an alias bomb or an oversized manifest",
        f"huge.yaml:1:1: file is larger than {MAX_FILE_BYTES} bytes (1 MB), "
        "the limit for a manifest",
    ]


def test_explicit_keys_beside_a_merge_keep_their_own_marks(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("base: &b {runtime: node22}\nx:\n  <<: *b\n  runtime: node18\n", "utf-8")
    doc, _ = load_yaml(path, "m.yaml")
    assert doc is not None
    assert (doc.mark(("x", "runtime")).line, doc.raw[("x", "runtime")]) == (4, "node18")
