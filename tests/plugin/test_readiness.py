"""``--ringout-readiness``: the session fails when the production-readiness report does not say
"ready" (an app polling too fast), passes when it does, and each test still sees only its own
requests. Run for real with pytester."""

from __future__ import annotations

import pytest

from emulator.api import control
from emulator.core.scopes import RESET_SCOPES

pytest_plugins = ["pytester"]

CONFTEST = """
import pytest

@pytest.fixture(scope="session")
def ringout_settings():
    return {"clock": "manual", "auth": "lenient"}
"""
APP = """
RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
AUTH = {"Authorization": "Bearer any-token"}
CALL = {"to": {"phoneNumber": "+16505550199"}}


def make_and_poll(ringout, client, polls, every):
    call_id = client.post(RINGOUT, json=CALL, headers=AUTH).json()["id"]
    for _ in range(polls):
        client.get(f"{RINGOUT}/{call_id}", headers=AUTH)
        ringout.advance(every)
"""
POLLS_TOO_FAST = (
    APP
    + """

def test_polls_in_a_tight_loop(ringout, ringout_client):
    make_and_poll(ringout, ringout_client, 55, 0)  # the app ignores the 429s, as many do
"""
)
WELL_BEHAVED = (
    APP
    + """

def test_one(ringout, ringout_client):
    for _ in range(3):
        make_and_poll(ringout, ringout_client, 2, 2)
    assert ringout.count(method="POST") == 3  # only this test's requests


def test_two(ringout, ringout_client):
    for _ in range(2):
        make_and_poll(ringout, ringout_client, 2, 2)
    assert len(ringout.requests()) == 6
"""
)


def run(pytester: pytest.Pytester, tests: str, *args: str) -> pytest.RunResult:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_app=tests)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning", *args)


def test_a_session_that_would_not_graduate_fails(pytester: pytest.Pytester) -> None:
    result = run(pytester, POLLS_TOO_FAST, "--ringout-readiness")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*RingOut emulator: production readiness: not ready*",
            "- lenient-mode: polled ring-out status 55 times in 60 s: Light limit 50 (user 400131560009, "
            "5 refused with 429)*",
        ]
    )


def test_without_the_flag_the_same_session_passes(pytester: pytest.Pytester) -> None:
    result = run(pytester, POLLS_TOO_FAST)
    assert result.ret == pytest.ExitCode.OK
    assert "production readiness" not in result.stdout.str()


def test_a_well_behaved_session_is_ready(pytester: pytest.Pytester) -> None:
    result = run(pytester, WELL_BEHAVED, "--ringout-readiness")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*RingOut emulator: production readiness: ready*"])


def test_the_plugins_scopes_are_the_emulators_but_the_journal() -> None:
    """The plugin resets the domain's scopes before each test: every control-plane scope but the
    HTTP ones (the journal, which the readiness report reads, and the delivery log)."""
    assert set(control.SCOPES) - set(RESET_SCOPES) == set(control.HTTP_SCOPES) == {"journal", "deliveries"}
