"""``/__emulator/accounts``: create (default template, a template, bad ones), list, read, delete,
the cap; naming an account on the control plane; logging in and calling in a created account."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.account_helpers import ACCOUNTS, HEADER, create_account, login, scoped
from tests.api.control_helpers import error
from tests.api.oauth_helpers import APP, api_error, bearer, jwt_login, oauth_error
from tests.conftest import RINGOUT

START = "2026-01-01T00:00:00.000Z"
TO = {"to": {"phoneNumber": "+16505550199"}}
ID = re.compile(r"^[0-9]{12}$")
EVERY_PERMISSION = ["RingOut", "ReadAccounts", "ReadCallLog", "SubscriptionWebhook", "CallControl", "ReadPresence"]
EVERY_GRANT = ["urn:ietf:params:oauth:grant-type:jwt-bearer", "password", "refresh_token", "authorization_code"]
TEMPLATE: dict[str, Any] = {
    "accounts": [
        {
            "id": "700000000001",
            "name": "Template Co.",
            "mainNumber": "+16505550300",
            "homeCountry": "US",
            "extensions": [
                {
                    "id": "700000000002",
                    "extensionNumber": "301",
                    "name": "Dana Template",
                    "jwt": "dana-jwt",
                    "directNumbers": ["+16505550301"],
                    "forwardingNumbers": [{"id": "700000000003", "phoneNumber": "+16505550311", "label": "Mobile"}],
                }
            ],
        }
    ],
    "apps": [
        {
            "clientId": "template-client",
            "clientSecret": "template-secret",
            "permissions": ["RingOut"],
            "grants": ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
        }
    ],
}


@pytest.fixture
def strict(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(clock="manual", auth="strict")


def _ids(account: dict[str, Any]) -> list[str]:
    found = [account["id"]]
    for extension in account["extensions"]:
        found += [extension["id"], *(n["id"] for n in extension["forwardingNumbers"])]
    return found


def test_the_default_template_is_the_bundled_account_with_fresh_ids_and_an_app_with_everything(
    client: TestClient,
) -> None:
    account = create_account(client)
    account_id = account["id"]
    assert all(ID.match(ident) for ident in _ids(account)), account
    assert len(set(_ids(account))) == 6
    assert not set(_ids(account)) & {"400131560008", "400131560009", "400131560010", "400131570001"}
    alice, bob = account["extensions"]
    assert {k: v for k, v in alice.items() if k not in ("id", "forwardingNumbers")} == {
        "extensionNumber": "101",
        "name": "Alice Emulator",
        "jwt": "emulator-jwt",
        "password": "emulator-password",
        "directNumbers": ["+16505550101"],
        "calling": {"international": True, "domestic": True, "internal": True},
    }
    assert [{k: v for k, v in n.items() if k != "id"} for n in alice["forwardingNumbers"]] == [
        {"phoneNumber": "+16505550111", "label": "Mobile", "type": "Mobile"},
        {"phoneNumber": "+16505550112", "label": "Home", "type": "Home"},
    ]
    assert (bob["extensionNumber"], bob["jwt"], bob["password"]) == ("102", "emulator-jwt-102", "emulator-password-102")
    assert bob["calling"] == {"international": False, "domestic": True, "internal": True}
    (app,) = account["apps"]
    assert app["clientId"] == f"emulator-client-{account_id}"
    assert re.fullmatch(r"emulator-secret-[A-Za-z0-9_-]{32}", app["clientSecret"])
    assert (app["permissions"], app["grants"]) == ([*EVERY_PERMISSION, "WebSocket"], EVERY_GRANT)
    assert {k: account[k] for k in ("name", "origin", "createdAt", "clock")} == {
        "name": "Emulator Inc.",
        "origin": "created",
        "createdAt": START,
        "clock": {"mode": "manual", "now": START, "speed": 1.0},
    }


def test_two_accounts_share_no_id_client_id_or_secret(client: TestClient) -> None:
    first, second = create_account(client), create_account(client, name="worker gw1")
    assert not set(_ids(first)) & set(_ids(second))
    assert first["apps"][0]["clientId"] != second["apps"][0]["clientId"]
    assert first["apps"][0]["clientSecret"] != second["apps"][0]["clientSecret"]
    assert second["name"] == "worker gw1"


def test_list_gives_the_file_accounts_first_then_the_created_ones_in_order(client: TestClient) -> None:
    first, second = create_account(client, name="a"), create_account(client, name="b")
    response = client.get(ACCOUNTS)
    assert response.status_code == 200
    records = response.json()["records"]
    assert [(r["id"], r["origin"]) for r in records] == [
        ("400131560008", "file"),
        ("400131580008", "file"),
        (first["id"], "created"),
        (second["id"], "created"),
    ]
    assert records[2:] == [first, second]
    assert [e["jwt"] for e in records[1]["extensions"]] == ["emulator-jwt-201"]
    assert records[0]["apps"][0]["clientId"] == "emulator-client-id"


def test_read_one_then_delete_it(client: TestClient) -> None:
    account = create_account(client)
    url = f"{ACCOUNTS}/{account['id']}"
    assert (client.get(url).status_code, client.get(url).json()) == (200, account)
    deleted = client.delete(url)
    assert (deleted.status_code, deleted.content) == (204, b"")
    missing = error("CMN-102", "Resource for parameter [accountId] is not found", parameterName="accountId")
    for response in (client.get(url), client.delete(url)):
        assert (response.status_code, response.json()) == (404, missing)
    assert [r["id"] for r in client.get(ACCOUNTS).json()["records"]] == ["400131560008", "400131580008"]


def test_a_file_account_reads_but_cannot_be_deleted(client: TestClient) -> None:
    read = client.get(f"{ACCOUNTS}/400131580008")
    assert (read.status_code, read.json()["origin"], read.json()["name"]) == (200, "file", "Other Corp.")
    response = client.delete(f"{ACCOUNTS}/400131560008")
    message = "Account [400131560008] comes from the accounts file: only created accounts can be deleted"
    assert (response.status_code, response.json()) == (409, error("EMU-409", message))


@pytest.mark.parametrize("cap", [0, 2])
def test_past_the_cap_answers_409_and_keeps_what_is_there(make_client: Callable[..., TestClient], cap: int) -> None:
    client = make_client(clock="manual", max_accounts=cap)
    made = [create_account(client) for _ in range(cap)]
    response = client.post(ACCOUNTS)
    message = f"At most {cap} accounts may be created (max_accounts): delete some first"
    assert (response.status_code, response.json()) == (409, error("EMU-409", message))
    assert client.get(ACCOUNTS).json()["records"][2:] == made
    if made:
        assert client.delete(f"{ACCOUNTS}/{made[0]['id']}").status_code == 204
        assert client.post(ACCOUNTS).status_code == 201  # room again


def test_a_template_keeps_its_ids_and_apps(client: TestClient) -> None:
    account = create_account(client, template=TEMPLATE)
    assert account["id"] == "700000000001"
    assert [e["id"] for e in account["extensions"]] == ["700000000002"]
    assert account["apps"] == [
        {
            "clientId": "template-client",
            "clientSecret": "template-secret",
            "name": "",
            "permissions": ["RingOut"],
            "grants": ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
        }
    ]
    again = client.post(ACCOUNTS, json={"template": TEMPLATE})
    message = "Id 700000000001 is already used by another account: choose another"
    assert (again.status_code, again.json()) == (409, error("EMU-409", message))


def test_a_template_may_not_reuse_a_client_id(client: TestClient) -> None:
    template = {**TEMPLATE, "apps": [{**TEMPLATE["apps"][0], "clientId": "emulator-client-id"}]}
    response = client.post(ACCOUNTS, json={"template": template})
    message = "Client id emulator-client-id is already used by another account's app"
    assert (response.status_code, response.json()) == (409, error("EMU-409", message))


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ({"accounts": []}, "template: accounts: List should have at least 1 item after validation, not 0"),
        (
            {"accounts": [{**TEMPLATE["accounts"][0], "mainNumber": "555"}]},
            "template: accounts.0.mainNumber: String should match pattern '^\\+[1-9][0-9]{6,14}$'",
        ),
        ({"accounts": TEMPLATE["accounts"], "extra": 1}, "template: extra: Extra inputs are not permitted"),
        (
            {"accounts": [TEMPLATE["accounts"][0], {**TEMPLATE["accounts"][0], "id": "1", "extensions": [
                {"id": "2", "extensionNumber": "1", "name": "x"}]}]},
            "A template holds exactly one account; this one holds 2.",
        ),
    ],
)  # fmt: skip
def test_a_bad_template_answers_400_with_the_accounts_file_error(
    client: TestClient, template: dict[str, Any], problem: str
) -> None:
    response = client.post(ACCOUNTS, json={"template": template})
    message = f"Parameter [template] value is invalid. {problem}"
    assert (response.status_code, response.json()) == (400, error("CMN-101", message, parameterName="template"))
    assert len(client.get(ACCOUNTS).json()["records"]) == 2


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "two\nlines"}, "name"),  # a control character in a name was kept (newline, NUL...)
        ({"name": "nul\u0000"}, "name"),
        ({"template": []}, "template"),
        ({"nope": 1}, "nope"),
    ],
)
def test_a_bad_body_answers_400(client: TestClient, body: dict[str, Any], parameter: str) -> None:
    response = client.post(ACCOUNTS, json=body)
    expected = error("CMN-101", f"Parameter [{parameter}] value is invalid.", parameterName=parameter)
    assert (response.status_code, response.json()) == (400, expected)


def test_header_and_query_must_agree_and_name_a_known_account(client: TestClient) -> None:
    account = create_account(client)
    both = client.get("/__emulator/clock", params={"account": account["id"]}, headers={HEADER: "123"})
    message = (
        "Parameter [account] value is invalid. "
        f"X-Emulator-Account [123] and account=[{account['id']}] name different accounts."
    )
    assert (both.status_code, both.json()) == (400, error("CMN-101", message, parameterName="account"))
    same = client.get("/__emulator/clock", params={"account": account["id"]}, headers=scoped(account))
    assert same.status_code == 200
    for response in (
        client.get("/__emulator/clock", headers={HEADER: "123"}),
        client.get("/__emulator/rules?account=9"),
    ):
        expected = error("CMN-102", "Resource for parameter [account] is not found", parameterName="account")
        assert (response.status_code, response.json()) == (404, expected)


def test_an_account_named_twice_must_be_the_same_account(client: TestClient) -> None:
    """A repeated ``?account=`` or ``X-Emulator-Account`` naming two accounts is 400, not whichever
    one the parser kept (the last query value, the first header): the request never acts in the
    wrong account, e.g. a URL already carrying ``?account=`` plus a client's own ``params``."""
    account = create_account(client)
    client.post("/__emulator/clock/advance", json={"seconds": 5}, headers=scoped(account))
    other = "400131560008"  # a file account: the global namespace, whose clock did not move
    for first, second in ((account["id"], other), (other, account["id"])):
        response = client.get(f"/__emulator/clock?account={first}&account={second}")
        message = (
            "Parameter [account] value is invalid. The account parameter is given more than once, "
            f"naming different accounts: {first}, {second}."
        )
        assert (response.status_code, response.json()) == (400, error("CMN-101", message, parameterName="account"))
    for first, second in ((account["id"], other), (other, account["id"])):
        response = client.get("/__emulator/clock", headers=[(HEADER, first), (HEADER, second)])
        message = (
            "Parameter [account] value is invalid. The X-Emulator-Account header is given more than once, "
            f"naming different accounts: {first}, {second}."
        )
        assert (response.status_code, response.json()) == (400, error("CMN-101", message, parameterName="account"))
    repeated = client.get(f"/__emulator/clock?account={account['id']}&account={account['id']}", headers=scoped(account))
    assert (repeated.status_code, repeated.json()["now"]) == (200, "2026-01-01T00:00:05.000Z")


