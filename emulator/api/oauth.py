"""``/restapi/oauth``: token, revoke, authorize. Form bodies come through the one body reader
and are parsed with ``urllib.parse``; the rules live in ``emulator.core.oauth``."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from emulator.api.identity import client_emulator, emulator_of
from emulator.api.inputs import FORM, FORM_LIMIT, header, media_type, read_body
from emulator.api.rate_limits import count
from emulator.api.responses import json_response
from emulator.api.routing import route
from emulator.core.directory import App
from emulator.core.emulator import Emulator
from emulator.core.errors import (
    DuplicateOAuthParameter,
    EmulatorError,
    InvalidClientCredentials,
    InvalidOAuthParameter,
    QueryBodyMismatch,
    UnsupportedMediaType,
)
from emulator.core.tokens import Session

PREFIX = "/restapi/oauth"
MAX_FIELDS = 64
UNKNOWN_CLIENT = "unknown"  # the Auth bucket's app when a request presents no client id

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def parse_form(text: str) -> dict[str, str]:
    """``a=1&b=2`` to a dict; a parameter given twice answers OAU-111."""
    try:
        pairs = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FIELDS, strict_parsing=False)
    except ValueError:  # more than MAX_FIELDS fields
        raise InvalidOAuthParameter("body") from None
    if any(len(values) > 1 for values in pairs.values()):
        raise DuplicateOAuthParameter()
    return {name: values[0] for name, values in pairs.items()}


async def read_form(request: Request, *, optional: bool = False) -> dict[str, str]:
    """The form body, through the one body reader (415 unless a form, 413 past 16 KiB); with
    ``optional``, a request with neither a body nor a Content-Type is an empty form."""
    untyped = FORM if optional and not media_type(request) else None
    body = await read_body(request, accept=(FORM,), limit=FORM_LIMIT, untyped=untyped)
    if untyped is not None and body:
        raise UnsupportedMediaType(expected=FORM, got="")
    try:
        return parse_form(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidOAuthParameter("body") from None


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """``Authorization: Basic base64(id:secret)``; any other Authorization answers invalid_client."""
    given = header(request.scope, b"authorization")
    if given is None:
        return None
    scheme, _, value = given.strip().partition(" ")
    if scheme.lower() != "basic":
        raise InvalidClientCredentials()
    try:
        client_id, sep, secret = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClientCredentials() from None
    if not sep:
        raise InvalidClientCredentials()
    return client_id, secret


def presented_client(request: Request, form: dict[str, str]) -> str | None:
    """The client id the request presents (Basic credentials, else the form's ``client_id``),
    whether or not its credentials will pass."""
    try:
        basic = basic_credentials(request)
    except InvalidClientCredentials:
        basic = None
    return basic[0] if basic else form.get("client_id")


def counted(request: Request, form: dict[str, str]) -> Emulator:
    """Count the request against the Auth bucket of the client id it presents and the user it is
    about, before anything in it is checked (so failed logins count too, as on the platform)."""
    presented = presented_client(request, form)
    emulator = client_emulator(request, presented)
    count(emulator, request, emulator.login_subject(form), presented or UNKNOWN_CLIENT)
    return emulator


async def counted_form(request: Request, *, optional: bool = False) -> dict[str, str]:
    """The form (``read_form``); one that cannot be read (415, 413, not a form) is counted too,
    for the client id the Authorization header presents."""
    try:
        return await read_form(request, optional=optional)
    except EmulatorError:
        counted(request, {})
        raise


def calling_app(request: Request, form: dict[str, str]) -> App:
    """The app, once the request is counted (``counted``)."""
    emulator = counted(request, form)
    return emulator.oauth_client(basic_credentials(request), form.get("client_id"))


def token_json(session: Session) -> dict[str, Any]:
    """``TokenInfo`` as the spec names its fields."""
    body = {
        "access_token": session.access_token,
        "token_type": "bearer",
        "expires_in": session.access_ttl,
        "refresh_token": session.refresh_token,
        "refresh_token_expires_in": session.refresh_ttl,
        "scope": " ".join(sorted(session.scope)),
        "owner_id": session.extension.id,
        "endpoint_id": session.endpoint_id,
        "session_id": session.id,
    }
    return body


async def get_token(request: Request) -> Response:
    form = await counted_form(request)
    app = calling_app(request, form)
    session = emulator_of(request).issue_token(app, form)
    return json_response(token_json(session), headers=NO_STORE)


async def revoke_token(request: Request) -> Response:
    form = await counted_form(request, optional=True)
    query_token, body_token = request.query_params.get("token"), form.get("token")
    token = body_token or query_token
    emulator = counted(request, {**form, "token": token} if token else form)
    if query_token and body_token and query_token != body_token:
        raise QueryBodyMismatch("token")
    app = emulator.oauth_client(basic_credentials(request), form.get("client_id"))
    if not token:
        raise InvalidOAuthParameter("token")
    emulator.revoke_token(app, token)
    return Response(status_code=200, headers=NO_STORE)


async def authorize(request: Request) -> Response:
    """Auto-approves for the default extension and redirects back with ``code`` and ``state``."""
    query = parse_form(request.url.query)
    emulator = client_emulator(request, query.get("client_id"))
    count(emulator, request, emulator.login_subject(query), query.get("client_id") or UNKNOWN_CLIENT)
    redirect_uri, code = emulator.authorize(query)
    params = {"code": code, **({"state": query["state"]} if "state" in query else {})}
    return RedirectResponse(_with_query(redirect_uri, params), status_code=302, headers=NO_STORE)


def _with_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit(parts._replace(query=query))


routes = [
    route("POST", f"{PREFIX}/token", get_token, "getToken"),
    route("POST", f"{PREFIX}/revoke", revoke_token, "revokeToken"),
    route("GET", f"{PREFIX}/authorize", authorize, "authorize"),
]
