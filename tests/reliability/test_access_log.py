"""uvicorn's access log of ``python -m emulator`` (log level info) never shows a secret query
parameter in clear: the value is ``***``, as in the request journal."""

from __future__ import annotations

import re
import signal

import httpx

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
