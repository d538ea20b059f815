"""Reading OpenAPI documents for the contract tests: operations, ``$ref`` resolution, field
flattening (for the conformance comparison) and response validation (for the app/file sync)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker

ROOT = Path(__file__).resolve().parents[2]
OPENAPI_FILE = ROOT / "openapi.yaml"
OFFICIAL_FILE = ROOT / "tests" / "fixtures" / "rc-official-subset.openapi.yml"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
CONTROL_PREFIX = "/__emulator/"
LANDING = "/"  # the emulator's own landing page: control plane too, though outside the prefix


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str
    spec: dict[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def operation_id(self) -> str:
        return str(self.spec.get("operationId", ""))

    @property
    def statuses(self) -> set[int]:
        return {int(code) for code in self.spec.get("responses", {})}

    @property
    def success_status(self) -> int:
        return min(code for code in self.statuses if 200 <= code < 400)


def is_control(path: str) -> bool:
    """An operation of the emulator's own, not RingCentral's."""
    return path.startswith(CONTROL_PREFIX) or path == LANDING


@cache
def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def operations(doc: dict[str, Any]) -> Iterator[Operation]:
    for path, item in doc["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method in item:
                spec = dict(item[method])
                spec["parameters"] = [*shared, *spec.get("parameters", [])]
                yield Operation(method.upper(), path, spec)


def operations_by_key(doc: dict[str, Any]) -> dict[tuple[str, str], Operation]:
    return {op.key: op for op in operations(doc)}


def deref(doc: dict[str, Any], node: Any) -> Any:
    """``node`` with every local ``$ref`` replaced by its target, recursively (no cycles here)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = doc
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return deref(doc, target)
        return {key: deref(doc, value) for key, value in node.items()}
    if isinstance(node, list):
        return [deref(doc, item) for item in node]
    return node


@dataclass(frozen=True)
class Field:
    type: str | None
    enum: frozenset[str] | None
    required: bool


def flatten(schema: dict[str, Any], prefix: str = "", required: bool = True) -> dict[str, Field]:
    """Dotted field paths (``from.phoneNumber``, ``records[].features[]``) to type, enum and
    whether it is always there (required, and so is every object around it). ``allOf``, ``anyOf``
    and ``oneOf`` branches merge; enums found for the same field in several branches are united."""
    found: dict[str, Field] = {}
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(key, []):
            _merge(found, flatten(branch, prefix, required))
    kind = schema.get("type")
    if prefix and (kind or "enum" in schema):
        enum = frozenset(str(v) for v in schema["enum"]) if "enum" in schema else None
        _merge(found, {prefix: Field(kind, enum, required)})
    needed = set(schema.get("required", []))
    for name, sub in schema.get("properties", {}).items():
        _merge(found, flatten(sub, f"{prefix}.{name}" if prefix else name, required and name in needed))
    if "items" in schema:
        _merge(found, flatten(schema["items"], f"{prefix}[]", required))
    return found


def _merge(into: dict[str, Field], more: dict[str, Field]) -> None:
    for name, field in more.items():
        old = into.get(name)
        if old is None:
            into[name] = field
            continue
        enum = old.enum | field.enum if old.enum is not None and field.enum is not None else old.enum or field.enum
        into[name] = Field(old.type or field.type, enum, old.required or field.required)


def request_fields(doc: dict[str, Any], op: Operation) -> dict[str, Field]:
    """Path and query parameters (``query:page``) and request body fields (``body:from.phoneNumber``)."""
    fields: dict[str, Field] = {}
    for param in deref(doc, op.spec["parameters"]):
        if param["in"] in ("path", "query"):
            schema = param.get("schema", {})
            enum = frozenset(str(v) for v in schema["enum"]) if "enum" in schema else None
            fields[f"{param['in']}:{param['name']}"] = Field(schema.get("type"), enum, bool(param.get("required")))
    body = deref(doc, op.spec.get("requestBody", {}))
    for media in body.get("content", {}).values():
        for name, field in flatten(media.get("schema", {})).items():
            fields[f"body:{name}"] = field
    return fields


def response_schema(doc: dict[str, Any], op: Operation, status: int) -> dict[str, Any]:
    """The declared response for ``status`` (resolved): ``{description, content?, headers?}``."""
    responses = op.spec["responses"]
    declared: dict[str, Any] = deref(doc, responses[str(status)])
    return declared


def response_fields(doc: dict[str, Any], op: Operation, status: int) -> dict[str, Field]:
    content = response_schema(doc, op, status).get("content", {})
    fields: dict[str, Field] = {}
    for media in content.values():
        fields.update(flatten(media.get("schema", {})))
    return fields


def match_operation(doc: dict[str, Any], method: str, path: str) -> Operation | None:
    """The operation whose path template matches a concrete path (literal segments win)."""
    candidates = []
    parts = path.rstrip("/").split("/")
    for op in operations(doc):
        template = op.path.split("/")
        if op.method != method or len(template) != len(parts):
            continue
        literal = 0
        for want, got in zip(template, parts, strict=True):
            if want.startswith("{"):
                continue
            if want != got:
                break
            literal += 1
        else:
            candidates.append((literal, op))
    return max(candidates, key=lambda pair: pair[0])[1] if candidates else None


def check_response(doc: dict[str, Any], op: Operation, response: httpx.Response) -> None:
    """Raises AssertionError unless the status is declared for ``op``, the content type is one
    declared, and a JSON body validates against the declared schema."""
    assert response.status_code in op.statuses, (
        f"{op.method} {op.path} answered {response.status_code}, declared {sorted(op.statuses)}: {response.text}"
    )
    declared = response_schema(doc, op, response.status_code)
    content = declared.get("content")
    if not content:
        assert response.content == b"", f"{op.method} {op.path} {response.status_code} has a body: {response.text}"
        return
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    assert media_type in content, f"{op.method} {op.path} {response.status_code}: {media_type} not in {list(content)}"
    if media_type == "application/json":
        OAS30Validator(content[media_type]["schema"], format_checker=oas30_format_checker).validate(response.json())
