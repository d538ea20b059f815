"""The official spec subset as test oracle: the JSON schema of one operation's response, with
every ``$ref`` resolved, and a validator that fails with the spec's own words."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker

SPEC_FILE = Path(__file__).parent / "fixtures" / "rc-official-subset.openapi.yml"
SPEC2_FILE = Path(__file__).parent / "fixtures" / "rc-official-subset-2.openapi.yml"  # call log, subscriptions
METHODS = ("get", "put", "post", "delete", "patch")
# The legacy ``/ringout`` spelling is not in the current spec; it answers like the canonical one.
LEGACY = {
    "createRingOutCallDeprecated": "createRingOutCall",
    "readRingOutCallStatusDeprecated": "readRingOutCallStatus",
    "deleteRingOutCallDeprecated": "deleteRingOutCall",
}


@cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    return loaded


@cache
def spec2() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC2_FILE.read_text(encoding="utf-8"))
    return loaded


def resolve(node: Any, seen: tuple[str, ...] = (), root: dict[str, Any] | None = None) -> Any:
    """``node`` with every local ``$ref`` replaced by (a resolved copy of) its target in ``root``
    (default: the first subset)."""
    document = spec() if root is None else root
    if isinstance(node, list):
        return [resolve(item, seen, document) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in seen:
            raise ValueError(f"recursive $ref {ref}")
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return resolve(target, (*seen, ref), document)
    return {key: resolve(value, seen, document) for key, value in node.items()}


def operation(operation_id: str) -> dict[str, Any]:
    wanted = LEGACY.get(operation_id, operation_id)
    for item in spec()["paths"].values():
        for method in METHODS:
            op = item.get(method)
            if op is not None and op.get("operationId") == wanted:
                found: dict[str, Any] = op
                return found
    raise KeyError(f"no operation {operation_id!r} in {SPEC_FILE.name}")


def response_schema(operation_id: str, status: int) -> dict[str, Any] | None:
    """The JSON schema of ``operation_id``'s ``status`` response; None when it has no body."""
    response = resolve(operation(operation_id)["responses"][str(status)])
    content = response.get("content")
    if content is None:
        return None
    schema: dict[str, Any] = content["application/json"]["schema"]
    return schema


def component(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = resolve(spec()["components"]["schemas"][name])
    return schema


@cache
def _spec2_validator(name: str) -> OAS30Validator:
    return OAS30Validator(
        resolve(spec2()["components"]["schemas"][name], root=spec2()), format_checker=oas30_format_checker
    )


def assert_matches_spec2(name: str, body: Any) -> None:
    """``body`` is valid against the second subset's component schema ``name`` (e.g. ``CallLogResponse``)."""
    _spec2_validator(name).validate(body)


def validate(instance: Any, schema: dict[str, Any]) -> None:
    OAS30Validator(schema, format_checker=oas30_format_checker).validate(instance)


@cache
def _response_validator(operation_id: str, status: int) -> OAS30Validator:
    schema = response_schema(operation_id, status)
    assert schema is not None, f"{operation_id} {status} has no body in the spec"
    return OAS30Validator(schema, format_checker=oas30_format_checker)


@cache
def _error_validator() -> OAS30Validator:
    return OAS30Validator(component("ApiErrorResponseModel"), format_checker=oas30_format_checker)


def assert_response_matches(operation_id: str, status: int, body: Any) -> None:
    _response_validator(operation_id, status).validate(body)


def assert_error_matches(body: Any) -> None:
    """Every error body is an ``ApiErrorResponseModel``."""
    _error_validator().validate(body)