@pytest.mark.parametrize("value", ["", "9" * 65])
def test_an_empty_or_huge_account_id_answers_400(client: TestClient, value: str) -> None:
    for response in (
        client.get("/__emulator/clock", headers={HEADER: value}),
        client.get(f"/__emulator/clock?account={value}"),
    ):
        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["parameterName"] == "account"


@pytest.mark.parametrize(
    "path",
    ["/health", "/ready", "/openapi.yaml", "/docs", "/ui", "/magic-numbers", "/accounts", "/accounts/400131560008"],
)
def test_the_routes_that_hold_no_account_state_ignore_the_account_named(client: TestClient, path: str) -> None:
    """Probes, docs, dashboard, magic numbers and the accounts themselves are not account-scoped
    (``openapi.yaml`` declares no account parameter on them): an unknown account does not 404 them."""
    for response in (
        client.get(f"/__emulator{path}", headers={HEADER: "404404"}),
        client.get(f"/__emulator{path}", params={"account": "9" * 65}),
    ):
        assert response.status_code == 200, response.text


def test_a_file_account_named_is_the_global_namespace(client: TestClient) -> None:
    assert (
        client.post("/__emulator/rules", json={"scenario": "busy"}, headers={HEADER: "400131580008"}).status_code == 201
    )
    assert len(client.get("/__emulator/rules").json()["records"]) == 1


