"""The official SDKs read the call log unchanged against a real server on a free port: the
Python SDK (``platform.get``, the batch's ``multipart()``) and ``@rc-ex/core``
(``restapi().account().extension().callLog().list({view: 'Detailed'})``)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from ringcentral import SDK

from emulator.app import create_app
from emulator.core.clock import ManualClock
from emulator.server import EmulatorServer
from emulator.settings import DEFAULT_MANUAL_START, Settings
from tests.e2e.js_sdks import JS_DIR, require_js_sdks

OWN = "/restapi/v1.0/account/~/extension/~"
CALL = {"from": {"phoneNumber": "+16505550111"}, "to": {"phoneNumber": "+16505550199"}, "playPrompt": False}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DEFAULT_MANUAL_START.timestamp())


@pytest.fixture
def server(clock: ManualClock) -> Iterator[EmulatorServer]:
    app = create_app(Settings(clock="manual", auth="strict", call_log_delay_seconds=0), clock=clock)
    with EmulatorServer(app, port=0) as running:
        yield running


def test_python_sdk_reads_the_call_log(server: EmulatorServer, clock: ManualClock) -> None:
    platform = SDK("emulator-client-id", "emulator-client-secret", server.url, "tests", "1.0").platform()
    platform.login(jwt="emulator-jwt")
    platform.post(f"{OWN}/ring-out", CALL)
    platform.post(f"{OWN}/ring-out", CALL)
    clock.move_to(clock.now() + 60)
    listed = platform.get(f"{OWN}/call-log", {"view": "Detailed", "direction": ["Outbound"]})
    assert listed.response().status_code == 200
    records = listed.json_dict()["records"]
    assert [(r["action"], r["result"], len(r["legs"])) for r in records] == [("RingOut Web", "Call connected", 2)] * 2
    one = platform.get(f"{OWN}/call-log/{records[0]['id']}")
    assert one.json_dict()["id"] == records[0]["id"]
    batch = platform.get(f"{OWN}/call-log/{records[0]['id']},{records[1]['id']}")
    assert batch.response().status_code == 207
    parts = batch.multipart()
    assert [part.json_dict()["id"] for part in parts] == [records[0]["id"], records[1]["id"]]
    account = platform.get("/restapi/v1.0/account/~").json_dict()
    assert (account["id"], account["mainNumber"]) == (400131560008, "+16505550100")


def test_rc_ex_reads_the_call_log(server: EmulatorServer) -> None:
    node = require_js_sdks()
    script = "rc-ex-call-log.mjs"
    done = subprocess.run([node, script, server.url], cwd=JS_DIR, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "active-calls 200 1 In Progress",
        "call-log-list 200 1 RingOut Web Call connected RingOutWebToCaller,RingOutWebToSubscriber",
        "paging 1 1000 1",
        "call-log-get 200 true true",
        "account 200 +16505550100 Confirmed",
        "ring-out-id string",
    ]
