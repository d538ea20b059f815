"""The webhook transport (the only impure part of the event engine): the ``Validation-Token``
handshake, deliveries over httpx with timeouts and bounded concurrency, the delivery log, and
``pump``, which takes every due notice from the ``Emulator`` and delivers it before returning.

Order: one lane per (subscription, telephony session or presence owner) delivers its events in
order; lanes run concurrently, at most ``webhook_concurrency`` requests in flight. ``mount``
routes an address prefix to another httpx transport (the pytest plugin's in-process delivery to
an ASGI app). A new ``AsyncClient`` per pump (sharing one TLS context): Starlette's TestClient
may run each request on its own event loop, and pooled connections must not outlive theirs."""

from __future__ import annotations

import asyncio
import random
import ssl
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic_core import to_json
from starlette.requests import Request

from emulator.api.deliveries import Delivery, DeliveryLog
from emulator.api.notifications import envelope, notice_body
from emulator.core.call import ClockMode
from emulator.core.emulator import Emulator
from emulator.core.errors import (
    EmulatorError,
    HttpsRequired,
    ValidationTokenNotReturned,
    WebhookInvalidResponse,
    WebhookNotReachable,
)
from emulator.core.events import PartyEvent
from emulator.core.sessions import telephony_session_id
from emulator.core.subscriptions import ACTIVE, Subscription
from emulator.settings import Settings

USER_AGENT = "RingCentral-Webhook/8.3"
CONTENT_TYPE = "application/json; charset=UTF-8"
HANDSHAKE_LIMIT = 1024  # bytes of status line, headers and body a handshake answer may have
TRANSPORT = "WebHook"


@dataclass(frozen=True, slots=True)
class Job:
    subscription: Subscription
    event: str
    body: bytes
    uuid: str
    session: str | None
    sequence: int


