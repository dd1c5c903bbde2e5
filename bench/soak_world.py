"""The soak's model of the manifests: what they declare, the seeded random mutations, and
writing them out as a manifest root plus a var file (see soak.py)."""

from __future__ import annotations

import random
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HANDLERS = {
    "post-login": "onExecutePostLogin",
    "credentials-exchange": "onExecuteCredentialsExchange",
}
RUNTIMES = ("node22", "node18-actions")
PACKAGES = {  # real npm packages and versions
    "axios": ("1.7.9", "1.7.7"),
    "lodash": ("4.17.21",),
    "uuid": ("9.0.1", "10.0.0"),
    "jsonwebtoken": ("9.0.2",),
    "ipaddr.js": ("2.2.0",),
    "date-fns": ("3.6.0", "4.1.0"),
}
SECRET_NAMES = ("API_KEY", "TOKEN", "WEBHOOK_URL")
EXTERNAL = "Fraud Shield"  # the seeded marketplace action, bound with `external: true`
KINDS = {  # mutation -> weight
    "add": 3, "remove": 2, "rename": 1, "code": 4, "deps": 2, "runtime": 2,
    "secrets": 3, "bindings": 3, "protect": 2, "prune_setting": 1,
}  # fmt: skip
#: around a killed apply the tenant is mid-way: nothing that deletes or hides a deletion
SAFE_KINDS = ("add", "code", "deps", "runtime", "secrets", "bindings", "protect")
MIN_ACTIONS, MAX_ACTIONS = 2, 7


@dataclass
class Spec:
    uid: int
    trigger: str
    runtime: str
    rev: int
    deps: dict[str, str]
    secrets: list[str]  # secret names; the variable is SOAK_<uid>_<NAME>
    protect: bool = False

    def var(self, secret: str) -> str:
        return f"SOAK_{self.uid}_{secret}"

    def code(self, name: str) -> str:
        uses = ", ".join(f"event.secrets.{s}" for s in self.secrets)
        return (
            f"// soak action {name}, revision {self.rev}\n"
            f"exports.{HANDLERS[self.trigger]} = async (event, api) => {{\n"
            f"  return [{uses}].length + {self.rev};\n}};\n"
        )


@dataclass
class World:
    """What the manifests declare, plus what the tenant must still hold outside them."""

    actions: dict[str, Spec] = field(default_factory=dict)
    bindings: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)  # variable -> current value
    prune: bool = False  # settings.prune
    kept: dict[str, Spec] = field(default_factory=dict)  # removed with prune off (must stay)

    def protected(self) -> list[str]:
        return sorted(n for n, s in self.actions.items() if s.protect)

    def without(self, name: str) -> World:
        """A copy of the declarations with `name` removed (and unbound)."""
        return World(
            actions={k: v for k, v in self.actions.items() if k != name},
            bindings={t: [e for e in es if e[0] != name] for t, es in self.bindings.items()},
            values=self.values,
            prune=self.prune,
            kept=self.kept,
        )


