"""The plugin's webhook helpers, run for real with pytester: the recording receiver
(``ringout_webhook``) in-process and against an external emulator, and in-process delivery to
the app under test (an ASGI FastAPI handler and a WSGI one), handshake included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.plugin.hook_app import HOOK_APP

pytest_plugins = ["pytester"]

CONFTEST = """
import pytest

@pytest.fixture(scope="session")
def ringout_settings():
    return {"clock": "manual", "auth": "lenient"}
"""
RECEIVER_TESTS = """
RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
AUTH = {"Authorization": "Bearer any-token"}


def test_a_call_until_disconnected(ringout, ringout_client, ringout_webhook):
    ringout_client.headers.update(AUTH)
    ringout_webhook.subscribe(ringout_client, verificationToken="tok")
    call_id = ringout_client.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}}).json()["id"]
    events = ringout_webhook.until_disconnected(call_id)
    assert [e["parties"][0]["status"]["code"] for e in events][-2:] == ["Disconnected", "Disconnected"]
    assert [s[0] for s in ringout_webhook.statuses(call_id)] == [1, 2, 3, 4, 5, 6]
    assert ringout_webhook.notifications[0].headers["verification-token"] == "tok"
    assert [d["kind"] for d in ringout.deliveries()][:2] == ["handshake", "notification"]


def test_each_test_starts_with_an_empty_receiver(ringout, ringout_client, ringout_webhook):
    assert ringout_webhook.notifications == []
    assert ringout_client.get("/restapi/v1.0/subscription", headers=AUTH).json()["records"] == []
"""
APP_TESTS = """
from myapp import app, seen

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
AUTH = {"Authorization": "Bearer any-token"}
SUBSCRIBE = {
    "eventFilters": ["/restapi/v1.0/account/~/extension/~/telephony/sessions"],
    "deliveryMode": {"transportType": "WebHook", "address": "http://myapp.test/rc/hook"},
}


def wsgi_app(environ, start_response):
    token = environ.get("HTTP_VALIDATION_TOKEN")
    if not token:
        seen.append(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
    start_response("200 OK", [("Validation-Token", token)] if token else [])
    return [b""]


def test_an_asgi_handler_in_process(ringout, ringout_client):
    seen.clear()
    ringout.deliver_to("http://myapp.test", app)
    assert ringout_client.post("/restapi/v1.0/subscription", json=SUBSCRIBE, headers=AUTH).status_code == 200
    ringout_client.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}}, headers=AUTH)
    ringout.advance(60)
    assert [n["body"]["sequence"] for n in seen] == [1, 2, 3, 4, 5, 6]


def test_a_wsgi_handler_in_process(ringout, ringout_client):
    seen.clear()
    ringout.deliver_to("http://myapp.test", wsgi_app, wsgi=True)
    assert ringout_client.post("/restapi/v1.0/subscription", json=SUBSCRIBE, headers=AUTH).status_code == 200
    ringout_client.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}}, headers=AUTH)
    assert len(seen) == 1 and b'"sequence":1' in seen[0]
"""


def _run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_user=source, myapp=HOOK_APP)
    pytester.syspathinsert()
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning", *args)


def test_the_recording_receiver_in_process(pytester: pytest.Pytester) -> None:
    _run(pytester, RECEIVER_TESTS).assert_outcomes(passed=2)


def test_delivery_to_the_app_under_test_in_process(pytester: pytest.Pytester) -> None:
    _run(pytester, APP_TESTS).assert_outcomes(passed=2)


@pytest.fixture
def external() -> Iterator[str]:
    app: FastAPI = create_app(Settings(clock="manual", auth="lenient"))
    with EmulatorServer(app) as server:
        yield server.url


def test_the_recording_receiver_against_an_external_emulator(pytester: pytest.Pytester, external: str) -> None:
    _run(pytester, RECEIVER_TESTS, f"--ringout-url={external}").assert_outcomes(passed=2)


REAL_CLOCK_TESTS = """
import pytest
from ringcentral import SDK


@pytest.fixture(scope="session")
def ringout_settings():
    return {"clock": "real", "speed": 1000, "rate_limits": "off"}


def test_an_sdk_call_on_the_real_clock_reaches_disconnected(ringout, ringout_url, ringout_webhook):
    platform = SDK(ringout.client_id, ringout.client_secret, ringout_url).platform()
    platform.login(jwt=ringout.jwt)
    address = ringout_webhook.address
    body = {"eventFilters": [ringout_webhook.FILTER], "deliveryMode": {"transportType": "WebHook", "address": address}}
    platform.post("/restapi/v1.0/subscription", body)
    call = platform.post("/restapi/v1.0/account/~/extension/~/ring-out", {"to": {"phoneNumber": "+16505550199"}})
    call_id = call.json_dict()["id"]
    session = ringout_webhook.events(call_id)[0]["telephonySessionId"]
    assert ringout_webhook.receiver.wait_until(lambda r: r.disconnected(session), timeout=3)  # a 39 ms call
"""


def test_the_real_clock_delivers_to_an_sdk_on_the_plugins_server(pytester: pytest.Pytester) -> None:
    """In-process, the plugin serves one app from its test client (whose loop runs the real-clock
    task) and from ``ringout_url``'s server, where the SDK's requests land: they wake the task
    from that server's thread, so a fast real-clock call's events come as its clock reaches them,
    not at the task's 5 s idle look."""
    _run(pytester, REAL_CLOCK_TESTS).assert_outcomes(passed=1)
