"""1,000 connections that never send a byte do not starve real clients of ``python -m emulator``,
even started with the common soft limit of 1,024 open files (it raises its own and says so)."""

from __future__ import annotations

import resource
import select
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RINGOUT, SEED_SAMPLE
from tests.reliability.process import running_emulator
from tests.reliability.raw_http import RawConnection

IDLE = 1_000
REAL = 50
SOFT_LIMIT = 1024  # what many shells and CI runners start with
RAISED = "ringout-emulator: raised the open-file limit (RLIMIT_NOFILE) from 1024 to 2064 for max_connections 2000\n"


@pytest.fixture
def room_for_the_sockets() -> Iterator[None]:
    """This process holds the 1,000 client ends: its own soft limit must allow that."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 2_100  # the clients here, and the server's 2,064 (its hard limit is this one's)
    if hard != resource.RLIM_INFINITY and hard < needed:
        pytest.skip(f"the hard open-file limit is {hard}, under {needed}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, needed), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def low_soft_limit() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (SOFT_LIMIT, hard))


@pytest.mark.usefixtures("room_for_the_sockets")
def test_real_clients_are_served_with_1000_idle_sockets_open() -> None:
    args = (
        "--auth",
        "lenient",
        "--clock",
        "manual",
        "--idle-timeout",
        "60",
        "--log-level",
        "warning",
        "--rate-limits",
        "off",
    )
    with running_emulator(*args, preexec_fn=low_soft_limit) as emulator:
        idle = [RawConnection(emulator.port) for _ in range(IDLE)]
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{emulator.port}", headers={"Authorization": "Bearer x"}) as c:
                created = [c.post(RINGOUT, json=SEED_SAMPLE) for _ in range(REAL)]
                fresh = [httpx.get(f"http://127.0.0.1:{emulator.port}/__emulator/ready") for _ in range(REAL)]
            assert [r.status_code for r in created] == [200] * REAL
            assert [r.status_code for r in fresh] == [200] * REAL
            readable = select.select([conn.sock for conn in idle], [], [], 0)[0]
            assert readable == []  # none refused, none closed
        finally:
            for conn in idle:
                conn.sock.close()
        log = emulator.log()
    assert RAISED in log
