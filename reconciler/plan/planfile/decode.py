"""The plan document's JSON values (already checked against schemas/plan.schema.json) -> the
typed plan records. A value of the wrong type, a diff mixing an action's and a trigger's
members, or a step whose `id` or `address` is not the one its record gives, is refused with
one line naming it."""

from __future__ import annotations

from reconciler.core.errors import ReconcilerError, clip
from reconciler.core.fields import ActionFields, ModuleFields, ModulePin, SecretRef, TriggerRef
from reconciler.core.model import Dependency
from reconciler.diff import Drift
from reconciler.diff.records import (
    BindingRow,
    BindingsChange,
    ChangeDiff,
    CodeDiff,
    DeletedDetail,
    DependencyChange,
    FieldChange,
    FieldDiff,
    JsonValue,
    Position,
    SecretChange,
)
from reconciler.plan.kinds import (
    BindingEntry,
    CreateAction,
    CreateModule,
    DeleteAction,
    DeleteModule,
    DeployAction,
    PublishModule,
    Rebind,
    Step,
    StepKind,
    UpdateAction,
    UpdateModule,
    WaitBuild,
)
from reconciler.plan.types import ActionPrecondition, BindingsPrecondition, Change, Precondition

JsonObject = dict[str, JsonValue]


class Invalid(ReconcilerError):
    """A plan document value that has no typed record (the caller adds the source)."""


def obj(value: JsonValue) -> JsonObject:
    if not isinstance(value, dict):
        raise Invalid(f"expected an object, found {clip(repr(value), 60)}")
    return value


def items(o: JsonObject, key: str) -> list[JsonValue]:
    value = o.get(key)
    if not isinstance(value, list):
        raise Invalid(f"{key}: expected a list")
    return value


def text(o: JsonObject, key: str) -> str:
    value = o.get(key)
    if not isinstance(value, str):
        raise Invalid(f"{key}: expected a string")
    return value


def texts(o: JsonObject, key: str) -> tuple[str, ...]:
    values = items(o, key)
    if not all(isinstance(v, str) for v in values):
        raise Invalid(f"{key}: expected a list of strings")
    return tuple(str(v) for v in values)


def opt_text(o: JsonObject, key: str) -> str | None:
    return None if o.get(key) is None else text(o, key)


def opt_int(o: JsonObject, key: str) -> int | None:
    value = o.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise Invalid(f"{key}: expected an integer")
    return value


def whole(o: JsonObject, key: str) -> int:
    value = opt_int(o, key)
    if value is None:
        raise Invalid(f"{key}: expected an integer")
    return value


def flag(o: JsonObject, key: str) -> bool:
    value = o.get(key)
    if not isinstance(value, bool):
        raise Invalid(f"{key}: expected true or false")
    return value


# ----------------------------------------------------------------------------- changes


def _field_change(o: JsonObject, key: str) -> FieldChange | None:
    if key not in o:
        return None
    pair = obj(o[key])
    return FieldChange(pair.get("before"), pair.get("after"))


def _field_diff(o: JsonObject) -> FieldDiff:
    code = obj(o["code"]) if "code" in o else None
    gone = obj(o["deleted"]) if "deleted" in o else None
    return FieldDiff(
        against=opt_text(o, "against"),
        trigger=_field_change(o, "trigger"),
        runtime=_field_change(o, "runtime"),
        protect=_field_change(o, "protect"),
        dependencies=tuple(
            DependencyChange(text(d, "name"), opt_text(d, "before"), opt_text(d, "after"))
            for d in map(obj, items(o, "dependencies"))
        )
        if "dependencies" in o
        else None,
        secrets=tuple(
            SecretChange(text(s, "name"), text(s, "change")) for s in map(obj, items(o, "secrets"))
        )
        if "secrets" in o
        else None,
        code=CodeDiff(
            text(code, "file"),
            lines=opt_int(code, "lines"),
            unified=texts(code, "unified") if "unified" in code else None,
        )
        if code is not None
        else None,
        deleted=_deleted(gone) if gone is not None else None,
    )


def _deleted(o: JsonObject) -> DeletedDetail:
    return DeletedDetail(
        trigger=text(o, "trigger"),
        trigger_version=text(o, "trigger_version"),
        deployed_version=opt_int(o, "deployed_version"),
        code_bytes=whole(o, "code_bytes"),
        code_lines=whole(o, "code_lines"),
        head=texts(o, "head"),
    )


_BINDINGS_KEYS = {"before", "after", "positions"}


def _bindings_change(o: JsonObject) -> BindingsChange:
    if set(o) != _BINDINGS_KEYS:
        raise Invalid("diff: a binding list change has exactly before, after and positions")

    def rows(key: str) -> tuple[BindingRow, ...]:
        return tuple(
            BindingRow(text(r, "action"), text(r, "display_name")) for r in map(obj, items(o, key))
        )

    positions = tuple(
        Position(
            action=text(p, "action"),
            before=opt_int(p, "before"),
            after=opt_int(p, "after"),
            display_name_before=opt_text(p, "display_name_before"),
            display_name_after=opt_text(p, "display_name_after"),
        )
        for p in map(obj, items(o, "positions"))
    )
    return BindingsChange(rows("before"), rows("after"), positions)


