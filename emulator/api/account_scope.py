"""The account a control-plane request names: ``X-Emulator-Account: <id>`` or ``?account=<id>``.

A pure ASGI middleware on the control mount (inside the control-token check): it resolves the
created account once and notes its ``Emulator`` in the request's state, where ``emulator_of``
finds it, so every control route acts in that namespace unchanged. No account named: the global
namespace (the accounts file's accounts), as before accounts could be created. The routes that
hold no namespace's state (probes, docs, dashboard, magic numbers, the accounts themselves) ignore
the account named: only the ``scoped`` ones declare it in ``openapi.yaml``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from emulator.api.errors import error_response
from emulator.api.identity import ACCOUNT_HEADER, NAMESPACE_KEY, namespaces_of
from emulator.core.errors import EmulatorError, InvalidParameterDetail

HEADER = ACCOUNT_HEADER
PARAMETER = "account"
MAX_ID = 64  # created account ids have 12 digits; a template's at most 20
UNSCOPED = ("/health", "/ready", "/openapi.yaml", "/docs", "/ui", "/events", "/magic-numbers", "/accounts")
UNSCOPED_PREFIXES = ("/docs/", "/ui/", "/accounts/")


def scoped(inner: str) -> bool:
    """Whether a control-plane request (its path under the mount) acts in the account it names."""
    return not (inner in UNSCOPED or inner.startswith(UNSCOPED_PREFIXES))


def named_account(request: Request) -> str | None:
    """The account id the request names (header or query), checked: 400 when too long, or when
    the header and the query (or one of them given twice) name different accounts: a request acts
    in one account, never in whichever of two a parser happens to keep."""
    headers = [value.decode("latin-1") for key, value in request.scope["headers"] if key == HEADER]
    queries = request.query_params.getlist(PARAMETER)
    for where, values in (("X-Emulator-Account header", headers), (f"{PARAMETER} parameter", queries)):
        for value in values:
            if not value or len(value) > MAX_ID:
                raise InvalidParameterDetail(
                    PARAMETER, detail=f"The {where} must be an account id of 1 to {MAX_ID} characters."
                )
        different = list(dict.fromkeys(values))
        if len(different) > 1:
            first, second = different[:2]  # two are enough to say why (a query may repeat it often)
            raise InvalidParameterDetail(
                PARAMETER, detail=f"The {where} is given more than once, naming different accounts: {first}, {second}."
            )
    if headers and queries and headers[0] != queries[0]:
        raise InvalidParameterDetail(
            PARAMETER, detail=f"X-Emulator-Account [{headers[0]}] and account=[{queries[0]}] name different accounts."
        )
    return headers[0] if headers else queries[0] if queries else None


class AccountScope:
    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scoped(scope["path"].removeprefix(self.prefix)):
            request = Request(scope)
            try:
                account_id = named_account(request)
                namespaces = namespaces_of(request)
                if account_id is not None and not namespaces.is_file_account(account_id):  # those: the global one
                    scope.setdefault("state", {})[NAMESPACE_KEY] = namespaces.get(account_id, PARAMETER).emulator
            except EmulatorError as error:
                await error_response(error)(scope, receive, send)
                return
        await self.app(scope, receive, send)
