"""The one input pipeline every route reads through: media type first (415), then the body
through one counting reader with the route's limit (413, never buffering past it), then pydantic
models for bodies and query strings with one mapper from pydantic's errors to RingCentral codes
(CMN-103 JSON that does not parse, CMN-104 a body that is not an object, CMN-101 naming the
field or parameter).

Why not Starlette's route-level ``max_body_size``: when a request declares a ``Content-Length``
over the limit, its middleware replaces *whatever* the route answers with a ``text/plain`` 413
("Content Too Large"), a framework default body the emulator must never send."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any, TypeVar, cast

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError
from starlette.datastructures import QueryParams
from starlette.requests import ClientDisconnect, Request
from starlette.types import Scope

from emulator.core.errors import (
    CannotParseRequest,
    EmulatorError,
    InvalidParameter,
    InvalidParameterDetail,
    MalformedJson,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from emulator.core.phone import PhoneNumberError, to_e164

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
JSON_LIMIT = 64 * 1024  # RingOut and control-plane JSON bodies
FORM_LIMIT = 16 * 1024  # OAuth forms
UPLOAD_LIMIT = 64 * 1024  # scenario uploads
M = TypeVar("M", bound=BaseModel)
Q = TypeVar("Q", bound="Query")
QUERY_CACHE = 128  # parsed query strings kept (each at most the server's head cap)


class Body(BaseModel):
    """A control-plane JSON body: unknown fields are refused (a typo should not pass silently)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class Query(BaseModel):
    """A query string: unknown parameters are ignored, as the platform does. Frozen: one parsed
    query string serves every request that sends it again (``read_query``)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True, defer_build=True)


def _e164(value: str) -> str:
    if not value.startswith("+"):
        raise ValueError("must be an E.164 number starting with +")
    try:
        return to_e164(value, "US")
    except PhoneNumberError:
        raise ValueError("is not a phone number") from None


E164 = Annotated[str, AfterValidator(_e164)]
"""A phone number given in E.164 (``+16505550100``), normalised."""


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


Instant = Annotated[datetime, AfterValidator(_utc)]
"""An ISO 8601 date-time; one written without a zone is UTC (the emulator's clock is UTC)."""

HeaderName = Annotated[str, StringConstraints(pattern=r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$")]
"""A text that will be sent as an HTTP header's name: an RFC 9110 token."""
HeaderValue = Annotated[str, StringConstraints(pattern=r"^[\t\x20-\x7e]*$", max_length=4096)]
"""A text that will be sent as an HTTP header's value: visible ASCII, spaces and tabs (no CR/LF)."""

INTEGER = re.compile(r"[+-]?[0-9]{1,18}")  # ASCII digits only; 18 of them fit in 64 bits


def _integer_text(value: object) -> object:
    """A query value is text: only an optionally signed run of ASCII digits (surrounding spaces
    aside) is an integer; pydantic alone would take ``1_0`` and would try 5,000 digits."""
    if isinstance(value, str):
        text = value.strip()
        if INTEGER.fullmatch(text) is None:
            raise ValueError("must be an integer")
        return int(text)
    return value


QueryInt = Annotated[int, BeforeValidator(_integer_text)]
"""An integer query parameter (bound it with ``Field(ge=..., le=...)``)."""


def header(scope: Scope, name: bytes) -> str | None:
    """The first ``name`` header of a request or socket (``name`` in lower case, as ASGI gives
    names), else None: the one way a header is read. A scan of the scope's list, without the
    ``KeyError`` Starlette's ``Headers.get`` raises for each header a request lacks (most of the
    ones a RingOut request is asked for). Whitespace around the value is not part of it (RFC 9110
    5.5; h11 strips it, httptools does not)."""
    key: bytes
    value: bytes
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1").strip(" \t")
    return None


def media_type(request: Request) -> str:
    return (header(request.scope, b"content-type") or "").split(";", 1)[0].strip().lower()


async def read_body(request: Request, *, accept: tuple[str, ...], limit: int, untyped: str | None = None) -> bytes:
    """The body, once its media type is one of ``accept`` (a request without Content-Type counts as
    ``untyped``; None refuses it) and at most ``limit`` bytes: 415 / 413 otherwise. A declared
    ``Content-Length`` over the limit is refused before a byte is read."""
    kind = media_type(request) or untyped
    if kind not in accept:
        raise UnsupportedMediaType(expected=" or ".join(accept), got=header(request.scope, b"content-type") or "")
    declared = header(request.scope, b"content-length")
    if declared is not None and (not declared.isdigit() or len(declared) > 12 or int(declared) > limit):
        raise PayloadTooLarge(limit=limit)
    # The ASGI messages themselves, as ``Request.stream`` reads them, without its async generator
    # (each one is registered with the event loop and finalised: a good share of a small POST).
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(limit=limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def body_problem(exc: ValidationError, *, field_names: dict[str, str] | None = None) -> EmulatorError:
    """pydantic's first error as RingCentral's: CMN-103 / CMN-104 / CMN-101 naming the field
    (``field_names`` maps Python names back to the wire's, e.g. ``from_`` -> ``from``)."""
    first = exc.errors()[0]
    if first["type"] in ("json_invalid", "json_type", "recursion_loop"):
        return MalformedJson()
    loc = [str(part) for part in first["loc"]]
    if not loc:
        return CannotParseRequest(detail="The body must be a JSON object.")
    names = field_names or {}
    return _invalid(".".join(names.get(part, part) for part in loc), first)


def _invalid(name: str, error: Any) -> EmulatorError:
    """CMN-101 naming the parameter; for a choice (an enum or literal), the valid values too."""
    expected = error.get("ctx", {}).get("expected") if error["type"] in ("enum", "literal_error") else None
    if expected is None:
        return InvalidParameter(name)
    return InvalidParameterDetail(name, detail=f"Valid values: {expected}.")


def parse_json(
    body: bytes,
    model: type[M],
    *,
    empty_is_object: bool = True,
    field_names: dict[str, str] | None = None,
    strict: bool | None = None,
) -> M:
    """JSON bytes into ``model`` (an empty body is ``{}`` if ``empty_is_object``, else CMN-103);
    ``strict``: a number must be a JSON number (not ``true``, not ``"60"``), as pydantic's strict mode reads JSON."""
    try:
        return model.model_validate_json(body if body.strip() or not empty_is_object else b"{}", strict=strict)
    except ValidationError as exc:
        raise body_problem(exc, field_names=field_names) from None
    except ValueError:  # pydantic_core's own recursion guard on absurdly deep JSON
        raise MalformedJson() from None


async def read_json(request: Request, model: type[M], *, limit: int = JSON_LIMIT) -> M:
    """A control-plane JSON body (optional: none at all is ``{}``), read strictly: ``true`` is not
    1 and ``"60"`` is not 60 (a typed client sent something else than it meant)."""
    body = await read_body(request, accept=(JSON,), limit=limit, untyped=JSON)
    return parse_json(body, model, strict=True)


def read_query(request: Request, model: type[Q], *, lists: tuple[str, ...] = ()) -> Q:
    """The query string into ``model`` (the last value of a repeated name, every value of the
    names in ``lists``): CMN-101 naming the first parameter that does not fit. A pure function of
    the raw query string, so the last ``QUERY_CACHE`` are kept: an app polls with the same one."""
    return cast(Q, _parsed_query(model, lists, request.scope["query_string"]))


@lru_cache(maxsize=QUERY_CACHE)  # a refused query raises, and is not kept
def _parsed_query(model: type[Q], lists: tuple[str, ...], raw: bytes) -> Q:
    query = QueryParams(raw)
    params: dict[str, str | list[str]] = dict(query)
    for name in lists:
        if name in params:
            params[name] = query.getlist(name)
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise _invalid(str(first["loc"][0]) if first["loc"] else "query", first) from None


def path_value(request: Request, model: type[M]) -> M:
    """Path parameters into ``model``: CMN-101 naming the first one that does not fit."""
    try:
        return model.model_validate(request.path_params)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise _invalid(str(first["loc"][0]) if first["loc"] else "path", first) from None