def diff_from_json(o: JsonObject) -> ChangeDiff:
    return _bindings_change(o) if _BINDINGS_KEYS & set(o) else _field_diff(o)


def _preconditions(o: JsonObject) -> Precondition | None:
    if not o:
        return None
    if "digest" in o:
        return BindingsPrecondition(text(o, "digest"))
    return ActionPrecondition(
        opt_text(o, "id"), opt_text(o, "updated_at"), opt_text(o, "deployed_version_id")
    )


def change_from_json(o: JsonObject) -> Change:
    return Change(
        address=text(o, "address"),
        actions=texts(o, "actions"),
        reason=text(o, "reason"),
        diff=diff_from_json(obj(o["diff"])),
        drift=tuple(
            Drift(text(d, "category"), text(d, "detail")) for d in map(obj, items(o, "drift"))
        ),
        preconditions=_preconditions(obj(o["preconditions"])),
        planned=flag(o, "planned"),
    )


# ----------------------------------------------------------------------------- steps


def _fields(p: JsonObject) -> ActionFields:
    def has(key: str) -> bool:
        return key in p

    triggers = [obj(t) for t in items(p, "supported_triggers")] if has("supported_triggers") else []
    deps = [obj(d) for d in items(p, "dependencies")] if has("dependencies") else []
    secrets = [obj(s) for s in items(p, "secrets")] if has("secrets") else []
    return ActionFields(
        supported_triggers=tuple(TriggerRef(text(t, "id"), text(t, "version")) for t in triggers)
        if has("supported_triggers")
        else None,
        code=text(p, "code") if has("code") else None,
        runtime=text(p, "runtime") if has("runtime") else None,
        dependencies=tuple(Dependency(text(d, "name"), text(d, "version")) for d in deps)
        if has("dependencies")
        else None,
        secrets=tuple(SecretRef(text(s, "name"), text(s, "var")) for s in secrets)
        if has("secrets")
        else None,
        modules=tuple(
            ModulePin(text(m, "name"), whole(m, "version")) for m in map(obj, items(p, "modules"))
        )
        if has("modules")
        else None,
    )


def _module_fields(p: JsonObject) -> ModuleFields:
    deps = [obj(d) for d in items(p, "dependencies")] if "dependencies" in p else []
    secrets = [obj(s) for s in items(p, "secrets")] if "secrets" in p else []
    return ModuleFields(
        code=text(p, "code") if "code" in p else None,
        dependencies=tuple(Dependency(text(d, "name"), text(d, "version")) for d in deps)
        if "dependencies" in p
        else None,
        secrets=tuple(SecretRef(text(s, "name"), text(s, "var")) for s in secrets)
        if "secrets" in p
        else None,
    )


def _module_record(kind: StepKind, p: JsonObject, deps: tuple[str, ...]) -> Step:
    if kind is StepKind.CREATE_MODULE:
        return CreateModule(text(p, "name"), _module_fields(p), deps)
    if kind is StepKind.UPDATE_MODULE:
        return UpdateModule(text(p, "module_id"), text(p, "name"), _module_fields(p), deps)
    if kind is StepKind.PUBLISH_MODULE:
        return PublishModule(opt_text(p, "module_id"), text(p, "name"), whole(p, "version"), deps)
    if kind is StepKind.DELETE_MODULE:
        return DeleteModule(text(p, "module_id"), text(p, "name"), deps)
    raise Invalid(f"{kind.value} steps are not in plan format 1")


def _record(kind: StepKind, p: JsonObject, deps: tuple[str, ...]) -> Step:
    if kind is StepKind.CREATE:
        return CreateAction(text(p, "name"), _fields(p), flag(p, "deploy"), deps)
    if kind is StepKind.UPDATE:
        return UpdateAction(text(p, "action_id"), text(p, "name"), _fields(p), deps)
    if kind is StepKind.WAIT_BUILD:
        return WaitBuild(texts(p, "actions"), deps)
    if kind is StepKind.DEPLOY:
        return DeployAction(text(p, "action_id"), text(p, "name"), deps)
    if kind is StepKind.DELETE:
        return DeleteAction(text(p, "action_id"), text(p, "name"), deps)
    if kind is StepKind.REBIND:
        entries = tuple(
            BindingEntry(text(e, "action"), opt_text(e, "action_id"), text(e, "display_name"))
            for e in map(obj, items(p, "bindings"))
        )
        return Rebind(text(p, "trigger"), entries, deps)
    return _module_record(kind, p, deps)


def step_from_json(o: JsonObject) -> Step:
    """The step's record; its id and address must be the ones the record gives."""
    given = text(o, "id")
    try:
        kind = StepKind(text(o, "kind"))
    except ValueError:
        raise Invalid(f"step {clip(given, 100)}: unknown kind") from None
    step = _record(kind, obj(o["payload"]), texts(o, "depends_on"))
    if step.id != given:
        raise Invalid(
            f"step {clip(given, 100)} does not match its {kind.value} record "
            f"(whose id is {clip(step.id, 100)})"
        )
    if step.address != text(o, "address"):
        raise Invalid(
            f"step {clip(given, 100)}: address {clip(text(o, 'address'), 100)} is not "
            f"{clip(step.address, 100)}"
        )
    return step
