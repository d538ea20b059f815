"""Who is calling: the bearer token a request carries, and the extension its path names."""

from __future__ import annotations

from starlette.requests import HTTPConnection, Request

from emulator.api.inputs import header
from emulator.api.journal import STATE_KEYS
from emulator.api.rate_limits import count
from emulator.core.access import Access
from emulator.core.directory import Account, Extension
from emulator.core.emulator import Emulator
from emulator.core.errors import InvalidAuthorizationHeader
from emulator.core.namespaces import Namespaces
from emulator.core.tokens import NAMESPACE_END

NAMESPACE_KEY = STATE_KEYS["namespace"]
ACCOUNT_HEADER = b"x-emulator-account"  # names a created account (the control plane; lenient auth on the API)
NO_STATE: dict[str, Emulator] = {}  # a scope without state (a test calling a route directly)


def emulator_of(request: HTTPConnection) -> Emulator:
    """The namespace the request acts in: the one resolved for it (its token's, its client id's,
    the account the control plane names), else the global one."""
    emulator: Emulator = request.scope.get("state", NO_STATE).get(NAMESPACE_KEY) or request.app.namespaces.global_
    return emulator


def namespaces_of(request: HTTPConnection) -> Namespaces:
    namespaces: Namespaces = request.app.namespaces  # a plain attribute (``app.state`` is a lookup per read)
    return namespaces


def act_in(request: HTTPConnection, emulator: Emulator) -> Emulator:
    """Note ``emulator`` as the request's namespace (when it is a created account's)."""
    if emulator.namespace is not None:
        request.scope.setdefault("state", {})[NAMESPACE_KEY] = emulator
    return emulator


def token_emulator(request: HTTPConnection, token: str | None) -> Emulator:
    """The namespace a bearer token names (the global one for any token naming none), noted. The
    global path costs one ``in`` test of the token (no lookup). With lenient auth, where any token
    acts as the default extension, a token naming no namespace acts in the created account
    ``X-Emulator-Account`` names, if it names one (what the pytest plugin's scoped client sends)."""
    namespaces = namespaces_of(request)
    if token is None or NAMESPACE_END not in token:
        if namespaces.any_created:
            named = namespaces.lenient_account(header(request.scope, ACCOUNT_HEADER))
            if named is not None:
                return act_in(request, named)
        return namespaces.global_
    return act_in(request, namespaces.for_token(token))


def client_emulator(request: HTTPConnection, client_id: str | None) -> Emulator:
    """The namespace of the app ``client_id`` names (``/restapi/oauth``), noted."""
    return act_in(request, namespaces_of(request).for_client(client_id))


def bearer_token(request: Request) -> str | None:
    """``Authorization: Bearer <token>``, else the ``access_token`` query parameter, else None.
    Another scheme (or an empty token) answers 401 AGW-402."""
    value = header(request.scope, b"authorization")
    if value is None:
        return request.query_params.get("access_token") or None
    scheme, _, token = value.partition(" ")  # (``header`` strips the value)
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise InvalidAuthorizationHeader()
    return token


def caller_extension(request: Request, access: Access, extension_ref: str | None = None) -> Extension:
    """The extension named by ``/account/{accountId}/extension/{extensionId}`` (``~`` = the
    token's own), once the token is live and its app has the route's permission; the request is
    counted against its rate-limit bucket (429 when refused) as soon as the token is, so a 403 or
    a 404 for the path counts and carries the ``X-Rate-Limit-*`` headers, as on the platform."""
    params = request.path_params
    token = bearer_token(request)
    emulator = token_emulator(request, token)
    session = emulator.bearer_session(token)
    count(emulator, request, session.extension.id, session.app.client_id)  # a 403 or 404 below counts too
    return emulator.path_extension(session, params["accountId"], extension_ref or params["extensionId"], access)


def caller_account(request: Request, access: Access) -> Account:
    """The account named by ``/account/{accountId}`` (``~`` = the token's own), counted against
    its rate-limit bucket like ``caller_extension``."""
    token = bearer_token(request)
    emulator = token_emulator(request, token)
    session = emulator.bearer_session(token)
    count(emulator, request, session.extension.id, session.app.client_id)
    return emulator.path_account(session, request.path_params["accountId"], access)
