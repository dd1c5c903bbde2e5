"""Every manifest reconciler writes, and every example, names a schema an editor can load.

The YAML language server (VS Code's YAML extension, Neovim, ...) reads a
`# yaml-language-server: $schema=PATH` comment and resolves a relative PATH against the
directory of the YAML file. The schemas' `$id`s (https://reconciler.dev/...) are names nothing
serves, so a modeline must point at a file that exists: export and import-deploy-cli write a copy
of the schema next to the manifests.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

from reconciler.features.deploycli import convert
from reconciler.features.export import bundle_from_live, render_bundle, write_tree
from tests.ops.conftest import FIXTURES
from tests.ops.test_export_render import tenant

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.MULTILINE)


def modeline_schemas(root: Path) -> dict[str, Path]:
    """{YAML file relative to root: the schema file its modeline resolves to}."""
    found = {}
    for path in sorted(root.rglob("*.y*ml")):
        text = path.read_text(encoding="utf-8")
        (target,) = MODELINE.findall(text)  # exactly one, and it is the first line
        assert text.startswith(f"# yaml-language-server: $schema={target}\n"), path
        assert "://" not in target, f"{path}: {target} is a URL nothing serves"
        found[path.relative_to(root).as_posix()] = (path.parent / target).resolve()
    return found


def assert_manifests_load_their_schema(root: Path, *, validate: bool = True) -> None:
    schemas = modeline_schemas(root)
    assert schemas, f"no YAML under {root}"
    for rel, schema in schemas.items():
        assert schema.is_file(), f"{rel}: its modeline names {schema}, which does not exist"
        loaded = json.loads(schema.read_text(encoding="utf-8"))
        assert loaded == SCHEMA, rel  # reconciler's manifest schema, whole
        if validate:  # what the editor then does: the document validates against it
            jsonschema.validate(yaml.safe_load((root / rel).read_text(encoding="utf-8")), loaded)


def test_export_writes_the_schema_its_modelines_name(tmp_path: Path) -> None:
    files = render_bundle(bundle_from_live(tenant()))
    write_tree(tmp_path / "out", files, force=False)
    # not validated: this synthetic tenant holds a secret name (`api-key`) the schema refuses
    assert_manifests_load_their_schema(tmp_path / "out", validate=False)
    assert sorted(modeline_schemas(tmp_path / "out")) == [
        "bindings.yaml",
        "custom-token-exchange.yaml",
        "post-login.yaml",
    ]


def test_import_deploy_cli_writes_the_schema_its_modelines_name(tmp_path: Path) -> None:
    for source in (FIXTURES / "deploy-cli-yaml" / "tenant.yaml", FIXTURES / "deploy-cli-directory"):
        out = tmp_path / source.stem
        write_tree(out, render_bundle(convert(source)), force=False)
        assert_manifests_load_their_schema(out)


def test_the_examples_modelines_name_the_repository_schema() -> None:
    assert_manifests_load_their_schema(REPO / "examples" / "actions")
