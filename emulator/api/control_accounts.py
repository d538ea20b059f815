"""``/__emulator/accounts``: accounts on demand. Create one (from the default template or an
accounts-file document holding one account and its apps), list them (the accounts file's first),
read one, delete a created one with all its state. Answers carry the credentials: they are what a
test worker logs in with."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from emulator.accounts_file import AccountsFileError, parse_accounts
from emulator.api.control import journal_of
from emulator.api.delivery import engine_of
from emulator.api.identity import namespaces_of
from emulator.api.inputs import Body, read_json
from emulator.api.responses import iso, json_response, no_content
from emulator.api.routing import route
from emulator.core.directory import Account, App, Extension
from emulator.core.emulator import Emulator
from emulator.core.errors import InvalidParameterDetail
from emulator.core.namespaces import CREATED, FILE, Namespaces


class CreateAccountBody(Body):
    name: str | None = Field(None, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")  # one line
    template: dict[str, Any] | None = None


def extension_json(extension: Extension) -> dict[str, Any]:
    calling = extension.calling
    return {
        "id": extension.id,
        "extensionNumber": extension.extension_number,
        "name": extension.name,
        "jwt": extension.jwt,
        "password": extension.password,
        "directNumbers": list(extension.direct_numbers),
        "forwardingNumbers": [
            {"id": n.id, "phoneNumber": n.phone_number, "label": n.label, "type": n.type}
            for n in extension.forwarding_numbers
        ],
        "calling": {"international": calling.international, "domestic": calling.domestic, "internal": calling.internal},
    }


def app_json(app: App) -> dict[str, Any]:
    return {
        "clientId": app.client_id,
        "clientSecret": app.client_secret,
        "name": app.name,
        "permissions": list(app.permissions),
        "grants": list(app.grants),
    }


def account_json(account: Account, origin: str, created_at: float, emulator: Emulator) -> dict[str, Any]:
    mode, now, speed = emulator.clock_reading()
    return {
        "id": account.id,
        "name": account.name,
        "origin": origin,
        "createdAt": iso(created_at),
        "extensions": [extension_json(e) for e in account.extensions],
        "apps": [app_json(a) for a in emulator.directory.apps],
        "clock": {"mode": mode.value, "now": iso(now), "speed": speed},
    }


def listed(namespaces: Namespaces) -> list[dict[str, Any]]:
    """Every account: the accounts file's, then the created ones in creation order."""
    global_ = namespaces.global_
    found = [account_json(a, FILE, namespaces.started_at, global_) for a in global_.directory.accounts]
    found += [account_json(n.account, CREATED, n.created_at, n.emulator) for n in namespaces.created()]
    return found


def one(namespaces: Namespaces, account_id: str) -> dict[str, Any]:
    global_ = namespaces.global_
    for account in global_.directory.accounts:
        if account.id == account_id:
            return account_json(account, FILE, namespaces.started_at, global_)
    found = namespaces.get(account_id)
    return account_json(found.account, CREATED, found.created_at, found.emulator)


async def create_account(request: Request) -> Response:
    body = await read_json(request, CreateAccountBody)
    template = None
    if body.template is not None:
        try:
            template = parse_accounts(body.template, "template")
        except AccountsFileError as exc:
            raise InvalidParameterDetail("template", detail=str(exc).replace("\n", "; ")) from None
    found = namespaces_of(request).create(template, body.name)
    return json_response(account_json(found.account, CREATED, found.created_at, found.emulator), 201)


async def list_accounts(request: Request) -> Response:
    return json_response({"records": listed(namespaces_of(request))})


async def read_account(request: Request) -> Response:
    return json_response(one(namespaces_of(request), request.path_params["accountId"]))


async def delete_account(request: Request) -> Response:
    """The account and all its state: its namespace goes, its sockets close, its journal entries
    and deliveries are dropped."""
    found = namespaces_of(request).remove(request.path_params["accountId"])
    await request.app.state.ws_gateway.close_all(found.emulator)
    journal_of(request).clear(found.id)
    engine_of(request).log.clear(found.id)
    return no_content()


routes = [
    route("POST", "/accounts", create_account, "createEmulatorAccount"),
    route("GET", "/accounts", list_accounts, "listEmulatorAccounts"),
    route("GET", "/accounts/{accountId}", read_account, "readEmulatorAccount"),
    route("DELETE", "/accounts/{accountId}", delete_account, "deleteEmulatorAccount"),
]
