"""Reading a Test reply as lines, and judging it against a test case of the manifest."""

from __future__ import annotations

import difflib
import json
from typing import Any

from reconciler.core.model import ActionTest, ExpectedCommand

NO_COMMANDS = "(no commands)"


def reply_error(reply: dict[str, Any]) -> dict[str, Any] | None:
    body = reply.get("payload")
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) and error else None


def reply_commands(reply: dict[str, Any]) -> list[ExpectedCommand]:
    body = reply.get("payload")
    found = body.get("commands") if isinstance(body, dict) else None
    out = []
    for item in found if isinstance(found, list) else []:
        if isinstance(item, dict):
            args = item.get("args") if isinstance(item.get("args"), list) else []
            dumped = json.dumps(args, ensure_ascii=False, sort_keys=True)
            out.append(ExpectedCommand(str(item.get("name")), dumped))
    return out


def reply_logs(reply: dict[str, Any]) -> list[str]:
    body = reply.get("payload")
    logs = body.get("logs") if isinstance(body, dict) else None
    return logs.splitlines() if isinstance(logs, str) else []


def command_line(command: ExpectedCommand) -> str:
    """`access.deny("blocked")`: the method and its JSON arguments."""
    args = json.loads(command.args_json)
    shown = ", ".join(json.dumps(a, ensure_ascii=False, sort_keys=True) for a in args)
    return f"{command.name}({shown})"


def outcome_lines(commands: list[ExpectedCommand], error: tuple[str, str] | None) -> list[str]:
    if error is not None:
        return [f"error {error[0]}: {error[1]}"]
    return [command_line(c) for c in commands] or [NO_COMMANDS]


def judge(case: ActionTest, reply: dict[str, Any]) -> list[str]:
    """[] when the reply is what `case` expects, else a unified diff expected -> actual."""
    error = reply_error(reply)
    actual_error = None if error is None else (str(error.get("name")), str(error.get("message")))
    actual = outcome_lines(reply_commands(reply) if error is None else [], actual_error)
    expected = outcome_lines(list(case.commands or ()), case.error)
    if actual == expected:
        return []
    diff = difflib.unified_diff(expected, actual, "expected", "actual", lineterm="", n=len(actual))
    return list(diff)
