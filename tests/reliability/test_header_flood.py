"""64 requests with a 16 MiB header each, at once, against ``python -m emulator``: each is answered
431 ``CMN-431`` once its head passes ``max_header_bytes`` (32 KiB), long before the client is done
sending, and the server's memory stays flat (it used to hold 1.4 GiB)."""

from __future__ import annotations

import select

from tests.reliability.process import running_emulator
from tests.reliability.raw_http import HEALTH, RawConnection, error_json

FLOOD = 64
HEADER_BYTES = 16 * 1024 * 1024
CHUNK = b"b" * (64 * 1024)
HEAD = b"GET /__emulator/health HTTP/1.1\r\nHost: emulator\r\nX-Big: "
MAX_GROWTH_KIB = 10 * 1024


def flood(conns: list[RawConnection]) -> list[int]:
    """Send each connection its header a chunk at a time, round-robin, until the server answers it
    (it is readable) or all 16 MiB are sent; the bytes sent on each."""
    sent = [0] * len(conns)
    answered: set[int] = set()
    for conn in conns:
        conn.send(HEAD)
    while len(answered) < len(conns):
        for n, conn in enumerate(conns):
            if n in answered:
                continue
            if sent[n] >= HEADER_BYTES or select.select([conn.sock], [], [], 0)[0]:
                answered.add(n)
                continue
            conn.send(CHUNK)
            sent[n] += len(CHUNK)
    return sent


def vm(status: str, field: str) -> int:
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith(f"{field}:"))


def test_64_requests_with_16_mib_headers_get_431_and_rss_stays_flat() -> None:
    with running_emulator("--log-level", "error") as emulator:
        with RawConnection(emulator.port) as warm:  # one of each, so what is built lazily is built
            warm.send(HEALTH)
            assert warm.response().status_line == "HTTP/1.1 200 OK"
        with RawConnection(emulator.port) as warm:
            warm.send(HEAD + CHUNK)
            assert warm.response().status_line == "HTTP/1.1 431 Request Header Fields Too Large"
        status = f"/proc/{emulator.proc.pid}/status"
        with open(status) as before_file:
            before = before_file.read()
        conns = [RawConnection(emulator.port) for _ in range(FLOOD)]
        try:
            sent = flood(conns)
            responses = [conn.response() for conn in conns]
            for conn in conns:
                assert conn.closed_within(5) < 5
        finally:
            for conn in conns:
                conn.sock.close()
        with open(status) as after_file:
            after = after_file.read()
    assert {r.status_line for r in responses} == {"HTTP/1.1 431 Request Header Fields Too Large"}
    assert {r.headers["connection"] for r in responses} == {"close"}
    assert all(r.json() == error_json("CMN-431", "Request header fields too large") for r in responses)
    assert max(sent) < HEADER_BYTES  # answered mid-header, not after the client gave up
    assert vm(after, "VmRSS") - vm(before, "VmRSS") < MAX_GROWTH_KIB, (vm(before, "VmRSS"), vm(after, "VmRSS"))
    assert vm(after, "VmHWM") - vm(before, "VmHWM") < MAX_GROWTH_KIB  # not even for a moment
