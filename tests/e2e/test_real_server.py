"""The seed's sample over a real socket: uvicorn on port 0, curl-like httpx calls, poll clock."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.conftest import SEED_SAMPLE

EXPECTED_POLLS = [
    {"callStatus": "InProgress", "callerStatus": "Success", "calleeStatus": "InProgress"},
    {"callStatus": "Success", "callerStatus": "Success", "calleeStatus": "Success"},
    {"callStatus": "Success", "callerStatus": "Finished", "calleeStatus": "Finished"},
]


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(create_app(Settings(clock="poll", auth="lenient"))) as running:
        yield running


@pytest.mark.parametrize("spelling", ["ring-out", "ringout"])
def test_seed_sample_to_finished_over_http(server: EmulatorServer, spelling: str) -> None:
    headers = {"Authorization": "Bearer any"}
    with httpx.Client(base_url=server.url, headers=headers) as http:
        created = http.post(f"/restapi/v1.0/account/~/extension/~/{spelling}", json=SEED_SAMPLE)
        assert created.status_code == 200
        assert created.headers["content-type"] == "application/json"
        body = created.json()
        call_id = body["id"]
        assert body == {
            "id": call_id,
            "uri": f"{server.url}/restapi/v1.0/account/400131560008/extension/400131560009/{spelling}/{call_id}",
            "status": {"callStatus": "InProgress", "callerStatus": "InProgress", "calleeStatus": "InProgress"},
        }
        seen = [
            http.get(f"/restapi/v1.0/account/~/extension/~/{spelling}/{call_id}").json()["status"] for _ in range(3)
        ]
        assert seen == EXPECTED_POLLS
        deleted = http.delete(f"/restapi/v1.0/account/~/extension/~/{spelling}/{call_id}")
        assert deleted.status_code == 204
        assert deleted.content == b""


def test_server_port_zero_gives_a_real_port(server: EmulatorServer) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    assert port > 0
    assert httpx.get(f"{server.url}/__emulator/health").json() == {"status": "ok"}
