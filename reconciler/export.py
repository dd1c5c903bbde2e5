"""`reconciler export`: a live tenant -> manifests, code files and `.env.example`.

    live = read_for_export(client, tenant=name)      # every trigger-bound binding list read
    bundle = bundle_from_live(live)                   # pure: what to write
    files = render_bundle(bundle)                     # pure: {relative path: text}
    write_tree(out_dir, files, force=False)

The Bundle/render pair also serves `import-deploy-cli` (reconciler.deploycli). Layout of the
output, the same for both:

- `<trigger>.yaml`: the actions of one trigger; their code in `<trigger>/<name>.js` (names
  slugified: spaces and slashes become `-`, case-insensitive collisions get `-2`, `-3`, ...).
- `bindings.yaml`: the ordered binding lists; actions not written here are `external: true`.
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

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import yaml

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.live import name_bindings, read_live, to_bindings
from reconciler.catalogue import BUILTIN_TRIGGERS, Catalogue
from reconciler.errors import ReconcilerError
from reconciler.model import Dependency, LiveAction, LiveState
from reconciler.trailer import strip_trailer

BINDINGS_FILE = "bindings.yaml"
ENV_FILE = ".env.example"
SCHEMA_COPY = "schemas/manifest.schema.json"  # written next to the manifests
MODELINE = f"# yaml-language-server: $schema={SCHEMA_COPY}\n"
SCHEMA_NOTE = f"# Editors check this file against {SCHEMA_COPY} (the line above).\n"


def manifest_schema_text() -> str:
    """reconciler's own manifest schema (package data), copied into every export."""
    path = resources.files("reconciler").joinpath("schemas", "manifest.schema.json")
    return path.read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class SecretRef:
    name: str  # the secret's name in Auth0
    var: str  # the variable its value is read from: ${var}


@dataclass(frozen=True, slots=True)
class ExportAction:
    name: str
    trigger: str
    code: str
    trigger_version: str = ""  # "" -> omitted (the trigger's current version)
    runtime: str = ""  # "" -> omitted (the trigger version's default runtime)
    dependencies: tuple[Dependency, ...] = ()
    secrets: tuple[SecretRef, ...] = ()
    deploy: bool = True
    protect: bool = False


@dataclass(frozen=True, slots=True)
class ExportBinding:
    action: str
    display_name: str = ""  # "" or the action name -> the short form
    external: bool = False
    note: str = ""  # a trailing YAML comment


@dataclass(frozen=True, slots=True)
class EnvVar:
    name: str
    comment: str


@dataclass(frozen=True, slots=True)
class Bundle:
    """Everything an export or a conversion writes, before it is laid out as files."""

    source: str  # one line for the header comment of every YAML file
    actions: tuple[ExportAction, ...]  # sorted by name
    bindings: tuple[tuple[str, tuple[ExportBinding, ...]], ...]  # (trigger, entries in order)
    env: tuple[EnvVar, ...]  # sorted by name
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------- names


def ident(text: str) -> str:
    """An upper-case `[A-Z_][A-Z0-9_]*` fragment: `enrich token` -> `ENRICH_TOKEN`."""
    out = re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_") or "X"
    return f"_{out}" if out[0].isdigit() else out


class VarNames:
    """Hands out unique variable names `<ACTION>_<SECRET>`; call in a deterministic order."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.taken = set(reserved)

    def new(self, action: str, secret: str) -> str:
        base = f"{ident(action)}_{ident(secret)}"
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}_{n}", n + 1
        self.taken.add(name)
        return name


def file_slug(name: str) -> str:
    """A safe file-name stem: `block/ips` -> `block-ips`, `enrich token` -> `enrich-token`."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "action"


def _unique(stem: str, taken: set[str]) -> str:
    """`stem`, or `stem-2`, `stem-3`, ... compared case-insensitively (macOS, Windows)."""
    name, n = stem, 2
    while name.lower() in taken:
        name, n = f"{stem}-{n}", n + 1
    taken.add(name.lower())
    return name


# --------------------------------------------------------------------------- live -> bundle


