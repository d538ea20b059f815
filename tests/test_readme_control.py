"""The README's control-plane parts are checked against the code, and its pytest example runs."""

from __future__ import annotations

import pytest

from emulator.app import app_routes, create_app
from emulator.settings import Settings
from tests.readme import block, code, table

pytest_plugins = ["pytester"]


def test_every_control_endpoint_is_in_the_readme_and_no_other() -> None:
    routes = app_routes(create_app(Settings(clock="manual")))
    served = {(method, path) for method, path in routes if path.startswith("/__emulator/")}
    documented = [(code(row[0]), code(row[1])) for row in table("control-endpoints")]
    assert len(documented) == len(set(documented))
    assert set(documented) == served


def test_the_pytest_example_runs_against_the_emulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_dialer=block("pytest-example"))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=2)
