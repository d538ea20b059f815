"""``/restapi/oauth``: token, revoke, authorize. Form bodies are parsed here with
``urllib.parse`` (no multipart dependency); the rules live in ``emulator.core.oauth``."""

from __future__ import annotations

import base64
import binascii
import json
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from emulator.api.identity import emulator_of
from emulator.core.directory import App
from emulator.core.errors import (
    DuplicateOAuthParameter,
    InvalidClientCredentials,
    InvalidOAuthParameter,
    PayloadTooLarge,
    QueryBodyMismatch,
    UnsupportedMediaType,
)
from emulator.core.tokens import Session

FORM = "application/x-www-form-urlencoded"
MAX_FORM = 16 * 1024
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

router = APIRouter(prefix="/restapi/oauth")


def parse_form(text: str) -> dict[str, str]:
    """``a=1&b=2`` to a dict; a parameter given twice answers OAU-111."""
    pairs = parse_qs(text, keep_blank_values=True)
    if any(len(values) > 1 for values in pairs.values()):
        raise DuplicateOAuthParameter()
    return {name: values[0] for name, values in pairs.items()}


async def read_form(request: Request, *, optional: bool = False) -> dict[str, str]:
    """The form body; another content type answers 415 (an empty body may omit it if ``optional``)."""
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if optional and not body and not content_type:
        return {}
    if content_type.split(";", 1)[0].strip().lower() != FORM:
        raise UnsupportedMediaType(expected=FORM, got=content_type)
    if len(body) > MAX_FORM:
        raise PayloadTooLarge(limit=MAX_FORM)
    try:
        return parse_form(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidOAuthParameter("body") from None


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """``Authorization: Basic base64(id:secret)``; any other Authorization answers invalid_client."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        raise InvalidClientCredentials()
    try:
        client_id, sep, secret = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClientCredentials() from None
    if not sep:
        raise InvalidClientCredentials()
    return client_id, secret


def calling_app(request: Request, form: dict[str, str]) -> App:
    return emulator_of(request).oauth.credentials.client(basic_credentials(request), form.get("client_id"))


def token_json(session: Session) -> bytes:
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
    return json.dumps(body).encode()


@router.post("/token", operation_id="getToken")
async def get_token(request: Request) -> Response:
    form = await read_form(request)
    app = calling_app(request, form)
    session = emulator_of(request).oauth.token(app, form)
    return Response(token_json(session), media_type="application/json", headers=NO_STORE)


@router.post("/revoke", operation_id="revokeToken")
async def revoke_token(request: Request) -> Response:
    form = await read_form(request, optional=True)
    query_token, body_token = request.query_params.get("token"), form.get("token")
    if query_token and body_token and query_token != body_token:
        raise QueryBodyMismatch("token")
    token = body_token or query_token
    app = calling_app(request, form)
    if not token:
        raise InvalidOAuthParameter("token")
    emulator_of(request).oauth.revoke(app, token)
    return Response(status_code=200, headers=NO_STORE)


@router.get("/authorize", operation_id="authorize")
async def authorize(request: Request) -> Response:
    """Auto-approves for the default extension and redirects back with ``code`` and ``state``."""
    query = parse_form(request.url.query)
    emulator = emulator_of(request)
    redirect_uri, code = emulator.oauth.authorize(query, emulator.directory.default_extension)
    params = {"code": code, **({"state": query["state"]} if "state" in query else {})}
    return RedirectResponse(_with_query(redirect_uri, params), status_code=302, headers=NO_STORE)


def _with_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit(parts._replace(query=query))
