"""Who is calling: the bearer token a request carries, and the extension its path names."""

from __future__ import annotations

from fastapi import Request

from emulator.api.params import header
from emulator.core.access import Access
from emulator.core.directory import Extension
from emulator.core.emulator import Emulator
from emulator.core.errors import InvalidAuthorizationHeader


def emulator_of(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


def bearer_token(request: Request) -> str | None:
    """``Authorization: Bearer <token>``, else the ``access_token`` query parameter, else None.
    Another scheme (or an empty token) answers 401 AGW-402."""
    value = header(request, b"authorization")
    if value is None:
        return request.query_params.get("access_token") or None
    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise InvalidAuthorizationHeader()
    return token


def path_extension(request: Request, account_id: str, extension_id: str, access: Access) -> Extension:
    """The extension named by ``/account/{accountId}/extension/{extensionId}`` (``~`` = the
    token's own), once the token is live and its app has the route's permission."""
    gate = emulator_of(request).gate
    session = gate.session(bearer_token(request))
    return gate.extension(session, account_id, extension_id, access)
