"""The one JSON writer (``pydantic_core.to_json``: no dict round trip through the stdlib
encoder), and how times are written (ISO 8601, UTC, milliseconds)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic_core import to_json
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.inputs import header

JSON_TYPE = "application/json"
JSON_RAW = JSON_TYPE.encode()


def json_bytes(body: Any) -> bytes:
    return to_json(body)


class JSONBytes(Response):
    """A JSON answer; with no headers of its own, its two raw headers are written directly
    (``Response.init_headers`` is the larger share of a small answer's cost)."""

    media_type = JSON_TYPE

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        if headers:
            super().init_headers(headers)
            return
        self.raw_headers = [(b"content-length", str(len(self.body)).encode()), (b"content-type", JSON_RAW)]


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return JSONBytes(to_json(body), status_code=status, headers=headers)


def json_bytes_response(content: bytes, status: int = 200) -> Response:
    """A body ``to_json`` already wrote (pieces of it cached, e.g. call-log records)."""
    return JSONBytes(content, status_code=status)


def no_content(headers: Mapping[str, str] | None = None) -> Response:
    return Response(status_code=204, headers=headers)


def iso(when: float | None) -> str | None:
    if when is None:
        return None
    return datetime.fromtimestamp(when, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def base_url(request: Request) -> str:
    """``scheme://host[:port]`` as the client addressed us: what absolute ``uri`` fields start with
    (read from the scope: building ``request.url`` costs more than the rest of a RingOut GET)."""
    host = header(request.scope, b"host")
    if not host:
        server = request.scope.get("server") or ("localhost", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{request.scope['scheme']}://{host}"
