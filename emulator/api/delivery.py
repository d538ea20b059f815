"""The delivery engine (the impure half of the event engine): ``pump`` takes every due notice
from the ``Emulator``, builds each payload once (``api/notifications``), wraps it in the envelope
of each subscription it goes to, and hands it to that subscription's transport (a ``Sink``: the
webhook one now, a WebSocket one later), recording every attempt in the delivery log and telling
the emulator how it went (blacklisting).

Order: one lane per (subscription, telephony session or presence owner) delivers its events in
order; lanes run concurrently, at most ``webhook_concurrency`` attempts in flight."""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack, suppress
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic_core import to_json
from starlette.requests import Request

from emulator.api.deliveries import Delivery, DeliveryLog
from emulator.api.notifications import envelope, notice_body
from emulator.core.call import ClockMode
from emulator.core.emulator import Emulator
from emulator.core.events import PartyEvent
from emulator.core.notifier import Notice
from emulator.core.sessions import telephony_session_id
from emulator.core.subscriptions import ACTIVE, Subscription
from emulator.settings import Settings


@dataclass(frozen=True, slots=True)
class Job:
    """One notification for one subscription: the envelope, serialised once."""

    subscription: Subscription
    event: str
    body: bytes
    uuid: str
    session: str | None
    sequence: int


Outcome = tuple[int | None, str | None]  # (status code if any, error if the attempt failed)
Send = Callable[[Job], Awaitable[Outcome]]


class Sink(Protocol):
    """A transport: ``batch()`` opens what one pump's deliveries share (a connection pool, ...)
    and yields the function that delivers one job."""

    def batch(self) -> AbstractAsyncContextManager[Send]: ...


