"""The hostile-client suite's tools: ``python -m emulator`` as a subprocess (the one way the
reliability tests start a served process), raw sockets for what httpx will not send, the
server's resident memory, the body routes ``openapi.yaml`` declares, and the error shapes."""

from __future__ import annotations

import base64
import http.client
import json
import re
import select
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.contract.openapi_doc import OPENAPI_FILE, deref, load, operations
from tests.reliability.process import Emulator as Emulator
from tests.reliability.process import running_emulator

AUTH = {"Authorization": "Bearer reliability-test-token"}  # any bearer token, in lenient auth mode
KIB, MIB = 1024, 1024 * 1024
RSS_BUDGET = 10 * MIB  # how much the server may grow while a client floods it
FORM = "application/x-www-form-urlencoded"
FORM_LIMIT, JSON_LIMIT = 16 * KIB, 64 * KIB
OAUTH_PREFIX = "/restapi/oauth/"
# a value for every path parameter openapi.yaml uses (a new one fails loudly here: add it)
PATH_VALUES = {
    "accountId": "~",
    "extensionId": "~",
    "name": "attack",
    "leg": "callee",
    "ruleId": "no-such-rule",
    "faultId": "no-such-fault",
    "asset": "swagger-ui.css",
    "callRecordId": "no-such-record",
    "subscriptionId": "00000000-0000-4000-8000-000000000000",
    "telephonySessionId": "s-00000000000000000000000000000000",
}
CALL_PARAMS = ("ringoutId", "callId")
APP_ID, APP_SECRET = "emulator-client-id", "emulator-client-secret"  # the bundled accounts file's app
APP_BASIC = "Basic " + base64.b64encode(f"{APP_ID}:{APP_SECRET}".encode()).decode()


# --- the served process -------------------------------------------------------------------

launch = running_emulator  # the one way the reliability tests start a served process


def served(*flags: str, name: str = "emulator") -> Any:
    """A module-scoped fixture ``name``: one served process with these flags for the whole module."""

    @pytest.fixture(scope="module", name=name)
    def emulator() -> Iterator[Emulator]:
        with launch("--rate-limits", "off", *flags) as running:  # floods of one user would be 429s
            yield running

    return emulator


@contextmanager
def client_for(emulator: Emulator, **headers: str) -> Iterator[httpx.Client]:
    """An httpx client on a freshly reset emulator; nothing the test did may log a traceback."""
    with httpx.Client(base_url=emulator.url, headers={**AUTH, **headers}, timeout=10) as http:
        start = logged_so_far(emulator, http)
        reset = http.post("/__emulator/reset")
        assert reset.status_code == 200, reset.text
        yield http
        logged = emulator.log()[start : logged_so_far(emulator, http)]
    assert "Traceback" not in logged, logged[-4000:]


def logged_so_far(emulator: Emulator, http: httpx.Client) -> int:
    """How much the process has logged, once the access-log line of a marker request is in (so
    what earlier requests logged is too); without an access log, what has been read so far."""
    if emulator.access_log:
        marker = f"log-mark-{uuid.uuid4().hex}"
        http.get("/__emulator/health", params={"mark": marker})
        try:
            emulator.wait_for(marker, timeout=1)
        except AssertionError:
            emulator.access_log = False
    return len(emulator.log())


