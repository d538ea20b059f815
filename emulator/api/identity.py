"""Who is calling: the bearer token a request carries, and the extension its path names."""

from __future__ import annotations

from starlette.requests import Request

from emulator.api.inputs import header
from emulator.api.rate_limits import count
from emulator.core.access import Access
from emulator.core.directory import Account, Extension
from emulator.core.emulator import Emulator
from emulator.core.errors import InvalidAuthorizationHeader


def emulator_of(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


def bearer_token(request: Request) -> str | None:
    """``Authorization: Bearer <token>``, else the ``access_token`` query parameter, else None.
    Another scheme (or an empty token) answers 401 AGW-402."""
    value = header(request.scope, b"authorization")
    if value is None:
        return request.query_params.get("access_token") or None
    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise InvalidAuthorizationHeader()
    return token


def caller_extension(request: Request, access: Access, extension_ref: str | None = None) -> Extension:
    """The extension named by ``/account/{accountId}/extension/{extensionId}`` (``~`` = the
    token's own), once the token is live and its app has the route's permission; the request is
    then counted against its rate-limit bucket (429 when refused)."""
    params = request.path_params
    emulator = emulator_of(request)
    session, extension = emulator.authenticate(
        bearer_token(request), params["accountId"], extension_ref or params["extensionId"], access
    )
    count(emulator, request, session.extension.id, session.app.client_id)
    return extension


def caller_account(request: Request, access: Access) -> Account:
    """The account named by ``/account/{accountId}`` (``~`` = the token's own), counted against
    its rate-limit bucket like ``caller_extension``."""
    emulator = emulator_of(request)
    session, account = emulator.authenticate_account(bearer_token(request), request.path_params["accountId"], access)
    count(emulator, request, session.extension.id, session.app.client_id)
    return account
