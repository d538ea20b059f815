"""``ringout_autoclock``, run for real with pytester: the app's sleeps move the emulator's manual
clock and return at once (``time.sleep`` and ``asyncio.sleep``, in the test's thread only), the
app's ``time.time()`` reads the emulator's time, and the emulator follows a test that moves time
with time-machine or freezegun (forwards only). In-process and against an external server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.plugin.test_pytest_plugin import CONFTEST  # lenient auth, manual clock

pytest_plugins = ["pytester"]

TESTS = """
import asyncio
import threading
import time
from datetime import UTC, datetime

import freezegun
import pytest
import time_machine

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
AUTH = {"Authorization": "Bearer any-token"}
REAL_SLEEP, REAL_ASYNC_SLEEP, REAL_TIME = time.sleep, asyncio.sleep, time.time  # before any fixture


@pytest.fixture
def real_sleeps(monkeypatch):
    # stands in for the real time.sleep (set up before the autoclock, which delegates to it
    # outside the test's thread): records (thread, seconds) and returns at once
    made = []
    monkeypatch.setattr(time, "sleep", lambda seconds: made.append((threading.get_ident(), seconds)))
    return made


def now(ringout):
    return ringout.clock()["epochSeconds"]


def test_a_sleep_moves_the_clock_and_the_apps_time(ringout, ringout_client, ringout_autoclock):
    start, wall = now(ringout), time.monotonic()
    assert time.time() == start and datetime.now(UTC).timestamp() == start
    call_id = ringout_client.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}}, headers=AUTH).json()["id"]
    time.sleep(40)
    assert now(ringout) == start + 40 == time.time()
    assert ringout.call(call_id)["status"]["callerStatus"] == "Finished"
    assert ringout_autoclock.slept == 40
    assert time.monotonic() - wall < 5
    time.sleep(0)
    assert now(ringout) == start + 40
    with pytest.raises(ValueError, match="non-negative"):
        time.sleep(-1)


def test_asyncio_sleep_moves_the_clock(ringout, ringout_autoclock):
    start = now(ringout)

    async def app():
        await asyncio.gather(asyncio.sleep(2), asyncio.sleep(3))
        return await asyncio.sleep(5, result="done")

    assert asyncio.run(app()) == "done"
    assert now(ringout) == start + 10


def test_other_threads_sleep_for_real(ringout, real_sleeps, ringout_autoclock):
    start = now(ringout)
    workers = []

    def worker():
        workers.append(threading.get_ident())
        time.sleep(0.05)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=5)
    assert real_sleeps == [(workers[0], 0.05)]  # handed to the sleep the fixture found
    assert workers[0] != threading.get_ident()
    assert now(ringout) == start


def test_time_machine_moves_are_followed(ringout, ringout_autoclock, time_machine):
    start = now(ringout)
    time_machine.move_to(start + 60, tick=False)  # pytest's time_machine fixture
    assert now(ringout) == start + 60
    time_machine.shift(40)
    assert now(ringout) == start + 100
    with time_machine_travel(start + 600):
        assert now(ringout) == start + 600
    assert now(ringout) == start + 600  # travelling back is not followed
    time.sleep(1)
    assert now(ringout) == start + 601


def time_machine_travel(when):
    return time_machine.travel(when, tick=False)


def test_freezegun_moves_are_followed(ringout, ringout_autoclock):
    start = now(ringout)
    with freezegun.freeze_time(datetime.fromtimestamp(start + 100, UTC)) as frozen:
        assert now(ringout) == start + 100
        frozen.tick(20)
        assert now(ringout) == start + 120
        time.sleep(5)  # moves the emulator, not freezegun's frozen time
        assert now(ringout) == start + 125


def test_follow_by_hand(ringout, ringout_autoclock):
    start = now(ringout)
    with time_machine.travel(start + 30, tick=True):
        ringout_autoclock.follow()
        assert now(ringout) >= start + 30


@pytest.mark.ringout(clock="real")
def test_the_real_clock_is_a_usage_error(ringout_autoclock):
    pass


def test_the_patches_are_gone_after_the_test(ringout):
    assert (time.sleep, asyncio.sleep, time.time) == (REAL_SLEEP, REAL_ASYNC_SLEEP, REAL_TIME)
    assert abs(time.time() - datetime.now(UTC).timestamp()) < 1
"""


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_autoclock=TESTS)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning", *args)


def test_the_autoclock_in_process(pytester: pytest.Pytester) -> None:
    result = _run(pytester)
    result.assert_outcomes(passed=7, errors=1)
    result.stdout.fnmatch_lines(["*ringout_autoclock moves a manual or poll clock; this test's clock is real*"])


@pytest.fixture
def external() -> Iterator[str]:
    with EmulatorServer(create_app(Settings(clock="manual", auth="lenient"))) as server:
        yield server.url


def test_the_autoclock_against_a_server(pytester: pytest.Pytester, external: str) -> None:
    _run(pytester, f"--ringout-url={external}").assert_outcomes(passed=7, errors=1)
