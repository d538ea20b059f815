"""Real clock: the app's lifespan runs one scheduler task that wakes at the next due event (here
a clock 1,000 times faster than the wall, so the 39 s call lasts 39 ms); without the lifespan
nothing but requests delivers (the manual clock never needs it)."""

from __future__ import annotations

import asyncio
import threading

from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.core.call import ClockMode
from emulator.core.sessions import telephony_session_id
from emulator.settings import Settings
from tests.api.control_helpers import ringout
from tests.api.subscription_helpers import mount, subscribe
from tests.eventually import eventually


def test_the_scheduler_delivers_on_the_real_clock() -> None:
    app = create_app(Settings(clock="real", speed=1000, auth="lenient"))
    with TestClient(app, headers={"Authorization": "Bearer any"}) as client:
        receiver = mount(client)
        subscribe(client)
        session = telephony_session_id(ringout(client).json()["id"])
        assert receiver.wait_until(lambda r: r.disconnected(session))
        assert [s[2] for s in receiver.statuses(session)] == [
            "Proceeding", "Answered", "Proceeding", "Answered", "Disconnected", "Disconnected",
        ]  # fmt: skip


def test_the_scheduler_stops_with_the_app() -> None:
    app = create_app(Settings(clock="real", auth="lenient"))
    with TestClient(app):
        pass  # the lifespan's exit cancelled the task and waited for it: no warning, no error


def test_switching_to_the_real_clock_wakes_the_scheduler() -> None:
    app = create_app(Settings(clock="manual", auth="lenient"))
    with TestClient(app, headers={"Authorization": "Bearer any"}) as client:
        receiver = mount(client)
        subscribe(client)
        session = telephony_session_id(ringout(client).json()["id"])
        assert client.put("/__emulator/clock", json={"mode": "real", "speed": 1000}).status_code == 200
        assert receiver.wait_until(lambda r: r.disconnected(session), timeout=3)  # well under the 5 s idle look


def test_the_scheduler_delivers_for_a_created_account_on_its_own_real_clock() -> None:
    """The global namespace on a manual clock, a created account switched to a fast real one: the
    scheduler serves the account's due events (its clock is the one that runs)."""
    app = create_app(Settings(clock="manual", auth="lenient"))
    with TestClient(app) as client:
        receiver = mount(client)
        account = client.post("/__emulator/accounts").json()
        client.headers["Authorization"] = f"Bearer emu-at-{account['id']}.lenient"  # names the account
        subscribe(client)
        session = telephony_session_id(ringout(client).json()["id"])
        scoped = {"X-Emulator-Account": account["id"]}
        switched = client.put("/__emulator/clock", json={"mode": "real", "speed": 1000}, headers=scoped)
        assert switched.status_code == 200, switched.text
        assert receiver.wait_until(lambda r: r.disconnected(session), timeout=3)
        assert client.get("/__emulator/clock").json()["mode"] == "manual"
        assert client.get("/__emulator/deliveries", headers=scoped).json()["count"] == 7  # handshake + 6 events


def test_a_request_wakes_the_real_clock_task_only_for_a_moment_sooner_than_it_planned() -> None:
    """A status read on a call with subscribers used to wake the task on every request (a task
    switch and a pass over every namespace); now only a moment earlier than the planned one does."""
    app = create_app(Settings(clock="real", auth="lenient"))
    engine, emulator = app.deliveries, app.namespaces.global_
    wakeup = engine.wakeup_event()
    engine.wake_if_sooner(emulator, 100.0)
    assert wakeup.is_set()  # nothing planned for this namespace yet (a pass has not looked at it)
    wakeup.clear()
    engine.planned = {None: 100.0}
    engine.wake_if_sooner(emulator, 100.0)
    engine.wake_if_sooner(emulator, 150.0)
    assert not wakeup.is_set()  # what it planned for comes first anyway
    engine.wake_if_sooner(emulator, 99.5)
    assert wakeup.is_set()
    wakeup.clear()
    emulator.clock.switch(ClockMode.MANUAL)
    engine.planned = {}
    engine.wake_if_sooner(emulator, 1.0)
    assert not wakeup.is_set()  # the manual clock never depends on the task


def test_the_scheduler_notes_the_moment_it_sleeps_until() -> None:
    app = create_app(Settings(clock="real", auth="lenient"))
    emulator = app.namespaces.global_
    with TestClient(app, headers={"Authorization": "Bearer any"}) as client:
        mount(client)
        subscribe(client)
        ringout(client)  # a 39 s call on a clock at the wall's speed: its next event is seconds away
        assert eventually(lambda: app.deliveries.planned.get(None) == emulator.next_event_due())
        assert emulator.next_event_due() is not None


def test_one_task_however_many_servers_run_the_lifespan_and_any_thread_wakes_it() -> None:
    """The pytest plugin serves one app from its test client and from a socket server, both running
    its lifespan: one real-clock task runs (in the first one's loop), and a request on the other
    server's thread wakes it at once (``call_soon_threadsafe``), not at its idle look."""
    app = create_app(Settings(clock="real", auth="lenient"))
    engine = app.deliveries
    with TestClient(app), TestClient(app):
        assert engine.scheduled
        wakeup = engine.wakeup_event()  # made in this (loop-less) thread: set directly
        engine.wake()
        assert wakeup.is_set()
    assert not engine.scheduled
    woken = threading.Event()

    async def scheduler() -> None:
        wakeup = engine.wakeup_event()
        ready.set()
        await asyncio.wait_for(wakeup.wait(), 5)
        woken.set()

    ready = threading.Event()
    thread = threading.Thread(target=asyncio.run, args=(scheduler(),))
    thread.start()
    assert ready.wait(5)
    engine.wake()  # from this thread: the event's loop is another one
    thread.join(5)
    assert woken.is_set()
    engine.stop_waking()
    engine.wake()  # nothing to wake, no error (its loop is closed)
