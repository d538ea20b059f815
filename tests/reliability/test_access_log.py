"""uvicorn's access log of ``python -m emulator`` (log level info) never shows a secret query
parameter in clear: the value is ``***``, as in the request journal."""

from __future__ import annotations

import asyncio
import re
import signal

import httpx
import websockets

from tests.reliability.process import running_emulator

SECRETS = {"access_token": "at-s3cret-1", "token": "tk-s3cret-2", "client_secret": "cs-s3cret-3"}


def test_secret_query_parameters_are_masked_in_the_access_log() -> None:
    with running_emulator("--log-level", "info") as emulator:
        base = f"http://127.0.0.1:{emulator.port}"
        health = httpx.get(f"{base}/__emulator/health", params={"access_token": SECRETS["access_token"], "a": "1"})
        revoke = httpx.post(f"{base}/restapi/oauth/revoke", params={"token": SECRETS["token"]})
        login = httpx.post(
            f"{base}/restapi/oauth/token?client_secret={SECRETS['client_secret']}&grant_type=password", data={}
        )
        lines = [
            emulator.wait_for(r'"GET /__emulator/health\?').string,
            emulator.wait_for(r'"POST /restapi/oauth/revoke\?').string,
            emulator.wait_for(r'"POST /restapi/oauth/token\?').string,
        ]
        emulator.proc.send_signal(signal.SIGTERM)
        assert emulator.proc.wait(timeout=5) == 0
        log = emulator.log()
    client = r"INFO:     127\.0\.0\.1:\d+ - "
    assert re.fullmatch(
        client + rf'"GET /__emulator/health\?access_token=\*\*\*&a=1 HTTP/1\.1" {health.status_code} OK', lines[0]
    )
    assert re.fullmatch(
        client + rf'"POST /restapi/oauth/revoke\?token=\*\*\* HTTP/1\.1" {revoke.status_code} .*', lines[1]
    )
    assert re.fullmatch(
        client
        + rf'"POST /restapi/oauth/token\?client_secret=\*\*\*&grant_type=password HTTP/1\.1" {login.status_code} .*',
        lines[2],
    )
    for secret in SECRETS.values():
        assert secret not in log


def test_a_websocket_handshake_line_masks_the_ws_token_and_wsc() -> None:
    """uvicorn logs a WebSocket's handshake on ``uvicorn.error``, not the access log: the ws access
    token and the ``wsc`` recovery token were printed there in clear."""
    wsc = "w" * 32
    with running_emulator("--log-level", "info") as emulator:
        base = f"http://127.0.0.1:{emulator.port}"
        jwt = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "emulator-jwt"}
        login = httpx.post(
            f"{base}/restapi/oauth/token", data=jwt, auth=("emulator-client-id", "emulator-client-secret")
        )
        bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
        ws = httpx.post(f"{base}/restapi/oauth/wstoken", headers=bearer).json()

        async def connect() -> None:
            async with websockets.connect(f"{ws['uri']}?access_token={ws['ws_access_token']}&wsc={wsc}") as socket:
                await asyncio.wait_for(socket.recv(), 5)  # ConnectionDetails: the handshake is logged

        asyncio.run(connect())
        line = emulator.wait_for(r'"WebSocket /ws\?').string
        emulator.proc.send_signal(signal.SIGTERM)
        assert emulator.proc.wait(timeout=5) == 0
        log = emulator.log()
    assert re.fullmatch(
        r'INFO:     127\.0\.0\.1:\d+ - "WebSocket /ws\?access_token=\*\*\*&wsc=\*\*\*" \[accepted\]', line
    )
    assert ws["ws_access_token"] not in log
    assert wsc not in log


def test_a_websocket_access_token_is_masked_in_the_handshake_lines() -> None:
    """uvicorn logs each WebSocket handshake on ``uvicorn.error`` with its query: the token is ``***``
    there too, accepted or not (it printed ``"WebSocket /ws?access_token=<the token>" [accepted]``)."""
    from websockets.sync.client import connect

    with running_emulator("--log-level", "info", "--auth", "lenient") as emulator:
        ws = httpx.post(f"{emulator.url}/restapi/oauth/wstoken", headers={"Authorization": "Bearer any"}).json()
        with connect(f"{ws['uri']}?access_token={ws['ws_access_token']}&a=1", open_timeout=5) as socket_:
            socket_.recv(timeout=5)
        with connect(f"{ws['uri']}?access_token=ws-s3cret-bad", open_timeout=5) as socket_:
            socket_.recv(timeout=5)
        accepted = emulator.wait_for(r'"WebSocket /ws\?access_token=\*\*\*&a=1" \[accepted\]').string
        refused = emulator.wait_for(r'"WebSocket /ws\?access_token=\*\*\*" \[accepted\]').string
        emulator.proc.send_signal(signal.SIGTERM)
        assert emulator.proc.wait(timeout=5) == 0
        log = emulator.log()
    assert re.fullmatch(r'INFO:     127\.0\.0\.1:\d+ - "WebSocket /ws\?access_token=\*\*\*&a=1" \[accepted\]', accepted)
    assert refused.endswith('"WebSocket /ws?access_token=***" [accepted]')
    assert ws["ws_access_token"] not in log
    assert "ws-s3cret-bad" not in log


def test_trace_logs_mask_the_scope_query_string() -> None:
    """``--log-level trace`` prints each ASGI scope (``uvicorn.asgi``) with its ``query_string``: masked."""
    with running_emulator("--log-level", "trace") as emulator:
        httpx.post(f"{emulator.url}/restapi/oauth/token?client_secret=cs-s3cret-4&client_assertion=ca-s3cret-5")
        line = emulator.wait_for(r"ASGI \[\d+\] Started scope=.*'path': '/restapi/oauth/token'").string
        emulator.proc.send_signal(signal.SIGTERM)
        assert emulator.proc.wait(timeout=5) == 0
        log = emulator.log()
    assert "'query_string': b'client_secret=***&client_assertion=***'" in line
    assert "cs-s3cret-4" not in log
    assert "ca-s3cret-5" not in log
