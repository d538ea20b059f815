"""The pytest plugin, run for real with pytester: fixtures, marker, isolation between tests,
settings override, the external-URL mode (same tests both ways), and a cheap import."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings

pytest_plugins = ["pytester"]

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"

# Tests a user would write: they must pass in-process and against an external emulator.
USER_TESTS = """
import pytest

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
AUTH = {"Authorization": "Bearer any-token"}


def create(client, to="+16505550199"):
    response = client.post(RINGOUT, json={"to": {"phoneNumber": to}}, headers=AUTH)
    assert response.status_code == 200, response.text
    return response


@pytest.mark.ringout(scenario="busy", clock="manual")
def test_marker_forces_busy(ringout, ringout_client):
    response = create(ringout_client)
    assert response.headers["X-Emulator-Scenario"] == "busy"
    ringout.advance(6)
    status = ringout_client.get(f"{RINGOUT}/{response.json()['id']}", headers=AUTH).json()["status"]
    assert status == {"callStatus": "CannotReach", "callerStatus": "Success", "calleeStatus": "Busy"}
    assert [e["step"] for e in ringout.timeline(response.json()["id"])] == [0, 1, 2]


def test_a_queued_scenario_and_the_journal(ringout, ringout_client):
    ringout.queue("rejected", to="+16505550123")
    first = create(ringout_client, "+16505550123")
    create(ringout_client, "+16505550124")
    assert first.headers["X-Emulator-Scenario-Source"] == "queue"
    ringout.assert_requests(1, method="POST", to="+16505550123")
    assert ringout.count(method="POST") == 2


def test_starts_clean(ringout, ringout_client):
    assert ringout.calls() == []
    assert ringout.requests() == []
    assert ringout.clock()["now"] == "2026-01-01T00:00:00.000Z"
    assert create(ringout_client).headers["X-Emulator-Scenario"] == "success"


def test_force_a_leg(ringout, ringout_client):
    call_id = create(ringout_client).json()["id"]
    ringout.force(call_id, "caller", "no_answer")
    assert ringout.call(call_id)["status"]["callerStatus"] == "NoAnswer"


def test_the_call_log(ringout, ringout_client):
    assert ringout.set_call_log_delay(0)["delaySeconds"] == 0
    create(ringout_client)
    ringout.advance(60)
    records = ringout_client.get(RINGOUT.replace("ring-out", "call-log"), headers=AUTH).json()["records"]
    assert [r["result"] for r in records] == ["Call connected"]


@pytest.mark.ringout(clock="poll")
def test_poll_clock_with_a_url(ringout, ringout_url):
    import httpx

    with httpx.Client(base_url=ringout_url, headers=AUTH) as http:
        call_id = http.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}}).json()["id"]
        statuses = [http.get(f"{RINGOUT}/{call_id}").json()["status"]["callStatus"] for _ in range(3)]
    assert statuses == ["InProgress", "Success", "Success"]
    assert ringout.call(call_id)["clockMode"] == "poll"
"""
CONFTEST = """
import pytest

@pytest.fixture(scope="session")
def ringout_settings():
    return {"clock": "manual", "auth": "lenient"}
"""


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_user=USER_TESTS)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning", *args)


def test_fixtures_and_marker_in_process(pytester: pytest.Pytester) -> None:
    _run(pytester).assert_outcomes(passed=6)


def test_tests_are_isolated_whatever_the_order(pytester: pytest.Pytester) -> None:
    """``test_starts_clean`` runs after tests that change calls, queue, journal, clock and
    default scenario (file order), and first (before them)."""
    _run(pytester, "-k", "queued or force or marker or clean").assert_outcomes(passed=4)
    first = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "test_user.py::test_starts_clean", "test_user.py::test_marker_forces_busy"
    )
    first.assert_outcomes(passed=2)


@pytest.fixture
def external_app() -> FastAPI:
    return create_app(Settings(clock="manual", auth="lenient", control_token="ctl-token"))


@pytest.fixture
def external(external_app: FastAPI) -> Iterator[str]:
    with EmulatorServer(external_app) as server:
        yield server.url


def test_same_tests_pass_against_an_external_emulator(
    pytester: pytest.Pytester, external: str, external_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RINGOUT_EMULATOR_CONTROL_TOKEN", "ctl-token")
    _run(pytester, f"--ringout-url={external}").assert_outcomes(passed=6)
    journal = external_app.state.journal  # the last test's requests reached this server
    assert [(e.method, e.status) for e in journal] == [("POST", 200), ("GET", 200), ("GET", 200), ("GET", 200)]


def test_without_the_control_token_the_external_emulator_refuses(
    pytester: pytest.Pytester, external: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RINGOUT_EMULATOR_CONTROL_TOKEN", raising=False)
    pytester.makepyfile(test_plain="def test_it(ringout):\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", f"--ringout-url={external}")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*POST /__emulator/reset: 401*EMU-401*"])


def test_external_url_from_the_environment(
    pytester: pytest.Pytester, external: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RINGOUT_EMULATOR_URL", external)
    monkeypatch.setenv("RINGOUT_EMULATOR_CONTROL_TOKEN", "ctl-token")
    pytester.makepyfile(
        test_env="""
def test_url(ringout, ringout_url):
    assert ringout_url == ringout.url
    assert ringout.clock()["mode"] == "manual"
"""
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_settings_override_and_bad_marker(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import pytest

@pytest.fixture(scope="session")
def ringout_settings():
    return {"clock": "poll", "default_scenario": "no_answer", "auth": "lenient"}
"""
    )
    pytester.makepyfile(
        test_override="""
import pytest

def test_settings(ringout):
    assert ringout.clock()["mode"] == "poll"
    assert ringout.control("GET", "/default-scenario") == {"scenario": "no_answer"}

@pytest.mark.ringout("busy")
def test_positional_marker_is_an_error(ringout):
    pass
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.ringout takes keyword arguments*"])


def test_control_errors_surface_as_assertion_errors(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_errors="""
import pytest
from emulator.pytest_plugin import RingoutError

def test_unknown_scenario(ringout):
    with pytest.raises(RingoutError, match="CMN-101"):
        ringout.queue("nope")
"""
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.ringout(scenario=None, clock=None, seed=None, faults=None)*"])


def test_importing_the_plugin_is_cheap() -> None:
    code = (
        "import sys, emulator.pytest_plugin\n"
        "heavy = [m for m in ('uvicorn', 'fastapi', 'starlette', 'httpx', 'emulator.app', 'emulator.server') "
        "if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
