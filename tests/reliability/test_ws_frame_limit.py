"""A WebSocket message past ``WS_MAX_FRAME`` closes the socket (1009) before it is buffered."""

from __future__ import annotations

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from emulator.app import create_app
from emulator.server import WS_MAX_FRAME, EmulatorServer
from emulator.settings import Settings


def test_a_websocket_message_over_the_cap_closes_the_socket_with_1009() -> None:
    app = create_app(Settings(clock="manual", auth="lenient", rate_limits="off"))
    with EmulatorServer(app) as server:
        ws = httpx.post(f"{server.url}/restapi/oauth/wstoken", headers={"Authorization": "Bearer x"}).json()
        with connect(f"{ws['uri']}?access_token={ws['ws_access_token']}", open_timeout=5, max_size=None) as sock:
            sock.recv(timeout=5)  # ConnectionDetails
            sock.send("[" + " " * (WS_MAX_FRAME + 1) + "]")
            with pytest.raises(ConnectionClosed) as closed:
                sock.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        assert httpx.get(f"{server.url}/__emulator/health").status_code == 200
