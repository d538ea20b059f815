"""``emulator.api.errors``: framework errors map to RingCentral codes (the branches the routes
do not reach today are checked directly)."""

from __future__ import annotations

import pytest
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request

from emulator.api.errors import error_body, http_error, validation_error
from emulator.core.errors import InternalError, PayloadTooLarge, UnsupportedMediaType
from tests.spec import assert_error_matches


def request(content_type: str = "text/plain") -> Request:
    headers = [(b"content-type", content_type.encode())]
    return Request({"type": "http", "method": "POST", "path": "/x", "headers": headers, "query_string": b""})


@pytest.mark.parametrize(
    ("status", "kind", "message"),
    [
        (
            415,
            UnsupportedMediaType,
            "Unsupported Media Type: the request body must be application/json, got [text/plain]",
        ),
        (413, PayloadTooLarge, "Request body too large: at most 65536 bytes are accepted"),
        (418, InternalError, "Service Temporary Unavailable"),
    ],
)
def test_http_errors(status: int, kind: type, message: str) -> None:
    error = http_error(request(), HTTPException(status))
    assert isinstance(error, kind)
    assert error.message == message
    assert_error_matches(error_body(error))


@pytest.mark.parametrize(
    ("loc", "parameter"),
    [
        (("path", "ringoutId"), "ringoutId"),
        (("query", "page"), "page"),
        (("body", "to", "phoneNumber"), "to.phoneNumber"),
    ],
)
def test_validation_errors_name_the_parameter(loc: tuple[str, ...], parameter: str) -> None:
    exc = RequestValidationError([{"loc": loc, "msg": "bad", "type": "value_error"}])
    assert error_body(validation_error(exc)) == {
        "errorCode": "CMN-101",
        "message": f"Parameter [{parameter}] value is invalid.",
        "errors": [
            {
                "errorCode": "CMN-101",
                "message": f"Parameter [{parameter}] value is invalid.",
                "parameterName": parameter,
            }
        ],
        "parameterName": parameter,
    }


def test_a_validation_error_without_a_location() -> None:
    assert validation_error(RequestValidationError([])).message == "Parameter [request] value is invalid."
