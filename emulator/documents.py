"""The one loader of the emulator's YAML and JSON documents (scenario files and uploads, the
accounts file): bounded in size, JSON or YAML by media type, nesting bounded before anything deep
is built, so a hostile document is a problem to report, never a ``RecursionError`` or a stalled
server."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic_core import from_json

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built in: ~10x faster
MAX_DEPTH = 16
"""How deeply a YAML document may nest (a scenario needs 3 levels, the accounts file 8)."""
JSON_MEDIA_TYPES = ("application/json",)
YAML_MEDIA_TYPES = ("application/yaml", "application/x-yaml", "text/yaml")
MEDIA_TYPES: tuple[str, ...] = JSON_MEDIA_TYPES + YAML_MEDIA_TYPES


class DocumentError(ValueError):
    """One or more problems in a document; ``str()`` lists them, each with where it is."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def load_document(body: bytes, media_type: str, where: str, *, max_bytes: int) -> Any:
    """``body`` (at most ``max_bytes``) as JSON or YAML by ``media_type``."""
    if len(body) > max_bytes:
        raise DocumentError([f"{where}: larger than {max_bytes} bytes"])
    kind = media_type.split(";", 1)[0].strip().lower()
    if kind in JSON_MEDIA_TYPES:
        return _json(body, where)
    if kind in YAML_MEDIA_TYPES:
        return _yaml(body, where)
    accepted = ", ".join(MEDIA_TYPES)
    raise DocumentError([f"{where}: media type [{kind}] is not accepted; send one of: {accepted}"])


def _json(body: bytes, where: str) -> Any:
    # JSON goes through pydantic_core's parser, not the YAML one: exact JSON semantics (PyYAML is
    # YAML 1.1, which reads some JSON differently) and its own bound (200 levels) on nesting,
    # enforced while it parses, so no recursion ever gets deep.
    try:
        return from_json(body, allow_inf_nan=False)
    except ValueError as exc:
        raise DocumentError([f"{where}: JSON error: {exc}"]) from None


def _yaml(body: bytes, where: str) -> Any:
    try:
        text = body.decode("utf-8")
        _check_depth(text, where)
        return yaml.load(text, Loader=SAFE_LOADER)
    except UnicodeDecodeError as exc:
        raise DocumentError([f"{where}: YAML error: not UTF-8 ({exc})"]) from None
    except yaml.YAMLError as exc:
        raise DocumentError([f"{where}: YAML error{_yaml_problem(exc)}"]) from None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One line: `` at line L, column C: <context>, <problem>``."""
    if not isinstance(exc, yaml.MarkedYAMLError) or exc.problem_mark is None:
        return f": {' '.join(str(exc).split())}"
    mark = exc.problem_mark
    said = ", ".join(part for part in (exc.context, exc.problem) if part)
    return f" at line {mark.line + 1}, column {mark.column + 1}: {said}"


def _check_depth(text: str, where: str) -> None:
    """Scan the parser's events (flat: no recursion, nothing built) before composing any node. An
    alias counts as deep as the node it names, so a chain of aliases cannot nest deeper either."""
    open_nodes: list[tuple[str | None, int]] = []  # (anchor, height of the deepest child so far)
    heights: dict[str, int] = {}  # anchor -> height of its node (a scalar 0, [] 1, [[]] 2 ...)
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            open_nodes.append((event.anchor, 0))
            height = 0
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            anchor, child = open_nodes.pop()
            height = child + 1
            if anchor is not None:
                heights[anchor] = height
        elif isinstance(event, yaml.AliasEvent):
            height = heights.get(event.anchor or "", 0)
        else:
            continue  # scalars (height 0) and stream/document events
        if len(open_nodes) + height > MAX_DEPTH:
            line = event.start_mark.line + 1 if event.start_mark is not None else "?"
            raise DocumentError([f"{where}: YAML error: nested deeper than {MAX_DEPTH} levels (line {line})"])
        if open_nodes and height:
            anchor, child = open_nodes[-1]
            open_nodes[-1] = (anchor, max(child, height))
