"""pytest-xdist, run for real: ``-n 4`` against one real server (uvicorn on a socket) of a suite
written to collide on global state (each test sets the default scenario, queues a scenario,
advances the clock, resets, places RingOuts with the official SDK and asserts the outcomes and the
clock; one more applies every marker argument), green five times over; each worker had its own
account, deleted at the end. (With ``--ringout-account=global`` the same suite fails: most of its
tests see another worker's reset or clock.) In-process
``-n 2`` (an app per worker), ``-n 0`` (the global namespace, as without xdist) and
``--ringout-readiness`` under xdist (one report per worker)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings

pytest_plugins = ["pytester"]

RUNS = 5
TESTS_PER_RUN = 8
COLLIDING = """
import os
from pathlib import Path

import pytest
from ringcentral import SDK

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
# (default scenario, queued scenario, the queued call's callee status, the default call's) per test
PLANS = [
    ("busy", "rejected", "Rejected", "Busy"),
    ("rejected", "busy", "Busy", "Rejected"),
    ("no_answer", "destination_blocked", "DestinationBlocked", "NoAnswer"),
    ("destination_blocked", "no_answer", "NoAnswer", "DestinationBlocked"),
]


def callee(platform, call_id):
    return platform.get(f"{RINGOUT}/{call_id}").json_dict()["status"]["calleeStatus"]


def place(platform, to):
    body = {"from": {"phoneNumber": "+16505550111"}, "to": {"phoneNumber": to}}
    return platform.post(RINGOUT, body).json_dict()["id"]


@pytest.mark.parametrize("n", range(TESTS))
def test_collides_on_global_state(ringout, ringout_url, n):
    default, queued, queued_outcome, default_outcome = PLANS[n % len(PLANS)]
    Path(os.environ["ACCOUNTS_SEEN"], f"{os.environ.get('PYTEST_XDIST_WORKER', 'none')}-{n}").write_text(
        f"{ringout.account_id} {ringout.client_id}"
    )
    start = ringout.clock()["epochSeconds"]  # where a reset puts this account's clock back
    for attempt in range(3):
        ringout.set_default_scenario(default)
        ringout.queue(queued, to="+16505550123")
        ringout.advance(n + 1)
        ringout.reset()  # another worker's reset would wipe this worker's calls, clock and queue
        assert ringout.clock()["epochSeconds"] == start
        assert ringout.calls() == []
    platform = SDK(ringout.client_id, ringout.client_secret, ringout_url).platform()
    platform.login(jwt=ringout.jwt)
    ringout.set_default_scenario(default)
    ringout.queue(queued, to="+16505550123")
    first, second = place(platform, "+16505550123"), place(platform, "+16505550124")
    ringout.advance(40 + n)  # every plan has ended (34 s at most); its status stays readable 60 s
    assert (callee(platform, first), callee(platform, second)) == (queued_outcome, default_outcome)
    assert ringout.clock()["epochSeconds"] == start + 40 + n
    assert sorted(c["id"] for c in ringout.calls()) == sorted([first, second])


FAULT = {"effect": "error", "status": 503, "operation": "createRingOutCall", "times": 1}


@pytest.mark.ringout(scenario="busy", clock="poll", seed=7, faults=[FAULT])
def test_the_marker_applies_to_the_workers_account(ringout, ringout_url):
    assert ringout.clock()["mode"] == "poll"
    assert ringout.control("GET", "/default-scenario") == {"scenario": "busy"}
    platform = SDK(ringout.client_id, ringout.client_secret, ringout_url).platform()
    platform.login(jwt=ringout.jwt)
    with pytest.raises(Exception, match="503"):
        place(platform, "+16505550199")  # the fault, once
    call_id = place(platform, "+16505550199")
    assert [callee(platform, call_id) for _ in range(2)] == ["InProgress", "Busy"]  # a step per read
    assert ringout.faults()[0]["hits"] == 1