class Webhooks:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.log = DeliveryLog(settings.delivery_log_size)
        self._mounts: dict[str, httpx.AsyncBaseTransport] = {}
        self._tls = ssl.create_default_context()
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._chaos = random.Random(settings.seed)  # out-of-order and duplicate deliveries, when asked

    def wakeup_event(self) -> asyncio.Event:
        """The event the real-clock scheduler waits on (made in its own loop)."""
        self._wakeup = asyncio.Event()
        return self._wakeup

    def wake(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()

    def mount(self, prefix: str, transport: httpx.AsyncBaseTransport) -> None:
        """Deliver to addresses starting with ``prefix`` (``http://app.test``) through ``transport``."""
        self._mounts[prefix] = transport

    def _client(self, timeout: float) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=self.settings.webhook_concurrency)
        mounts = {prefix: transport for prefix, transport in self._mounts.items()}
        return httpx.AsyncClient(verify=self._tls, timeout=timeout, limits=limits, mounts=mounts, trust_env=False)

    # --- the handshake ----------------------------------------------------------------------

    async def handshake(self, emulator: Emulator, address: str) -> None:
        """POST an empty JSON body with ``Validation-Token``: the receiver must answer 200 within
        the timeout, echo the header, and keep its answer within 1024 bytes (400 SUB-52x)."""
        if self.settings.require_https and not address.lower().startswith("https://"):
            raise HttpsRequired()
        token = emulator.validation_token()
        headers = {"Validation-Token": token, "Content-Type": "application/json", "User-Agent": USER_AGENT}
        started = time.perf_counter()
        try:
            async with self._client(self.settings.handshake_timeout) as client:
                status, size, echoed = await _answer(client, address, headers)
        except Exception as exc:  # whatever a receiver (or an in-process app) raises is a failed attempt
            self._record(emulator, "handshake", None, address, None, started, _reason(exc))
            raise WebhookNotReachable() from None
        problem: EmulatorError | None = None
        if status != 200 or size > HANDSHAKE_LIMIT:
            problem = WebhookInvalidResponse()
        elif echoed != token:
            problem = ValidationTokenNotReturned()
        self._record(
            emulator, "handshake", None, address, status, started, None if problem is None else problem.message
        )
        if problem is not None:
            raise problem

    # --- deliveries -------------------------------------------------------------------------

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

    def _lanes(self, emulator: Emulator, notices: list[Any]) -> dict[tuple[str, str], list[Job]]:
        lanes: dict[tuple[str, str], list[Job]] = defaultdict(list)
        for notice in notices:
            bodies: dict[bool, Any] = {}
            party = isinstance(notice.event, PartyEvent)
            session = telephony_session_id(notice.call.id) if party else None
            sequence = notice.event.sequence if party else notice.presence_sequence
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
        async with self._client(self.settings.webhook_timeout) as client:

            async def lane(jobs: list[Job]) -> None:
                for job in jobs:
                    async with gate:
                        if self.settings.webhook_delay_seconds:
                            await asyncio.sleep(self.settings.webhook_delay_seconds)
                        await self._deliver(emulator, client, job)

            await asyncio.gather(*(lane(jobs) for jobs in lanes.values()))

    async def _deliver(self, emulator: Emulator, client: httpx.AsyncClient, job: Job) -> None:
        subscription = job.subscription
        if subscription.status != ACTIVE or not emulator.is_subscribed(subscription.id):
            return  # blacklisted earlier in this batch, or deleted (or reset) meanwhile
        headers = {"Content-Type": CONTENT_TYPE, "User-Agent": USER_AGENT, "Accept": "application/json"}
        if subscription.verification_token:
            headers["Verification-Token"] = subscription.verification_token
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            response = await client.post(subscription.address, content=job.body, headers=headers)
            status = response.status_code
            if not 200 <= status < 300:
                error = f"Webhook responses with code: [{status}], reason: [{response.reason_phrase}]"
        except Exception as exc:  # whatever a receiver (or an in-process app) raises is a failed attempt
            error = _reason(exc)
        emulator.record_delivery(subscription, error is None, error or "")
        self._record(emulator, "notification", job, subscription.address, status, started, error)

    def _record(
        self,
        emulator: Emulator,
        kind: str,
        job: Job | None,
        address: str,
        status: int | None,
        started: float,
        error: str | None,
    ) -> None:
        log = self.log
        subscription_id, event, uuid, session, sequence = (
            (job.subscription.id, job.event, job.uuid, job.session, job.sequence)
            if job
            else (None, None, None, None, None)
        )
        log.add(
            Delivery(
                log.next_seq(), emulator.clock.now(), kind, TRANSPORT, subscription_id, address, event, uuid,
                session, sequence, status, (time.perf_counter() - started) * 1000, error,
            )
        )  # fmt: skip

    def _loop_lock(self) -> asyncio.Lock:
        """One lock per event loop (a TestClient without ``with`` runs each request on a new one)."""
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock


async def _answer(client: httpx.AsyncClient, address: str, headers: dict[str, str]) -> tuple[int, int, str | None]:
    """(status, size of the whole answer up to just past the limit, the echoed token)."""
    async with client.stream("POST", address, content=b"", headers=headers) as response:
        size = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n")
        size += sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > HANDSHAKE_LIMIT:
                break
        return response.status_code, size, response.headers.get("validation-token")


def webhooks_of(request: Request) -> Webhooks:
    webhooks: Webhooks = request.app.state.webhooks
    return webhooks


async def deliver_due(request: Request, emulator: Emulator) -> None:
    """After a request that may have made events due (a call created, read in poll mode,
    cancelled, forced): deliver them before answering. Without subscriptions: one heap peek."""
    due = emulator.next_event_due()
    if due is None:
        return
    webhooks = webhooks_of(request)
    if due <= emulator.clock.now():
        await webhooks.pump(emulator)
    webhooks.wake()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "I/O operation is failed. Details: [Read timed out]"
    return f"I/O operation is failed. Details: [{type(exc).__name__}: {exc}]"[:500]
