"""The official SDKs create and list webhook subscriptions, unchanged, against a real server on a
free port with a real receiver on another: Python ``ringcentral`` (``platform.post``) and
``@rc-ex/core`` (``restapi().subscription().post()``)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from ringcentral import SDK

from emulator.app import create_app
from emulator.receiver import WebhookReceiver, as_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.e2e.js_sdks import JS_DIR, require_js_sdks

FILTER = "/restapi/v1.0/account/~/extension/~/telephony/sessions"
STORED = "/restapi/v1.0/account/400131560008/extension/400131560009/telephony/sessions"


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[EmulatorServer, str, WebhookReceiver]]:
    receiver = WebhookReceiver()
    with (
        EmulatorServer(create_app(Settings(clock="manual", auth="strict"))) as emulator,
        EmulatorServer(as_app(receiver)) as hook,
    ):
        yield emulator, f"{hook.url}/hook", receiver


def test_python_sdk_creates_lists_and_deletes(servers: tuple[EmulatorServer, str, WebhookReceiver]) -> None:
    emulator, address, receiver = servers
    platform = SDK("emulator-client-id", "emulator-client-secret", emulator.url).platform()
    platform.login(jwt="emulator-jwt")
    body = {"eventFilters": [FILTER], "deliveryMode": {"transportType": "WebHook", "address": address}}
    created = platform.post("/restapi/v1.0/subscription", body)
    info = created.json_dict()
    assert (created.response().status_code, info["status"], info["eventFilters"]) == (200, "Active", [STORED])
    listed = platform.get("/restapi/v1.0/subscription").json_dict()
    assert [r["id"] for r in listed["records"]] == [info["id"]]
    call = platform.post("/restapi/v1.0/account/~/extension/~/ring-out", {"to": {"phoneNumber": "+16505550199"}})
    assert call.response().status_code == 200
    assert receiver.notifications[-1].body["subscriptionId"] == info["id"]
    assert platform.delete(f"/restapi/v1.0/subscription/{info['id']}").response().status_code == 204


def test_rc_ex_creates_lists_renews_and_deletes(servers: tuple[EmulatorServer, str, WebhookReceiver]) -> None:
    node = require_js_sdks()
    emulator, address, _ = servers
    done = subprocess.run(
        [node, "rc-ex-subscriptions.mjs", emulator.url, address],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"create 200 Active {STORED}",
        "list 200 1 true",
        "get 200 WebHook true",
        "renew 200 3600",
        "delete 204",
    ]