class DeliveryEngine:
    def __init__(self, settings: Settings, sinks: Mapping[str, Sink]) -> None:
        self.settings = settings
        self.sinks = dict(sinks)
        self.log = DeliveryLog(settings.delivery_log_size)
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._wakeup_loop: asyncio.AbstractEventLoop | None = None
        self.scheduled = False  # a real-clock task runs for this app (one, however many servers serve it)
        # namespace -> the next due moment the real-clock task planned to wake for (inf: none), as of
        # its last pass; a namespace missing has not been looked at since (or is not on the real clock)
        self.planned: dict[str | None, float] = {}
        self._chaos = random.Random(settings.seed)  # out-of-order and duplicate deliveries, when asked

    def wakeup_event(self) -> asyncio.Event:
        """The event the real-clock scheduler waits on (made in its own loop)."""
        self._wakeup, self._wakeup_loop = asyncio.Event(), running_loop()
        return self._wakeup

    def stop_waking(self) -> None:
        """The scheduler ended (its loop may close): nothing to wake."""
        self._wakeup = self._wakeup_loop = None

    def wake(self) -> None:
        """Wake the scheduler, from its own loop or another thread's: the pytest plugin serves one app
        from its test client's loop (where the scheduler runs) and from a socket server's, whose
        requests (the SDKs') must wake it too, not leave it to its idle look."""
        wakeup, loop = self._wakeup, self._wakeup_loop
        if wakeup is None:
            return
        if loop is None or loop is running_loop():
            wakeup.set()
            return
        with suppress(RuntimeError):  # its loop closed meanwhile
            loop.call_soon_threadsafe(wakeup.set)

    def wake_if_sooner(self, emulator: Emulator, due: float) -> None:
        """``due`` is the namespace's next moment now: wake the real-clock task only if it planned
        to sleep past it (a new call's first event, say). A read changes nothing it planned, and the
        manual and poll clocks never need it: one comparison per request, not a task switch."""
        if emulator.clock.mode is not ClockMode.REAL:
            return
        planned = self.planned.get(emulator.namespace)
        if planned is None or due < planned:
            self.wake()

    async def pump(self, emulator: Emulator) -> int:
        """Deliver every notice due now, in order; the number of deliveries attempted."""
        async with self._loop_lock():
            total = 0
            while notices := emulator.due_notices():  # on the real clock a slow batch lets more become due
                lanes = self._lanes(emulator, notices)
                total += sum(len(jobs) for jobs in lanes.values())
                await self._run(emulator, lanes)
                if emulator.clock.mode is not ClockMode.REAL:
                    break
        self.wake()  # the real-clock task recomputes its next moment (the clock may have switched)
        return total

    def record(
        self,
        emulator: Emulator,
        kind: str,
        transport: str,
        address: str,
        job: Job | None,
        outcome: Outcome,
        started: float,
    ) -> None:
        log = self.log
        subscription_id, event, uuid, session, sequence = (
            (job.subscription.id, job.event, job.uuid, job.session, job.sequence)
            if job
            else (None, None, None, None, None)
        )
        status, error = outcome
        log.add(
            Delivery(
                log.next_seq(), emulator.clock.now(), kind, transport, subscription_id, address, event, uuid,
                session, sequence, status, (time.perf_counter() - started) * 1000, error, emulator.namespace,
            )
        )  # fmt: skip

    def _lanes(self, emulator: Emulator, notices: list[Notice]) -> dict[tuple[str, str], list[Job]]:
        lanes: dict[tuple[str, str], list[Job]] = defaultdict(list)
        for notice in notices:
            bodies: dict[bool, dict[str, Any]] = {}
            party = isinstance(notice.event, PartyEvent)
            session = telephony_session_id(notice.call.id) if party else None
            sequence = notice.event.sequence if isinstance(notice.event, PartyEvent) else notice.presence_sequence
            for subscription, event_filter in notice.targets:
                if event_filter.detailed not in bodies:
                    bodies[event_filter.detailed] = notice_body(notice, event_filter.detailed)
                uuid = emulator.notification_uuid()
                sent = envelope(uuid, subscription, event_filter, bodies[event_filter.detailed], emulator.clock.now())
                job = Job(subscription, event_filter.text, to_json(sent), uuid, session, sequence)
                lanes[(subscription.id, session or f"presence:{notice.call.extension_id}")].append(job)
        return {key: self._disorder(jobs) for key, jobs in lanes.items()}

    def _disorder(self, jobs: list[Job]) -> list[Job]:
        """The options the platform's own behaviour suggests (off by default, seeded): events out
        of ``sequence`` order (documented), some sent twice (same ``uuid``)."""
        settings, chaos = self.settings, self._chaos
        if settings.webhook_duplicate_rate:
            jobs = [
                copy
                for job in jobs
                for copy in ([job, job] if chaos.random() < settings.webhook_duplicate_rate else [job])
            ]
        if settings.webhook_shuffle:
            chaos.shuffle(jobs)
        return jobs

    async def _run(self, emulator: Emulator, lanes: dict[tuple[str, str], list[Job]]) -> None:
        gate = asyncio.Semaphore(self.settings.webhook_concurrency)
        used = {jobs[0].subscription.transport for jobs in lanes.values() if jobs}
        async with AsyncExitStack() as stack:
            senders = {name: await stack.enter_async_context(self.sinks[name].batch()) for name in used}

            async def lane(jobs: list[Job]) -> None:
                for job in jobs:
                    async with gate:
                        if self.settings.webhook_delay_seconds:
                            await asyncio.sleep(self.settings.webhook_delay_seconds)
                        await self._deliver(emulator, senders[job.subscription.transport], job)

            await asyncio.gather(*(lane(jobs) for jobs in lanes.values()))

    async def _deliver(self, emulator: Emulator, send: Send, job: Job) -> None:
        subscription = job.subscription
        if subscription.status != ACTIVE or not emulator.is_subscribed(subscription.id):
            return  # blacklisted earlier in this batch, or deleted (or reset) meanwhile
        started = time.perf_counter()
        outcome = await send(job)
        emulator.record_delivery(subscription, outcome[1] is None, outcome[1] or "")
        self.record(emulator, "notification", subscription.transport, subscription.address, job, outcome, started)

    def _loop_lock(self) -> asyncio.Lock:
        """One lock per event loop (a TestClient without ``with`` runs each request on a new one)."""
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The loop running this code, or None outside one."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def engine_of(request: Request) -> DeliveryEngine:
    engine: DeliveryEngine = request.app.deliveries  # a plain attribute: read on every RingOut request
    return engine


async def deliver_due(request: Request, emulator: Emulator) -> None:
    """After a request that may have made events due (a call created, read in poll mode,
    cancelled, forced): deliver them before answering (``pump`` then wakes the real-clock task);
    else tell that task if something is due sooner than it planned. Without subscriptions: one
    heap peek."""
    due = emulator.next_event_due()
    if due is None:
        return
    engine = engine_of(request)
    if due <= emulator.clock.now():
        await engine.pump(emulator)
    else:
        engine.wake_if_sooner(emulator, due)
