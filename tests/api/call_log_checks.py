"""The official schemas as a response hook for the call-log routes (every API test client has it)."""

from __future__ import annotations

import email
import email.policy
import json
from typing import Any

import httpx

from tests.spec import assert_error_matches, assert_matches_spec2


def batch_parts(response: httpx.Response) -> list[Any]:
    raw = f"Content-Type: {response.headers['content-type']}\r\n\r\n".encode() + response.content
    message = email.message_from_bytes(raw, policy=email.policy.HTTP)
    assert message.is_multipart()
    parts = list(message.iter_parts())
    assert all(part.get_content_type() == "application/json" for part in parts)
    payloads = [part.get_payload(decode=True) for part in parts]
    assert all(isinstance(payload, bytes) for payload in payloads)
    return [json.loads(payload) for payload in payloads if isinstance(payload, bytes)]


def check_call_log_response(response: httpx.Response) -> None:
    """An httpx response hook: every call-log, active-calls and record answer against the official
    schemas (rc-official-subset-2), every error against ``ApiErrorResponseModel``."""
    path = response.request.url.path
    if not path.startswith("/restapi/") or ("/call-log" not in path and not path.endswith("/active-calls")):
        return
    response.read()
    if response.status_code == 200 and path.endswith(("/call-log", "/active-calls")):
        body = response.json()
        assert_matches_spec2("CallLogResponse", body)
        records = body["records"]
    elif response.status_code == 200:
        records = [response.json()]
    elif response.status_code == 207:
        records = [part for part in batch_parts(response)[1:] if "id" in part]
    else:
        assert response.headers["content-type"] == "application/json"
        assert_error_matches(response.json())
        return
    for record in records:
        assert_matches_spec2("CallLogRecord", record)
        for leg in record.get("legs", []):
            assert_matches_spec2("CallLogRecordLegInfo", leg)
