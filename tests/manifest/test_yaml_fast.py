"""libyaml reads clean manifests; what it gives must be exactly what PyYAML's parser gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.manifest import yamlload
from reconciler.manifest.yamlload import Document, FastLoader, ManifestLoader, _parse, load_yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = [
    "actions:\n  - name: a\n    code: a.js\n    secrets:\n      K: ${K}\n",
    "# only a comment\n",
    "",
    "a: &x {b: 1, c: [1, 2.5, true, null, ~, 0x1f, 1e3]}\nd:\n  <<: *x\n  c: override\n",
    "é: ünïcødé 🙂\n  \nkey: \"quoted\\tvalue\"\nother: 'single ''q'''\n",
    "text: |\n  line one\n  line two\nfolded: >-\n  a\n  b\nwhen: 2024-01-01\n",
    "list:\n- a\n-   - nested\n    - deeper: {x: [1, {y: z}]}\n\t# tab after a newline\n",
    "k: v # comment\n? complex\n: value\n",
    "dup: 1\ndup: 2\n",  # a problem: PyYAML reads it again, same words
    "bad: !!python/object:os.system x\n",
    "a: [1, 2\n",
    "\ufeffbom: yes\nno: off\n",
]


def parsed(text: str, loader: type[ManifestLoader] | type[FastLoader]) -> tuple[object, ...]:
    doc = Document(file="m.yaml", path=Path("m.yaml"), data=None)
    try:
        problems = _parse(text, doc, loader)
    except Exception as exc:  # noqa: BLE001 - compared by type and words
        return (type(exc).__name__, str(exc))
    return (doc.data, doc.values, doc.keys, doc.raw, doc.broken, problems)


@pytest.mark.skipif(not yamlload.FAST, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("text", DOCS)
def test_clean_documents_read_identically(text: str) -> None:
    slow = parsed(text, ManifestLoader)
    if len(slow) == 6 and not slow[-1]:  # clean for PyYAML: libyaml must agree in every mark
        assert parsed(text, FastLoader) == slow


@pytest.mark.skipif(not yamlload.FAST, reason="PyYAML built without libyaml")
def test_every_yaml_file_of_the_repository_reads_identically() -> None:
    files = [p for p in ROOT.rglob("*.y*ml") if ".venv" not in p.parts and ".git" not in p.parts]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert parsed(text, FastLoader) == parsed(text, ManifestLoader), path


@pytest.mark.parametrize("text", DOCS)
def test_load_yaml_gives_what_pyyaml_alone_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    got, got_problems = load_yaml(path, "m.yaml")
    monkeypatch.setattr(yamlload, "FAST", False)
    want, want_problems = load_yaml(path, "m.yaml")
    assert [str(p) for p in got_problems] == [str(p) for p in want_problems]
    assert (got is None) == (want is None)
    if got is not None and want is not None:
        assert (got.data, got.values, got.keys, got.raw) == (
            want.data,
            want.values,
            want.keys,
            want.raw,
        )
