"""Safe YAML with line/column tracking and hard limits.

Only plain data is accepted: mappings, lists, strings, numbers, booleans and null. Object tags such
as `!!python/object` are refused. The file size is checked before reading, and the number of nodes
built (aliases expanded) and the nesting depth are capped, so an alias bomb ("billion laughs") or a
huge file fails fast with one clear Problem instead of eating memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reconciler.core.errors import Problem
from reconciler.manifest.filetext import MAX_FILE_BYTES as MAX_FILE_BYTES  # re-exported
from reconciler.manifest.filetext import decode, read_bytes
from reconciler.manifest.filetext import relative_posix as relative_posix  # re-exported
from reconciler.manifest.problems import START, KeyPath, Mark, format_key_path, problem

MAX_NODES = 50_000
MAX_DEPTH = 50

_Y = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_Y}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MERGE_TAG = f"{_Y}merge"


@dataclass
class Document:
    """One parsed manifest file: plain data plus where each value and key came from."""

    file: str  # path relative to the manifest root (posix)
    path: Path
    data: Any
    values: dict[KeyPath, Mark] = field(default_factory=dict)
    keys: dict[KeyPath, Mark] = field(default_factory=dict)
    raw: dict[KeyPath, str] = field(default_factory=dict)  # source text of scalars
    broken: set[KeyPath] = field(default_factory=set)  # already reported while parsing

    def mark(self, path: KeyPath) -> Mark:
        """The mark of the value at `path`, or of its nearest recorded parent."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, START)

    def key_mark(self, path: KeyPath) -> Mark:
        """The mark of the key that names `path` (falls back to the value)."""
        return self.keys.get(path) or self.mark(path)


class _Limit(Exception):
    def __init__(self, mark: Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_Y) :] if tag.startswith(_Y) else tag