def read_for_export(client: Auth0Client, *, tenant: str) -> LiveState:
    """The tenant with the binding list of every trigger-bound trigger (the live catalogue's, or
    the built-in one's where the tenant lists none)."""
    builtin = Catalogue(BUILTIN_TRIGGERS)
    owned = [t for t in builtin.ids() if builtin.is_trigger_bound(t)]
    live = read_live(client, tenant=tenant, owned_triggers=owned)
    catalogue = Catalogue(live.triggers)
    read = {b.trigger for b in live.bindings}
    extra = [t for t in catalogue.ids() if catalogue.is_trigger_bound(t) and t not in read]
    if not extra:
        return live
    more = [name_bindings(to_bindings(t, client.get_bindings(t)), live.actions) for t in extra]
    both = sorted((*live.bindings, *more), key=lambda b: b.trigger)
    return replace(live, bindings=tuple(both))


def _check_unique(actions: Iterable[LiveAction]) -> None:
    seen: dict[str, list[str]] = {}
    for action in actions:
        seen.setdefault(action.name, []).append(action.id)
    for name, ids in sorted(seen.items()):
        if len(ids) > 1:
            raise ReconcilerError(
                f"the tenant has {len(ids)} actions named {name!r} ({', '.join(ids)}); "
                "rename or delete all but one before exporting"
            )


