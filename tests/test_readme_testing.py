"""The README's "Testing your app" lead-in: its example of an app with a hard-wired ``time.sleep``
passes with the poll clock and with the sped-up real clock."""

from __future__ import annotations

import pytest

from tests.readme import block

pytest_plugins = ["pytester"]


def test_the_sleeping_app_example_passes_with_both_clocks(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(block("pytest-conftest-speed"))
    pytester.makepyfile(test_sleeping_dialer=block("pytest-example-sleeping"))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=2)
