"""Convert the `actions` and `triggers` of an auth0-deploy-cli export into reconciler manifests.

    bundle = convert(Path("tenant.yaml"))        # or the root of a directory-format export
    files = reconciler.features.export.render_bundle(bundle)

Input, in deploy-cli's two shapes (auth0/auth0-deploy-cli `src/context/yaml/handlers/actions.ts`,
`triggers.ts`; `src/context/directory/handlers/actions.ts`, `triggers.ts`):

- YAML: `tenant.yaml` with `actions: [{name, code: ./actions/NAME/code.js, runtime, status,
  deployed, dependencies: [{name, version}], secrets: [{name, value}], supported_triggers:
  [{id, version}]}]` and `triggers: {post-login: [{action_name, display_name}]}`.
- Directory: `actions/NAME.json` (same fields) with `actions/NAME/code.js`, and
  `triggers/triggers.json` (the same mapping).

What changes on the way:

- Keyword markers: a secret value that is exactly `##KEY##` or `@@KEY@@` becomes `${KEY}`, read
  from the environment or `--var-file` instead of `AUTH0_KEYWORD_REPLACE_MAPPINGS`. Any other
  secret value (a literal, empty, or text mixed with markers) is never copied: it becomes
  `${ACTION_SECRET}` and is listed, without a value, in `.env.example`. Markers anywhere else
  (names, triggers, dependencies, a whole `secrets: @@LIST@@`) are errors; markers inside code are
  left as they are, with a warning, because reconciler does not substitute inside code.
- `deployed: true` becomes `deploy: true`; anything else `deploy: false` (deploy-cli would not
  deploy it either).
- Actions Modules: `actionModules` (YAML) or `action-modules/NAME.json` (directory), each
  `{name, code: ./action-modules/NAME/code.js, dependencies, secrets}`, become `modules:` (their
  secrets as for actions); an action's `modules: [{module_name, module_version_number}]` become
  `modules: [{name, version}]` references, `external: true` (with a note) for a module the
  export does not hold (deploy-cli before its modules support exported only the references).
- `triggers`: each listed trigger becomes an owned binding list (an empty list stays empty and
  owned, as deploy-cli clears it too); a bound action not in the export (a marketplace
  integration, say) is marked `external: true`. Entity-bound triggers are dropped.

Not converted (a warning names each case): everything outside `actions`/`triggers` (clients,
connections, rules, hooks, ...), deploy-cli's `status` (server-managed), `id`, dependency
`registry_url`, supported triggers after the first (an action runs on one trigger), marketplace
actions, and deploy-cli settings such as `AUTH0_ALLOW_DELETE` (see `settings.prune`).
"""

from __future__ import annotations

from reconciler.features.deploycli.converter import convert, detect
from reconciler.features.deploycli.reader import MAX_FILE_BYTES

__all__ = ["MAX_FILE_BYTES", "convert", "detect"]
