"""deploy-cli's `triggers` map into ordered binding lists (see features.deploycli)."""

from __future__ import annotations

from typing import Any

from reconciler.core.catalogue import Catalogue
from reconciler.features.deploycli.reader import Reader, text
from reconciler.features.export import ExportBinding


def _entry(reader: Reader, item: Any, where: str, names: set[str]) -> ExportBinding | None:
    if not isinstance(item, dict):
        reader.problems.append(f"{where}: must be a mapping with action_name")
        return None
    action = text(reader, item, "action_name", where, required=True)
    display = text(reader, item, "display_name", where, required=False)
    if not action:
        return None
    note = ""
    if action not in names:
        note = "marketplace integration" if action in reader.marketplace else "not in the export"
    return ExportBinding(action, "" if display == action else display, bool(note), note)


def read_bindings(
    reader: Reader, raw: Any, names: set[str]
) -> list[tuple[str, tuple[ExportBinding, ...]]]:
    if raw is None:
        return []
    if not isinstance(raw, dict):
        reader.problems.append("triggers: must map trigger ids to lists")
        return []
    catalogue = Catalogue()
    out = []
    for trigger_id in sorted(str(k) for k in raw):
        items = raw[trigger_id] or []
        if catalogue.versions(trigger_id) and not catalogue.is_trigger_bound(trigger_id):
            reader.warnings.append(f"triggers.{trigger_id}: entity-bound trigger, not converted")
        elif not isinstance(items, list):
            reader.problems.append(f"triggers.{trigger_id}: must be a list")
        else:
            found = [
                _entry(reader, x, f"triggers.{trigger_id}[{i}]", names) for i, x in enumerate(items)
            ]
            out.append((trigger_id, tuple(e for e in found if e is not None)))
    return out
