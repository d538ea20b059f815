"""The docs' "Sleeps that move the clock": the dialer with a hard-wired two-second sleep in its poll
runs a 40-second call to ``Finished`` while the wall clock moves milliseconds (the block asserts
the emulator's clock moved 40 s and ``time.monotonic()`` under 1 s), and the async one with
``asyncio.sleep`` and ``httpx.AsyncClient``. Both through the docs' reader."""

from __future__ import annotations

import pytest

from tests.readme import block

pytest_plugins = ["pytester"]


@pytest.mark.parametrize("account", ["auto", "new"])  # the global namespace, and an account of its own
def test_the_autoclock_examples_pass(pytester: pytest.Pytester, account: str) -> None:
    pytester.makepyfile(
        test_polling_dialer=block("pytest-example-autoclock"), test_async_dialer=block("pytest-example-autoclock-async")
    )
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning", f"--ringout-account={account}"
    )
    result.assert_outcomes(passed=2)