def bundle_from_live(live: LiveState) -> Bundle:
    """What `export` writes for this tenant (pure)."""
    custom = [a for a in live.actions if not a.marketplace]
    _check_unique(custom)
    names = VarNames()
    warnings: list[str] = []
    actions: list[ExportAction] = []
    env: list[EnvVar] = []
    for live_action in sorted(custom, key=lambda a: a.name):
        if not live_action.trigger:
            warnings.append(f"action {live_action.name!r} has no trigger; not exported")
            continue
        code, info = strip_trailer(live_action.code)
        secrets = []
        for secret in live_action.secrets:
            var = names.new(live_action.name, secret.name)
            secrets.append(SecretRef(secret.name, var))
            env.append(EnvVar(var, f"action {live_action.name}, secret {secret.name}"))
        deployed = live_action.deployed_version is not None
        if deployed and not live_action.all_changes_deployed:
            warnings.append(
                f"action {live_action.name!r}: the draft has changes that were never deployed; "
                "the export holds the draft, so the next apply deploys it"
            )
        actions.append(
            ExportAction(
                name=live_action.name,
                trigger=live_action.trigger,
                code=code,
                trigger_version=live_action.trigger_version,
                runtime=live_action.runtime,
                dependencies=live_action.dependencies,
                secrets=tuple(secrets),
                deploy=deployed,
                protect=info is not None and info.protect,
            )
        )
    exported = {a.name for a in actions}
    marketplace = {a.name for a in live.actions if a.marketplace}
    bindings = []
    for trigger in live.bindings:
        entries = []
        for entry in trigger.entries:
            if not entry.action_name:
                warnings.append(
                    f"trigger {trigger.trigger}: binding {entry.id!r} names no "
                    "action the tenant lists; left out of bindings.yaml"
                )
                continue
            external = entry.action_name not in exported
            note = ""
            if external:
                note = "marketplace integration" if entry.action_name in marketplace else ""
                note = note or "not exported"
            display = "" if entry.display_name == entry.action_name else entry.display_name
            entries.append(ExportBinding(entry.action_name, display, external, note))
        if entries:
            bindings.append((trigger.trigger, tuple(entries)))
    return Bundle(
        source=f"Exported from tenant {live.tenant} by `reconciler export`.",
        actions=tuple(actions),
        bindings=tuple(bindings),
        env=tuple(sorted(env, key=lambda e: e.name)),
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------- bundle -> files

_PLAIN = re.compile(r"^[A-Za-z0-9_$]([A-Za-z0-9_.\-/${} ]*[A-Za-z0-9_.\-/${}])?$")


def scalar(text: str) -> str:
    """A YAML scalar for `text`: plain when that reads back as the same string, else quoted."""
    if _PLAIN.match(text):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(c if c.isprintable() else _escape(c) for c in quoted)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _action_lines(action: ExportAction, code_path: str) -> list[str]:
    lines = [f"  - name: {scalar(action.name)}", f"    trigger: {scalar(action.trigger)}"]
    if action.trigger_version:
        lines.append(f"    trigger_version: {scalar(action.trigger_version)}")
    if action.runtime:
        lines.append(f"    runtime: {scalar(action.runtime)}")
    lines.append(f"    code: {scalar(code_path)}")
    if action.dependencies:
        lines.append("    dependencies:")
        lines += [f"      {scalar(d.name)}: {scalar(d.version)}" for d in action.dependencies]
    if action.secrets:
        lines.append("    secrets:")
        lines += [f"      {scalar(s.name)}: {scalar('${' + s.var + '}')}" for s in action.secrets]
    lines.append(f"    deploy: {'true' if action.deploy else 'false'}")
    if action.protect:
        lines.append("    protect: true")
    return lines


def _binding_lines(entry: ExportBinding) -> list[str]:
    comment = f" # {entry.note}" if entry.note else ""
    if not entry.display_name and not entry.external:
        return [f"    - {scalar(entry.action)}{comment}"]
    lines = [f"    - action: {scalar(entry.action)}"]
    if entry.display_name:
        lines.append(f"      display_name: {scalar(entry.display_name)}")
    if entry.external:
        lines.append("      external: true")
    lines[-1] += comment
    return lines


def _env_text(env: Iterable[EnvVar]) -> str:
    lines = [
        "# Every ${VAR} the manifests reference. Secret values cannot be read from Auth0, so they",
        "# are empty here: copy this file to .env (kept out of git by .gitignore), fill in every",
        "# value, then pass it to reconciler with --var-file.",
    ]
    for var in env:
        lines += ["", f"# {var.comment}", f"{var.name}="]
    return "\n".join(lines) + "\n"


def render_bundle(bundle: Bundle) -> dict[str, str]:
    """{path relative to the output directory (posix): text}, in writing order."""
    header = f"{MODELINE}# {bundle.source}\n{SCHEMA_NOTE}"
    files: dict[str, str] = {}
    by_trigger: dict[str, list[ExportAction]] = {}
    for action in bundle.actions:
        by_trigger.setdefault(action.trigger, []).append(action)
    stems: set[str] = {"bindings", "schemas"}
    for trigger in sorted(by_trigger):
        stem = _unique(file_slug(trigger), stems)
        taken: set[str] = set()
        blocks = []
        for action in by_trigger[trigger]:
            code_path = f"{stem}/{_unique(file_slug(action.name), taken)}.js"
            files[code_path] = action.code
            blocks.append("\n".join(_action_lines(action, code_path)))
        files[f"{stem}.yaml"] = header + "actions:\n" + "\n\n".join(blocks) + "\n"
    if bundle.bindings:
        lines = [
            "# Execution order per trigger. A trigger listed here is owned whole: apply makes its",
            "# live list exactly this one.",
            "bindings:",
        ]
        for trigger, entries in bundle.bindings:
            if not entries:
                lines.append(f"  {scalar(trigger)}: []")
                continue
            lines.append(f"  {scalar(trigger)}:")
            for entry in entries:
                lines += _binding_lines(entry)
        files[BINDINGS_FILE] = header + "\n".join(lines) + "\n"
    files[ENV_FILE] = _env_text(bundle.env)
    files[".gitignore"] = ".env\n"
    files[SCHEMA_COPY] = manifest_schema_text()
    return files


# --------------------------------------------------------------------------- writing


def check_out_dir(out: Path, *, force: bool) -> None:
    """Refuse a file, or a non-empty directory without --force (checked before any work)."""
    if out.exists() and not out.is_dir():
        raise ReconcilerError(f"--out {out}: exists and is not a directory")
    if out.is_dir() and not force and any(out.iterdir()):
        raise ReconcilerError(
            f"--out {out}: directory is not empty; choose a new directory, or pass --force to "
            "overwrite the files this command writes (other files are left alone)"
        )


def write_tree(out: Path, files: Mapping[str, str], *, force: bool) -> None:
    check_out_dir(out, force=force)
    try:
        for rel, text in files.items():
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        where = exc.filename or out
        raise ReconcilerError(f"cannot write {where}: {exc.strerror}") from None


def summary(bundle: Bundle, out: Path, files: Mapping[str, str]) -> str:
    """`wrote 4 actions, 2 binding lists and 3 variables to DIR (11 files)`."""

    def count(n: int, word: str) -> str:
        return f"{n} {word}{'s' * (n != 1)}"

    return (
        f"wrote {count(len(bundle.actions), 'action')}, "
        f"{count(len(bundle.bindings), 'binding list')} and "
        f"{count(len(bundle.env), 'variable')} to {out} ({count(len(files), 'file')})"
    )
