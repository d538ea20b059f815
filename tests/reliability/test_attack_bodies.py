"""Hostile bodies against a served ``python -m emulator``, on every route ``openapi.yaml`` declares
a request body for: past its limit (declared and chunked) 413 CMN-413 with the server's memory
flat, a wrong Content-Type 415 CMN-415 before the body is read, deep nesting 400, and a client
gone mid-body journaled as 499 without a traceback.

Limits: form bodies (OAuth) 16 KiB, every other body 64 KiB; a body of exactly the limit is read.
Nesting past what a parser takes is "can't be parsed" (CMN-103), in JSON and in YAML alike; a
document too deep to fit the body limit is a 413 like any other large body."""

from __future__ import annotations

import json
import socket
from functools import partial

import httpx
import pytest

from tests.conftest import RINGOUT, SEED_SAMPLE
from tests.eventually import eventually
from tests.reliability.attack import (
    APP_BASIC,
    AUTH,
    FORM,
    KIB,
    MIB,
    RSS_BUDGET,
    BodyRoute,
    Emulator,
    answers,
    assert_answered,
    assert_error,
    body_routes,
    chunk,
    flood,
    problem,
    report,
    request_head,
    rss,
    served,
)

ROUTES = body_routes()
JSON_ROUTES = [route for route in ROUTES if FORM not in route.media_types]
JOURNALED = [route for route in ROUTES if not route.template.startswith("/__emulator/")]
UPLOAD = "/__emulator/scenarios/attack"
CANDIDATE_TYPES = ("text/plain", "application/xml", FORM, "application/json", "multipart/form-data; boundary=x")
FLOOD = 256 * MIB
JSON_SCENARIO = b'{"description": "busy", "steps": [{"at": 0, "caller": "InProgress", "callee": "Busy"}]}'
YAML_SCENARIO = b"description: busy\nsteps:\n  - {at: 0, caller: InProgress, callee: Busy}\n"

emulator = served("--clock", "manual", "--auth", "lenient")


def typed(route: BodyRoute, **more: str) -> dict[str, str]:
    return {"Content-Type": route.media_type, **more}


# --- past the limit -------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_one_byte_past_the_limit_with_a_content_length_is_413(
    http: httpx.Client, call_id: str, route: BodyRoute
) -> None:
    response = http.request(route.method, route.path(call_id), content=b"x" * (route.limit + 1), headers=typed(route))
    assert "content-length" in response.request.headers
    assert_error(response, 413, "CMN-413", oauth=route.oauth)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_chunked_body_past_the_limit_is_413(http: httpx.Client, call_id: str, route: BodyRoute) -> None:
    pieces = iter([b"x" * route.limit, b"x"])
    response = http.request(route.method, route.path(call_id), content=pieces, headers=typed(route))
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert_error(response, 413, "CMN-413", oauth=route.oauth)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_body_of_exactly_the_limit_is_read(http: httpx.Client, call_id: str, route: BodyRoute) -> None:
    """Valid JSON (``{}`` then blanks) or a form with one long field: whatever the route makes
    of it, it is not refused for its size."""
    filler = b"pad=" + b"x" * (route.limit - 4) if FORM in route.media_types else b"{}" + b" " * (route.limit - 2)
    response = http.request(route.method, route.path(call_id), content=filler, headers=typed(route))
    assert response.status_code != 413, response.text
    assert_answered(response, route.template)


@pytest.mark.parametrize("framing", ["chunked", "content-length"])
def test_a_256_mib_body_to_every_route_is_refused_with_the_server_memory_flat(
    emulator: Emulator, http: httpx.Client, framing: str
) -> None:
    for route in ROUTES:  # first use of a route (and of its refusal) may allocate for good: not growth
        for content in (b"{}", b"x" * (route.limit + 1)):
            http.request(route.method, route.path("no-such-call"), content=content, headers=typed(route))
    call_id = http.post(RINGOUT, json=SEED_SAMPLE).json()["id"]
    before = rss(emulator)
    data = b"x" * (256 * KIB)
    chunked = framing == "chunked"
    piece = chunk(data) if chunked else data
    framed = {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(FLOOD)}
    refused: dict[str, str] = {}
    for route in ROUTES:
        head = request_head(route.method, route.path(call_id), typed(route, **AUTH, **framed))
        result = flood(emulator, head, piece, FLOOD)
        status = result.response.status_code if result.response is not None else None
        if result.growth >= RSS_BUDGET or result.stalled or status not in (413, None):
            refused[str(route)] = f"RSS +{result.growth // KIB} KiB, {result.sent // MIB} MiB sent, answer {status}"
    assert not refused, report(refused)
    assert rss(emulator) - before < RSS_BUDGET
    assert http.get(f"{RINGOUT}/{call_id}").status_code == 200  # nothing stored was lost


# --- content type -------------------------------------------------------------------------


def wrong_types(route: BodyRoute) -> list[str]:
    return [kind for kind in CANDIDATE_TYPES if kind.split(";")[0] not in route.media_types]