class Mutator:
    """Seeded random changes to a World; `ever` collects every secret value handed out."""

    def __init__(self, rng: random.Random, world: World) -> None:
        self.rng, self.world = rng, world
        self.uids = 0
        self.ever: set[str] = set()
        self.counts: Counter[str] = Counter()

    def mutate(self, kind: str) -> bool:
        """Apply one mutation; True when this round must pass --allow-delete."""
        w, rng = self.world, self.rng
        names = sorted(w.actions)
        unprotected = [n for n in names if not w.actions[n].protect]
        if kind == "add" and len(names) < MAX_ACTIONS:
            self.add()
        elif kind in ("remove", "rename") and len(names) > MIN_ACTIONS and unprotected:
            return self._remove(kind, rng.choice(unprotected))
        elif kind == "code" and names:
            w.actions[rng.choice(names)].rev += 1
        elif kind == "deps" and names:
            spec = w.actions[rng.choice(names)]
            package = rng.choice(sorted(PACKAGES))
            if package in spec.deps and rng.random() < 0.4:
                del spec.deps[package]
            else:
                spec.deps[package] = rng.choice(PACKAGES[package])
        elif kind == "runtime" and names:
            spec = w.actions[rng.choice(names)]
            spec.runtime = RUNTIMES[1 - RUNTIMES.index(spec.runtime)]
        elif kind == "secrets" and names:
            self._secrets(w.actions[rng.choice(names)])
        elif kind == "bindings":
            self._bindings()
        elif kind == "protect" and names:
            spec = w.actions[rng.choice(names)]
            spec.protect = not spec.protect
        elif kind == "prune_setting":
            w.prune = not w.prune
            if w.prune:
                w.kept.clear()  # the next apply deletes every managed orphan
        else:
            return False
        self.counts[kind] += 1
        return False

    def _remove(self, kind: str, name: str) -> bool:
        w = self.world
        prune = w.prune or self.rng.random() < 0.6
        spec = w.actions.pop(name)
        if kind == "rename":
            new = self._name()
            w.actions[new] = spec
            for entries in w.bindings.values():
                entries[:] = [(new if n == name else n, d) for n, d in entries]
        else:
            self._unbind(name)
        if prune:
            w.kept.clear()  # prune deletes every managed orphan, older kept ones too
        else:
            w.kept[name] = spec
        self.counts[f"{kind} ({'prune' if prune else 'keep'})"] += 1
        return prune and not w.prune

    def _name(self) -> str:
        self.uids += 1
        return f"soak-{self.uids:04d}"

    def _value(self) -> str:
        value = f"soak-secret-{self.rng.getrandbits(80):020x}"
        self.ever.add(value)
        return value

    def add(self) -> None:
        w, rng = self.world, self.rng
        trigger = rng.choice(sorted(HANDLERS))
        if w.kept and rng.random() < 0.3:
            name = rng.choice(sorted(w.kept))  # a managed orphan comes back
            trigger = w.kept.pop(name).trigger
        else:
            name = self._name()
        self.uids += 1
        spec = Spec(self.uids, trigger, rng.choice(RUNTIMES), 0, {}, [])
        for package in rng.sample(sorted(PACKAGES), rng.randint(0, 2)):
            spec.deps[package] = rng.choice(PACKAGES[package])
        for secret in rng.sample(SECRET_NAMES, rng.randint(0, 2)):
            spec.secrets.append(secret)
            w.values[spec.var(secret)] = self._value()
        w.actions[name] = spec
        if rng.random() < 0.7:
            entries = w.bindings.setdefault(spec.trigger, [])
            entries.insert(rng.randint(0, len(entries)), (name, self._display(name)))

    def _display(self, name: str) -> str | None:
        return f"Soak {name}" if self.rng.random() < 0.3 else None

    def _unbind(self, name: str) -> None:
        for entries in self.world.bindings.values():
            entries[:] = [e for e in entries if e[0] != name]

    def _secrets(self, spec: Spec) -> None:
        rng, values = self.rng, self.world.values
        choice = rng.choice(["add", "remove", "rotate", "rotate"])
        missing = [s for s in SECRET_NAMES if s not in spec.secrets]
        if choice == "add" and missing:
            secret = rng.choice(missing)
            spec.secrets.append(secret)
            values[spec.var(secret)] = self._value()
        elif choice == "remove" and spec.secrets:
            spec.secrets.remove(rng.choice(spec.secrets))
        elif spec.secrets:
            values[spec.var(rng.choice(spec.secrets))] = self._value()

    def _bindings(self) -> None:
        w, rng = self.world, self.rng
        trigger = rng.choice(sorted(HANDLERS))
        entries = w.bindings.setdefault(trigger, [])
        bound = {n for n, _ in entries}
        loose = sorted(n for n, s in w.actions.items() if s.trigger == trigger and n not in bound)
        choice = rng.choice(["shuffle", "shuffle", "bind", "unbind", "external"])
        if choice == "bind" and loose:
            name = rng.choice(loose)
            entries.insert(rng.randint(0, len(entries)), (name, self._display(name)))
        elif choice == "unbind" and entries:
            entries.pop(rng.randrange(len(entries)))
        elif choice == "external" and trigger == "post-login":
            if EXTERNAL in bound:
                self._unbind(EXTERNAL)
            else:
                entries.insert(rng.randint(0, len(entries)), (EXTERNAL, None))
        else:
            rng.shuffle(entries)


def _entry(name: str, display: str | None) -> Any:
    if name == EXTERNAL:
        return {"action": name, "external": True}
    return {"action": name, "display_name": display} if display else name


def write_manifests(world: World, root: Path, var_file: Path) -> None:
    """Write `world` as a manifest root (actions.yaml, bindings.yaml, code/) and a var file."""
    shutil.rmtree(root, ignore_errors=True)
    (root / "code").mkdir(parents=True)
    actions = []
    for name, spec in sorted(world.actions.items()):
        (root / "code" / f"{name}.js").write_text(spec.code(name), encoding="utf-8")
        item: dict[str, Any] = {"name": name, "trigger": spec.trigger, "runtime": spec.runtime}
        item["code"] = f"code/{name}.js"
        if spec.deps:
            item["dependencies"] = dict(sorted(spec.deps.items()))
        if spec.secrets:
            item["secrets"] = {s: "${" + spec.var(s) + "}" for s in sorted(spec.secrets)}
        if spec.protect:
            item["protect"] = True
        actions.append(item)
    bindings = {t: [_entry(n, d) for n, d in es] for t, es in sorted(world.bindings.items())}
    doc = {"bindings": bindings, "settings": {"prune": world.prune}}
    (root / "actions.yaml").write_text(yaml.safe_dump({"actions": actions}), encoding="utf-8")
    (root / "bindings.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    lines = [f"{k}={v}" for k, v in sorted(world.values.items())]
    var_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