class _Builder:
    """Composing is the parser's; `build()` turns nodes into data with marks and limits."""

    doc: Document
    construct_object: Any

    def setup(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()

    def report(self, mark: Mark, path: KeyPath, message: str, *, broken: bool = True) -> None:
        """A problem; `broken` marks the value at `path` as replaced (schema errors there and
        below are not reported again)."""
        if broken:
            self.doc.broken.add(path)
        self.problems.append(problem(self.doc.file, mark, path, message))

    def build(self, node: Node, path: KeyPath, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            # aliases share nodes, so a node's own mark may be far from the expansion:
            # point at the top-level key being built instead
            raise _Limit(
                self.doc.key_mark(path[:1]) if path else _mark(node),
                f"more than {MAX_NODES} YAML nodes once aliases are expanded; "
                "refused as an alias bomb or an oversized manifest",
            )
        if depth > MAX_DEPTH:
            raise _Limit(_mark(node), f"nesting is deeper than {MAX_DEPTH} levels")
        if id(node) in self.active:
            raise _Limit(
                _mark(node), "an alias refers to the node that contains it (recursive alias)"
            )
        self.doc.values.setdefault(path, _mark(node))
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        tag = node.tag
        expected = f"{_Y}seq" if isinstance(node, SequenceNode) else f"{_Y}map"
        if tag != expected:
            self.report(_mark(node), path, f"YAML tag '{_show_tag(tag)}' is not allowed here")
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [
                    self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)
                ]
            assert isinstance(node, MappingNode)
            return self._mapping(node, path, depth)
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: ScalarNode, path: KeyPath) -> Any:
        self.doc.raw.setdefault(path, node.value)
        if node.tag not in _SCALAR_TAGS:
            self.report(
                _mark(node),
                path,
                f"YAML tag '{_show_tag(node.tag)}' is not allowed (only plain data: safe YAML)",
            )
            return None
        if node.tag == f"{_Y}timestamp":
            return node.value  # YAML 1.2 has no timestamps: keep the text
        try:
            return self.construct_object(node)
        except (ValueError, yaml.YAMLError):
            self.report(_mark(node), path, "this value cannot be read (number too large?)")
            return None

    def _mapping(self, node: MappingNode, path: KeyPath, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == _MERGE_TAG:
                merges.append(value_node)  # after the explicit keys, which win (and own marks)
                continue
            key = self._key(key_node, path)
            if key is None:
                continue
            child = (*path, key)
            if key in out:
                first = self.doc.keys[child]
                self.report(
                    _mark(key_node),
                    child,
                    f"duplicate key '{key}' (first at line {first.line})",
                    broken=False,
                )
                continue
            self.doc.keys[child] = _mark(key_node)
            out[key] = self.build(value_node, child, depth + 1)
        merged: dict[str, Any] = {}
        for value_node in merges:
            self._merge(value_node, path, depth, merged)
        for key, value in merged.items():
            out.setdefault(key, value)
        return out

    def _merge(self, node: Node, path: KeyPath, depth: int, merged: dict[str, Any]) -> None:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        for source in sources:
            value = self.build(source, path, depth + 1)
            if not isinstance(value, dict):
                self.report(
                    _mark(source), path, "a merge key (<<) needs a mapping or a list of mappings"
                )
                continue
            for key, item in value.items():
                merged.setdefault(key, item)

    def _key(self, node: Node, path: KeyPath) -> str | None:
        if isinstance(node, ScalarNode) and node.tag == f"{_Y}str":
            return str(node.value)
        where = format_key_path(path) or "the top level"
        if isinstance(node, ScalarNode):
            message = (
                f"key '{node.value}' under {where} is read as {_show_tag(node.tag)[2:]}; quote it"
            )
        else:
            message = f"a key under {where} must be a plain string, not a list or mapping"
        self.report(_mark(node), path, message, broken=False)
        return None


def _position(text: str, index: int) -> Mark:
    before = text[:index]
    return Mark(before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1)


def load_yaml(path: Path, file: str) -> tuple[Document | None, list[Problem]]:
    """Read and parse one manifest file. A None document means it could not be parsed at all."""
    data, err = read_bytes(path, file)
    if err is not None or data is None:
        return None, [err] if err else []
    text, err = decode(data, file)
    if err is not None or text is None:
        return None, [err] if err else []
    if FAST:
        fast = Document(file=file, path=path, data=None)
        try:
            if not _parse(text, fast, FastLoader):
                fast.data = {} if fast.data is None else fast.data
                return fast, []
        except yaml.MarkedYAMLError as exc:  # libyaml's own depth cap: PyYAML would recurse
            if "maximum nesting depth" in str(exc.problem):  # for a second, to the same verdict
                return None, [
                    problem(file, START, (), f"nesting is deeper than {MAX_DEPTH} levels")
                ]
        except (_Limit, yaml.YAMLError, RecursionError):
            pass  # read again below, for the problem in PyYAML's words
    doc = Document(file=file, path=path, data=None)
    try:
        problems = _parse(text, doc)
    except _Limit as exc:
        return None, [problem(file, exc.mark, (), exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else START
        what = exc.problem or exc.context or "syntax error"
        if exc.problem and exc.context and exc.context_mark:
            start = exc.context_mark
            what += f" ({exc.context} at line {start.line + 1}, column {start.column + 1})"
        return None, [problem(file, where, (), f"invalid YAML: {what}")]
    except yaml.reader.ReaderError as exc:
        where = _position(text, exc.position)
        return None, [problem(file, where, (), f"invalid YAML: {exc.reason}")]
    except yaml.YAMLError as exc:
        return None, [problem(file, START, (), f"invalid YAML: {exc}")]
    except RecursionError:
        return None, [problem(file, START, (), f"nesting is deeper than {MAX_DEPTH} levels")]
    if doc.data is None:
        doc.data = {}  # an empty file (or only comments) is fine
    return doc, problems


class ManifestLoader(_Builder, yaml.SafeLoader):
    """A SafeLoader that only composes: PyYAML's own parser, whose messages every problem of a
    file quotes."""


class FastLoader(_Builder, yaml.CSafeLoader):
    """The same on libyaml's parser (several times faster). Only a file it reads cleanly is
    taken from it; any other is read again by `ManifestLoader`, so problems are worded as
    ever."""


FAST = getattr(yaml, "__with_libyaml__", False)


def _parse(
    text: str,
    doc: Document,
    loader_type: type[ManifestLoader] | type[FastLoader] = ManifestLoader,
) -> list[Problem]:
    loader = loader_type(text)
    try:
        loader.setup(doc)
        node = loader.get_single_node()
        if node is not None:
            doc.data = loader.build(node, (), 0)
        return loader.problems
    finally:
        loader.dispose()
