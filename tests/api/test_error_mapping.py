"""The one error mapper of the input pipeline (pydantic's errors as RingCentral codes) and what
Starlette's router raises, checked directly (the routes reach them too)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request

from emulator.api.errors import error_body, http_error
from emulator.api.inputs import body_problem
from emulator.core.errors import CannotParseRequest, InvalidParameter, MalformedJson, MethodNotAllowed
from tests.spec import assert_error_matches


class Inner(BaseModel):
    phoneNumber: str


class Model(BaseModel):
    to: Inner
    from_: Inner | None = None


def request() -> Request:
    return Request({"type": "http", "method": "PATCH", "path": "/x", "headers": [], "query_string": b""})


def problem(body: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        Model.model_validate_json(body)
    return raised.value


def test_a_wrong_method_is_cmn_105_and_anything_else_the_router_raises_a_missing_route() -> None:
    assert isinstance(http_error(request(), HTTPException(405)), MethodNotAllowed)
    missing = http_error(request(), HTTPException(404))
    assert missing.message == "Resource for parameter [path] is not found: PATCH /x"
    assert_error_matches(error_body(missing))


@pytest.mark.parametrize(
    ("body", "kind", "message"),
    [
        (b"{", MalformedJson, "JSON can't be parsed."),
        (b"[1]", CannotParseRequest, "Cannot parse request. The body must be a JSON object."),
        (b'{"to": {"phoneNumber": 5}}', InvalidParameter, "Parameter [to.phoneNumber] value is invalid."),
        (b'{"to": {"phoneNumber": "1"}, "from_": 3}', InvalidParameter, "Parameter [from] value is invalid."),
    ],
)
def test_pydantic_errors_map_to_ringcentral_codes(body: bytes, kind: type, message: str) -> None:
    error = body_problem(problem(body), field_names={"from_": "from"})
    assert isinstance(error, kind)
    assert error.message == message
    assert_error_matches(error_body(error))