def test_oauth_with_the_new_app_then_a_ringout_in_that_account(strict: TestClient) -> None:
    account = create_account(strict)
    headers = login(strict, account)
    assert headers["Authorization"].startswith(f"Bearer emu-at-{account['id']}.")
    created = strict.post(RINGOUT, json=TO, headers=headers)
    assert created.status_code == 200, created.text
    call = created.json()
    alice = account["extensions"][0]["id"]
    assert (
        call["uri"] == f"http://testserver/restapi/v1.0/account/{account['id']}/extension/{alice}/ring-out/{call['id']}"
    )
    read = strict.get(f"{RINGOUT}/{call['id']}", headers=headers)
    assert (read.status_code, read.json()["id"]) == (200, call["id"])
    listed = strict.get("/__emulator/calls", headers=scoped(account)).json()["records"]
    assert [(c["id"], c["accountId"], c["extensionId"], c["from"]) for c in listed] == [
        (call["id"], account["id"], alice, "+16505550111")
    ]
    assert strict.get("/__emulator/calls").json() == {"records": []}


def test_the_global_account_and_a_created_one_cannot_read_each_others_calls(strict: TestClient) -> None:
    account = create_account(strict)
    theirs, ours = login(strict, account), bearer(jwt_login(strict))
    their_call = strict.post(RINGOUT, json=TO, headers=theirs).json()
    our_call = strict.post(RINGOUT, json=TO, headers=ours).json()
    missing = api_error("CMN-102", "Resource for parameter [ringOutId] is not found", parameterName="ringOutId")
    for call, headers in ((their_call, ours), (our_call, theirs)):
        response = strict.get(f"{RINGOUT}/{call['id']}", headers=headers)
        assert (response.status_code, response.json()) == (404, missing)
    by_path = strict.get(their_call["uri"].removeprefix("http://testserver"), headers=ours)
    account_missing = api_error("CMN-102", "Resource for parameter [accountId] is not found", parameterName="accountId")
    assert (by_path.status_code, by_path.json()) == (404, account_missing)