def test_a_wrong_content_type_is_415_before_the_body_is_read(emulator: Emulator, call_id: str) -> None:
    """Every route, every wrong type at once: each head promises 1,000 bytes that never come, so
    only an answer read from the head alone is in time."""
    cases = [(route, kind) for route in ROUTES for kind in wrong_types(route)]
    heads = [
        (request_head(r.method, r.path(call_id), {**AUTH, "Content-Type": kind, "Content-Length": "1000"}), r.method)
        for r, kind in cases
    ]
    wrong: dict[str, str] = {}
    for (route, kind), response in zip(cases, answers(emulator.port, heads, timeout=2), strict=True):
        found = problem(partial(assert_error, status=415, code="CMN-415", oauth=route.oauth), response)
        if found:
            wrong[f"{route} {kind}"] = found
    assert not wrong, report(wrong)


def test_a_ringout_body_without_a_content_type_is_read_as_json(http: httpx.Client) -> None:
    response = http.post(RINGOUT, content=json.dumps(SEED_SAMPLE).encode())
    assert "content-type" not in response.request.headers
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("content_type", "document"),
    [
        ("application/json", JSON_SCENARIO),
        ("application/json; charset=utf-8", JSON_SCENARIO),
        ("application/yaml", YAML_SCENARIO),
        ("application/x-yaml", YAML_SCENARIO),
        ("text/yaml", YAML_SCENARIO),
    ],
)
def test_uploads_take_json_and_yaml_media_types(http: httpx.Client, content_type: str, document: bytes) -> None:
    response = http.put(UPLOAD, content=document, headers={"Content-Type": content_type})
    assert response.status_code == 201, response.text


def test_control_and_oauth_bodies_take_a_charset_parameter(http: httpx.Client) -> None:
    seeded = http.post(
        "/__emulator/seed", content=b'{"seed": 7}', headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert seeded.status_code == 200, seeded.text
    form = b"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=emulator-jwt"
    token = http.post(
        "/restapi/oauth/token",
        content=form,
        headers={"Content-Type": f"{FORM}; charset=UTF-8", "Authorization": APP_BASIC},
    )
    assert token.status_code == 200, token.text


# --- nesting ------------------------------------------------------------------------------


def json_nested(depth: int, shape: str) -> bytes:
    return b"[" * depth + b"]" * depth if shape == "array" else b'{"a":' * depth + b"1" + b"}" * depth


NESTED_JSON = [(1_000, "array"), (10_000, "array"), (30_000, "array"), (1_000, "object"), (10_000, "object")]
NESTED_YAML = [
    ("flow", 1_000),
    ("flow", 30_000),
    ("block", 1_000),
    ("block", 30_000),
]


def yaml_nested(style: str, depth: int) -> bytes:
    nested = b"[" * depth + b"]" * depth if style == "flow" else b"- " * depth + b"x"
    return b"description: deep\nsteps:\n" + nested + b"\n" if style == "block" else b"steps: " + nested + b"\n"


@pytest.mark.parametrize("route", JSON_ROUTES, ids=str)
@pytest.mark.parametrize(("depth", "shape"), NESTED_JSON, ids=lambda v: str(v))
def test_json_nested_deep_in_a_body_is_400(
    http: httpx.Client, call_id: str, route: BodyRoute, depth: int, shape: str
) -> None:
    document = b'{"x": ' + json_nested(depth, shape) + b"}"
    response = http.request(
        route.method, route.path(call_id), content=document, headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400, "CMN-103")


@pytest.mark.parametrize(("style", "depth"), NESTED_YAML)
def test_yaml_nested_deep_in_an_upload_is_400(http: httpx.Client, style: str, depth: int) -> None:
    response = http.put(UPLOAD, content=yaml_nested(style, depth), headers={"Content-Type": "application/yaml"})
    assert_error(response, 400, "CMN-103")
    assert http.get(UPLOAD).status_code == 404


@pytest.mark.parametrize("content_type", ["application/json", "application/yaml"])
def test_nesting_100_000_deep_does_not_fit_the_limit(http: httpx.Client, content_type: str) -> None:
    response = http.put(UPLOAD, content=json_nested(100_000, "array"), headers={"Content-Type": content_type})
    assert_error(response, 413, "CMN-413")


def test_a_yaml_alias_bomb_is_400(http: httpx.Client) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    document = ("\n".join(lines) + "\nsteps: *a9\ndescription: *a9\n").encode()
    response = http.put(UPLOAD, content=document, headers={"Content-Type": "application/yaml"})
    assert response.status_code == 400, response.text[:500]
    assert_answered(response, UPLOAD)


# --- the client goes away mid-body --------------------------------------------------------


def journaled(http: httpx.Client, method: str, path: str, status: int, timeout: float = 2.0) -> bool:
    """Whether the journal holds ``method path`` answered ``status``, waiting for the server to
    notice the disconnect."""

    def seen() -> bool:
        records = http.get("/__emulator/requests").json()["records"]
        return any((r["method"], r["path"], r["status"]) == (method, path, status) for r in records)

    return eventually(seen, timeout)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_client_gone_mid_body_is_a_499_and_no_traceback(
    emulator: Emulator, http: httpx.Client, call_id: str, route: BodyRoute
) -> None:
    path = route.path(call_id)
    head = request_head(route.method, path, typed(route, **AUTH, **{"Content-Length": "1000"}))
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
        sock.sendall(head + b"x" * 500)
    if route in JOURNALED:
        assert journaled(http, route.method, path, 499), http.get("/__emulator/requests").json()["records"]
    assert http.get("/__emulator/health").status_code == 200  # the http fixture then checks the log