def rss(emulator: Emulator) -> int:
    """The process's resident set size in bytes (``VmRSS``)."""
    with open(f"/proc/{emulator.proc.pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * KIB
    raise AssertionError("no VmRSS line")


# --- the routes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BodyRoute:
    """An operation of ``openapi.yaml`` that takes a request body."""

    method: str
    template: str
    media_types: tuple[str, ...]

    @property
    def oauth(self) -> bool:
        return self.template.startswith(OAUTH_PREFIX)

    @property
    def limit(self) -> int:
        return FORM_LIMIT if FORM in self.media_types else JSON_LIMIT

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    def path(self, call_id: str) -> str:
        return fill(self.template, call_id)

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


def fill(template: str, call_id: str = "no-such-call") -> str:
    """A concrete path for a template; ``call_id`` for the call-id parameters."""
    values = {**PATH_VALUES, **dict.fromkeys(CALL_PARAMS, call_id)}
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def body_routes() -> list[BodyRoute]:
    doc = load(OPENAPI_FILE)
    return [
        BodyRoute(op.method, op.path, tuple(deref(doc, op.spec["requestBody"])["content"]))
        for op in operations(doc)
        if "requestBody" in op.spec
    ]


# --- raw HTTP -----------------------------------------------------------------------------


def request_head(method: str, path: str, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def read_response(sock: socket.socket, method: str = "GET") -> httpx.Response | None:
    """One response off a raw socket (stdlib parser), or None if the server closed without one."""
    raw = http.client.HTTPResponse(sock, method=method)
    try:
        raw.begin()
        content = raw.read()
    except (ConnectionError, http.client.IncompleteRead, http.client.BadStatusLine):
        return None
    return httpx.Response(raw.status, headers=raw.getheaders(), content=content)


def exchange(port: int, data: bytes, method: str = "GET", timeout: float = 10.0) -> httpx.Response | None:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        return read_response(sock, method)


def answers(port: int, requests: list[tuple[bytes, str]], timeout: float) -> list[httpx.Response | None]:
    """Send every ``(raw request, method)`` on its own connection at once, then read each answer;
    all must come within ``timeout`` seconds in total (None: closed, or no answer in time)."""
    socks = [socket.create_connection(("127.0.0.1", port), timeout=timeout) for _ in requests]
    try:
        for sock, (data, _) in zip(socks, requests, strict=True):
            sock.sendall(data)
        deadline = time.monotonic() + timeout
        found: list[httpx.Response | None] = []
        for sock, (_, method) in zip(socks, requests, strict=True):
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            try:
                found.append(read_response(sock, method))
            except TimeoutError:
                found.append(None)
        return found
    finally:
        for sock in socks:
            sock.close()


def sent(http: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response | str:
    """The response, or why there is none (the server reset the connection, say). An event stream
    (``/__emulator/events``) lasts until the client leaves: its head is the answer, its body unread."""
    try:
        with http.stream(method, url, **kwargs) as response:
            if not response.headers.get("content-type", "").startswith("text/event-stream"):
                response.read()
            return response
    except httpx.TransportError as exc:
        return f"no answer: {exc!r}"


def problem(check: Callable[[httpx.Response], object], response: httpx.Response | str | None) -> str | None:
    """What ``check`` asserts about ``response`` that is not so (or why there is no response),
    or None: to collect many cases into one report."""
    if response is None or isinstance(response, str):
        return response or "closed without an answer"
    try:
        check(response)
    except AssertionError as exc:
        return str(exc) or repr(exc)
    return None


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


@dataclass(frozen=True)
class Flood:
    sent: int  # bytes written after the head
    growth: int  # the server's largest RSS growth seen while sending, in bytes
    response: httpx.Response | None  # None: the server closed without answering, or stalled
    stalled: bool = False  # stopped (RSS budget spent, or the server stopped reading) with no answer


def flood(emulator: Emulator, head: bytes, piece: bytes, total: int, method: str = "POST") -> Flood:
    """Send ``head`` then ``piece`` again and again, up to ``total`` bytes, sampling the server's
    RSS; stop as soon as the server answers or closes, or has grown past ``RSS_BUDGET``."""
    baseline, growth, sent = rss(emulator), 0, 0
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=2) as sock:
        with suppress(ConnectionError, TimeoutError):
            sock.sendall(head)
            while sent < total and not select.select([sock], [], [], 0)[0] and growth <= RSS_BUDGET:
                sock.sendall(piece)
                sent += len(piece)
                growth = max(growth, rss(emulator) - baseline)
        growth = max(growth, rss(emulator) - baseline)
        if growth > RSS_BUDGET:
            return Flood(sent, growth, None, stalled=True)
        try:
            return Flood(sent, growth, read_response(sock, method))
        except TimeoutError:
            return Flood(sent, growth, None, stalled=True)


def report(problems: dict[str, Any]) -> str:
    """One line per case, for an assertion message that lists every failing case."""
    return "\n".join(f"{case}: {found}" for case, found in problems.items())


# --- error shapes -------------------------------------------------------------------------


def error_code(response: httpx.Response) -> str | None:
    """The ``errorCode`` of the first error in a JSON error body, or None."""
    try:
        body = json.loads(response.content)
        return str(body["errors"][0]["errorCode"])
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def assert_error(response: httpx.Response, status: int, code: str, *, oauth: bool = False) -> dict[str, Any]:
    """RingCentral's error JSON (OAuth endpoints: ``{error, error_description, errors}``) with
    this status and ``errorCode``, and an ``RCRequestId``; returns the body."""
    assert response.status_code == status, f"{response.status_code} {response.text[:500]}"
    assert response.headers.get("content-type", "").split(";")[0] == "application/json", response.headers
    assert response.headers.get("rcrequestid"), f"no RCRequestId on a {status}"
    assert error_code(response) == code, response.text[:500]
    body: dict[str, Any] = json.loads(response.content)
    first = body["errors"][0]
    assert isinstance(first.get("message"), str) and first["message"], body
    if oauth:
        assert isinstance(body.get("error"), str) and body["error"], f"not the OAuth error shape: {body}"
        assert isinstance(body.get("error_description"), str) and body["error_description"], body
    else:
        assert body.get("errorCode") == code, body
        assert isinstance(body.get("message"), str) and body["message"], body
    return body


def assert_answered(response: httpx.Response, path: str) -> None:
    """Whatever the status: never a 5xx, and an error in its route's shape."""
    assert response.status_code < 500, f"{path}: {response.status_code} {response.text[:500]}"
    if response.status_code >= 400:
        assert_error(response, response.status_code, error_code(response) or "?", oauth=path.startswith(OAUTH_PREFIX))
