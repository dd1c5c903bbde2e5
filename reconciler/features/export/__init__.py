"""`reconciler export`: a live tenant -> manifests, code files and `.env.example`.

    live = read_for_export(client, tenant=name)      # every trigger-bound binding list read
    bundle = bundle_from_live(live)                   # pure: what to write
    files = render_bundle(bundle)                     # pure: {relative path: text}
    write_tree(out_dir, files, force=False)

The Bundle/render pair also serves `import-deploy-cli` (features.deploycli). Layout of the
output, the same for both:

- `<trigger>.yaml`: the actions of one trigger; their code in `<trigger>/<name>.js` (names
  slugified: spaces and slashes become `-`, case-insensitive collisions get `-2`, `-3`, ...).
- `bindings.yaml`: the ordered binding lists; actions not written here are `external: true`.
- `modules.yaml`: the Actions Modules (their drafts), their code in `modules/<name>.js`; each
  action's `modules:` pins the published version numbers its draft uses. A module never
  published gets `publish: false`; its secrets become variables `<MODULE>_<SECRET>`.
- `.env.example`: every `${VAR}` the manifests reference, with an empty value and a comment naming
  the action and secret. Secret values cannot be read from Auth0, so every secret becomes a
  reference; the variable is `<ACTION>_<SECRET>` upper-cased, other characters `_`, made unique.
- `.gitignore`: keeps the filled-in `.env` out of git.
- `schemas/manifest.schema.json`: a copy of reconciler's manifest schema. Every YAML file starts
  with a `# yaml-language-server: $schema=schemas/manifest.schema.json` modeline, which the YAML
  language server (VS Code, Neovim, ...) resolves against the YAML file's own directory, so
  completion works offline with no setting (the schema's `$id` is a name, not a served URL).

Export writes code with the ownership trailer stripped, `deploy: true` for deployed actions and
`deploy: false` for never-deployed ones (so the round trip deploys nothing new), and `protect: true`
where a trailer says so. Marketplace actions are never exported; they appear in bindings only.
"""

from __future__ import annotations

from reconciler.features.export.bundle import (
    BINDINGS_FILE,
    ENV_FILE,
    MODELINE,
    MODULES_FILE,
    SCHEMA_COPY,
    SCHEMA_NOTE,
    Bundle,
    EnvVar,
    ExportAction,
    ExportBinding,
    ExportModule,
    ExportModuleRef,
    SecretRef,
    VarNames,
    ident,
)
from reconciler.features.export.files import (
    check_out_dir,
    file_slug,
    manifest_schema_text,
    render_bundle,
    scalar,
    summary,
    write_tree,
)
from reconciler.features.export.fromlive import bundle_from_live, read_for_export, read_modules

__all__ = [
    "BINDINGS_FILE",
    "ENV_FILE",
    "MODELINE",
    "SCHEMA_COPY",
    "SCHEMA_NOTE",
    "Bundle",
    "EnvVar",
    "ExportAction",
    "ExportBinding",
    "ExportModule",
    "ExportModuleRef",
    "MODULES_FILE",
    "SecretRef",
    "VarNames",
    "bundle_from_live",
    "check_out_dir",
    "file_slug",
    "manifest_schema_text",
    "ident",
    "read_for_export",
    "read_modules",
    "render_bundle",
    "scalar",
    "summary",
    "write_tree",
]
