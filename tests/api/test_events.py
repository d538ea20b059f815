"""``GET /__emulator/events`` against a real server: what each change sends, the stream limit, the
control token, and that every stream ends when the server stops. Reads are bounded by httpx's
read timeout; nothing sleeps."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest
from starlette.requests import Request

from emulator.api.events import COST_SHARE, MAX_STREAMS, TICK_SECONDS, TOPICS, EventHub
from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.conftest import RINGOUT, SEED_SAMPLE
from tests.readme import block

EVERY_TOPIC = ["calls", "clock", "scenarios", "journal", "rate-limits", "deliveries", "faults", "call-log"]
READ_TIMEOUT = httpx.Timeout(5.0)


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(create_app(Settings(clock="manual", auth="lenient"))) as running:
        yield running


class Events:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.lines = response.iter_lines()

    def next_message(self) -> list[str]:
        """The next message's lines (up to the blank line that ends it)."""
        message: list[str] = []
        for line in self.lines:
            if line == "" and message:
                return message
            if line:
                message.append(line)
        raise AssertionError(f"the stream ended; last message so far: {message}")

    def next_topics(self) -> list[str]:
        message = self.next_message()
        assert message[0] == "event: change", message
        topics: list[str] = json.loads(message[1].removeprefix("data: "))["topics"]
        return topics


@contextmanager
def events(url: str, **headers: str) -> Iterator[Events]:
    with httpx.stream("GET", f"{url}/__emulator/events", headers=headers, timeout=READ_TIMEOUT) as response:
        assert response.status_code == 200, response.read()
        yield Events(response)


def test_the_stream_opens_with_every_topic_then_names_what_moved(server: EmulatorServer) -> None:
    control = httpx.Client(base_url=server.url, headers={"Authorization": "Bearer any"}, timeout=READ_TIMEOUT)
    with events(server.url) as stream:
        assert stream.response.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert stream.response.headers["cache-control"] == "no-store"
        assert stream.next_message() == ["retry: 1000"]
        assert stream.next_topics() == EVERY_TOPIC
        assert control.post("/__emulator/scenarios/queue", json={"scenario": "busy"}).status_code == 201
        assert stream.next_topics() == ["scenarios"]
        created = control.post(RINGOUT, json=SEED_SAMPLE)
        assert created.status_code == 200
        assert stream.next_topics() == ["calls", "scenarios", "journal", "rate-limits"]  # used the queued entry
        assert control.post("/__emulator/clock/advance", json={"seconds": 1}).status_code == 200
        assert stream.next_topics() == ["clock"]  # a busy call is over at once: nothing else moved
        assert control.delete("/__emulator/requests").status_code == 204
        assert stream.next_topics() == ["journal"]


def test_a_forced_leg_moves_the_calls_topic(server: EmulatorServer) -> None:
    control = httpx.Client(base_url=server.url, headers={"Authorization": "Bearer any"}, timeout=READ_TIMEOUT)
    call_id = control.post(RINGOUT, json=SEED_SAMPLE).json()["id"]
    with events(server.url) as stream:
        assert stream.next_message() == ["retry: 1000"]
        assert stream.next_topics() == EVERY_TOPIC
        forced = control.post(f"/__emulator/calls/{call_id}/legs/callee", json={"action": "answer"})
        assert forced.status_code == 200
        assert stream.next_topics() == ["calls"]


def test_past_the_limit_a_stream_is_refused_until_one_closes(server: EmulatorServer) -> None:
    with ExitStack() as stack:
        opened = [stack.enter_context(events(server.url)) for _ in range(MAX_STREAMS)]
        refused = httpx.get(f"{server.url}/__emulator/events", timeout=READ_TIMEOUT)
        assert refused.status_code == 503
        assert refused.json() == {
            "errorCode": "EMU-503",
            "message": "The emulator already serves 16 event streams (dashboards): close one and retry",
            "errors": [
                {
                    "errorCode": "EMU-503",
                    "message": "The emulator already serves 16 event streams (dashboards): close one and retry",
                }
            ],
        }
        assert opened[0].next_message() == ["retry: 1000"]
    with events(server.url) as again:  # every slot came back when the clients left
        assert again.next_message() == ["retry: 1000"]


def test_with_a_control_token_the_stream_needs_it() -> None:
    with EmulatorServer(create_app(Settings(clock="manual", control_token="s3cret"))) as locked:
        refused = httpx.get(f"{locked.url}/__emulator/events", timeout=READ_TIMEOUT)
        assert (refused.status_code, refused.json()["errorCode"]) == (401, "EMU-401")
        with events(locked.url, **{"X-Emulator-Control-Token": "s3cret"}) as stream:
            assert stream.next_message() == ["retry: 1000"]
        page = httpx.get(f"{locked.url}/__emulator/ui", timeout=READ_TIMEOUT)
        assert page.status_code == 200  # the page holds no data: it asks for the token itself


def test_stopping_the_server_ends_every_open_stream_at_once() -> None:
    server = EmulatorServer(create_app(Settings(clock="manual"))).start()
    with events(server.url) as stream:
        assert stream.next_message() == ["retry: 1000"]
        assert stream.next_topics() == EVERY_TOPIC
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 2
        assert list(stream.lines) == []  # ended by the server, not cut by a timeout


def test_the_digests_are_read_once_a_tick_for_every_stream_and_the_tick_stretches_with_their_cost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [100.0]
    reads: list[float] = []

    def slow_calls(request: Request) -> object:
        reads.append(now[0])
        now[0] += 0.2  # reading 10,000+ stored calls takes this long
        return len(reads)

    monkeypatch.setitem(TOPICS, "calls", slow_calls)
    hub = EventHub(clock=lambda: now[0])
    request = Request({"type": "http", "app": create_app(Settings(clock="manual"))})
    assert hub.tick == TICK_SECONDS
    first = hub.digests(request)
    assert hub.tick == pytest.approx(0.2 * COST_SHARE)  # reading takes a tenth of the time at most
    now[0] += hub.tick / 4
    assert hub.digests(request) is first  # another stream in the same tick: no second read
    now[0] += hub.tick / 4
    assert hub.digests(request)["calls"] == 2
    assert reads == [100.0, pytest.approx(100.0 + 0.2 + 2 * 0.5)]


def test_the_docs_example_is_what_a_created_call_sends() -> None:
    settings = Settings(clock="manual", auth="lenient", rate_limits="off")
    with EmulatorServer(create_app(settings)) as quiet, events(quiet.url) as stream:
        assert stream.next_message() == ["retry: 1000"]
        assert stream.next_topics() == EVERY_TOPIC
        created = httpx.post(f"{quiet.url}{RINGOUT}", json=SEED_SAMPLE, headers={"Authorization": "Bearer any"})
        assert created.status_code == 200
        assert stream.next_message() == block("events-change").splitlines()