""".replace("TESTS", str(TESTS_PER_RUN))


@pytest.fixture
def server() -> Iterator[str]:
    with EmulatorServer(create_app(Settings(clock="manual"))) as running:
        yield running.url


def _run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *args: str, tests: str = COLLIDING
) -> pytest.RunResult:
    """The suite in a fresh pytest (and its workers) that loads only xdist and this plugin: the other
    installed plugins (schemathesis, playwright ...) would triple each worker's start-up."""
    pytester.makepyfile(test_colliding=tests)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    plugins = ("-p", "xdist", "-p", "emulator.pytest_plugin", "-p", "no:cacheprovider")
    return pytester.runpytest_subprocess(*plugins, "-W", "ignore::DeprecationWarning", *args)


def test_four_workers_on_one_server_never_collide(
    pytester: pytest.Pytester, server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for run in range(RUNS):
        seen = tmp_path / f"run{run}"
        seen.mkdir()
        monkeypatch.setenv("ACCOUNTS_SEEN", str(seen))
        _run(pytester, monkeypatch, "-n", "4", f"--ringout-url={server}").assert_outcomes(passed=TESTS_PER_RUN + 1)
        by_worker: dict[str, set[str]] = {}
        for path in seen.iterdir():  # written by the parametrized tests
            by_worker.setdefault(path.name.split("-")[0], set()).add(path.read_text())
        assert len(by_worker) == 4 and all(len(accounts) == 1 for accounts in by_worker.values()), by_worker
        credentials = [next(iter(accounts)).split() for accounts in by_worker.values()]
        assert len({account for account, _ in credentials}) == 4  # an account per worker
        assert all(client != "emulator-client-id" for _, client in credentials)
    left = httpx.get(f"{server}/__emulator/accounts").json()["records"]
    assert {a["origin"] for a in left} == {"file"}  # every worker deleted its account


def test_in_process_each_worker_has_its_own_app(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCOUNTS_SEEN", str(tmp_path))
    _run(pytester, monkeypatch, "-n", "2").assert_outcomes(passed=TESTS_PER_RUN + 1)
    assert {p.read_text() for p in tmp_path.iterdir()} == {"400131560008 emulator-client-id"}  # the global defaults


def test_without_workers_the_session_stays_global(
    pytester: pytest.Pytester, server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCOUNTS_SEEN", str(tmp_path))
    _run(pytester, monkeypatch, "-n", "0", f"--ringout-url={server}", "-k", "0 or 1").assert_outcomes(passed=2)
    assert {p.read_text() for p in tmp_path.iterdir()} == {"400131560008 emulator-client-id"}


TOO_FAST = """
import httpx

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
JWT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def test_polls_in_a_tight_loop(ringout, ringout_url):
    with httpx.Client(base_url=ringout_url) as http:
        grant = {"grant_type": JWT, "assertion": ringout.jwt}
        login = http.post("/restapi/oauth/token", data=grant, auth=(ringout.client_id, ringout.client_secret))
        http.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        call_id = http.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}}).json()["id"]
        for _ in range(55):  # the Light group allows 50 a minute: 5 answers are 429
            http.get(f"{RINGOUT}/{call_id}")


def test_does_nothing(ringout):
    pass
"""


def test_readiness_under_xdist_reports_per_worker(
    pytester: pytest.Pytester, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each worker judges its own account: the one that polled too fast is "not ready", and the
    session fails for it although every test passed."""
    result = _run(
        pytester,
        monkeypatch,
        "-n",
        "2",
        "--dist=each",
        f"--ringout-url={server}",
        "--ringout-readiness",
        tests=TOO_FAST,
    )
    result.assert_outcomes(passed=4)  # --dist=each: both workers run both tests
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*RingOut emulator: production readiness (worker gw0): not ready*"])
    result.stdout.fnmatch_lines(["*RingOut emulator: production readiness (worker gw1): not ready*"])
    result.stdout.fnmatch_lines(["*polled ring-out status 55 times in 60 s: Light limit 50*"])