def test_the_global_app_cannot_log_in_to_a_created_account_and_back(strict: TestClient) -> None:
    """Each namespace knows only its own apps: the global app's client id is the global namespace's."""
    account = create_account(strict)
    app = account["apps"][0]
    alice = jwt_login(strict, app=(app["clientId"], app["clientSecret"]))
    assert alice["owner_id"] == account["extensions"][0]["id"]
    bob = jwt_login(strict, "emulator-jwt-102", app=(app["clientId"], app["clientSecret"]))
    assert bob["owner_id"] == account["extensions"][1]["id"]
    assert jwt_login(strict, app=APP)["owner_id"] == "400131560009"
    wrong = strict.post(
        "/restapi/oauth/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "emulator-jwt"},
        auth=(app["clientId"], "emulator-client-secret"),
    )
    expected = oauth_error("invalid_client", "OAU-123", "Invalid client credentials")
    assert (wrong.status_code, wrong.json()) == (400, expected)


def test_deleting_the_account_makes_its_tokens_answer_401(strict: TestClient) -> None:
    account = create_account(strict)
    headers = login(strict, account)
    call = strict.post(RINGOUT, json=TO, headers=headers).json()
    assert strict.delete(f"{ACCOUNTS}/{account['id']}").status_code == 204
    response = strict.get(f"{RINGOUT}/{call['id']}", headers=headers)
    expected = {
        "errorCode": "TokenInvalid",
        "message": "Token not found",
        "errors": [{"errorCode": "OAU-213", "message": "Token not found"}],
    }
    assert (response.status_code, response.json()) == (401, expected)


def test_lenient_tokens_act_in_the_account_the_header_names(make_client: Callable[..., TestClient]) -> None:
    """Lenient auth: any token is the default extension of the account ``X-Emulator-Account``
    names (what the plugin's scoped client sends under xdist); without it, or naming no created
    account, the global namespace's."""
    lenient = make_client(clock="manual", auth="lenient")
    account = create_account(lenient)
    any_token = {"Authorization": "Bearer anything"}
    scoped_call = lenient.post(RINGOUT, json=TO, headers={**any_token, **scoped(account)})
    assert scoped_call.status_code == 200, scoped_call.text
    assert f"/account/{account['id']}/extension/{account['extensions'][0]['id']}/" in scoped_call.json()["uri"]
    global_call = lenient.post(RINGOUT, json=TO, headers=any_token)
    unknown_call = lenient.post(RINGOUT, json=TO, headers={**any_token, HEADER: "999999999999"})
    for answered in (global_call, unknown_call):
        assert answered.status_code == 200, answered.text
        assert "/account/400131560008/extension/400131560009/" in answered.json()["uri"]
    listed = lenient.get("/__emulator/calls", headers=scoped(account)).json()["records"]
    assert [call["id"] for call in listed] == [scoped_call.json()["id"]]


def test_strict_tokens_ignore_the_account_header(strict: TestClient) -> None:
    """With strict auth the token alone says where a request acts: the header cannot move a
    global token into a created account."""
    account = create_account(strict)
    token = bearer(jwt_login(strict, "emulator-jwt"))
    answered = strict.post(RINGOUT, json=TO, headers={**token, **scoped(account)})
    assert answered.status_code == 200, answered.text
    assert "/account/400131560008/extension/400131560009/" in answered.json()["uri"]
    assert strict.get("/__emulator/calls", headers=scoped(account)).json()["records"] == []
