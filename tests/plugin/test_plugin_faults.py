"""The plugin's fault helper and marker, run for real with pytester."""

from __future__ import annotations

import pytest

from tests.plugin.test_pytest_plugin import CONFTEST  # lenient auth, manual clock

pytest_plugins = ["pytester"]

FAULT_TESTS = """
import pytest

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
AUTH = {"Authorization": "Bearer any-token"}
CALL = {"to": {"phoneNumber": "+16505550199"}}


@pytest.mark.ringout(faults=[{"effect": "error", "status": 503, "retryAfter": 2, "operation": "createRingOutCall"}])
def test_marker_faults_the_create(ringout, ringout_client):
    response = ringout_client.post(RINGOUT, json=CALL, headers=AUTH)
    assert (response.status_code, response.headers["Retry-After"]) == (503, "2")
    assert ringout.calls() == []
    assert [rule["hits"] for rule in ringout.faults()] == [1]


def test_helper_drops_the_answer_after_the_create(ringout, ringout_client):
    rule = ringout.fault("error", status=504, when="after", times=1)
    assert (rule["id"], rule["remaining"]) == ("1", 1)
    assert ringout_client.post(RINGOUT, json=CALL, headers=AUTH).status_code == 504
    assert len(ringout.calls()) == 1
    assert ringout_client.post(RINGOUT, json=CALL, headers=AUTH).status_code == 200


def test_rules_do_not_leak_between_tests(ringout):
    assert ringout.faults() == []
"""


def test_the_fault_helper_and_marker(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_faults=FAULT_TESTS)
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-p", "no:randomly", "-W", "ignore::DeprecationWarning"
    )
    result.assert_outcomes(passed=3)
