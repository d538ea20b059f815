"""The webhook transport: the ``Validation-Token`` handshake and deliveries over httpx, with
timeouts. ``mount`` routes an address prefix to another httpx transport (the pytest plugin's
in-process delivery to an ASGI or WSGI app). A new ``AsyncClient`` per batch (sharing one TLS
context): Starlette's TestClient may run each request on its own event loop, and pooled
connections must not outlive theirs."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from starlette.requests import Request

from emulator.api.delivery import DeliveryEngine, Job, Outcome, Send, engine_of
from emulator.core.emulator import Emulator
from emulator.core.errors import (
    EmulatorError,
    HttpsRequired,
    ValidationTokenNotReturned,
    WebhookInvalidResponse,
    WebhookNotReachable,
)
from emulator.settings import Settings

if TYPE_CHECKING:  # httpx (and a TLS context) are loaded with the first webhook: start-up and memory stay lean
    import httpx

USER_AGENT = "RingCentral-Webhook/8.3"
CONTENT_TYPE = "application/json; charset=UTF-8"
HANDSHAKE_LIMIT = 1024  # bytes of status line, headers and body a handshake answer may have
TRANSPORT = "WebHook"


class WebhookSink:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._mounts: dict[str, httpx.AsyncBaseTransport] = {}
        self._tls: ssl.SSLContext | None = None

    def mount(self, prefix: str, transport: httpx.AsyncBaseTransport) -> None:
        """Deliver to addresses starting with ``prefix`` (``http://app.test``) through ``transport``."""
        self._mounts[prefix] = transport

    def _client(self, timeout: float) -> httpx.AsyncClient:
        import httpx

        if self._tls is None:
            self._tls = ssl.create_default_context()
        limits = httpx.Limits(max_connections=self.settings.webhook_concurrency)
        return httpx.AsyncClient(
            verify=self._tls, timeout=timeout, limits=limits, mounts=dict(self._mounts), trust_env=False
        )

    async def handshake(self, engine: DeliveryEngine, emulator: Emulator, address: str) -> None:
        """POST an empty JSON body with ``Validation-Token``: the receiver must answer 200 within
        the timeout, echo the header, and keep its answer within 1024 bytes (400 SUB-52x). The
        timeout bounds the whole exchange: httpx's own is per read, so a receiver dripping its
        answer a byte at a time would hold the create (and a delivery, the clock advance) open."""
        if self.settings.require_https and not address.lower().startswith("https://"):
            raise HttpsRequired()
        token = emulator.validation_token()
        headers = {"Validation-Token": token, "Content-Type": "application/json", "User-Agent": USER_AGENT}
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.settings.handshake_timeout):
                async with self._client(self.settings.handshake_timeout) as client:
                    status, size, echoed = await _answer(client, address, headers)
        except Exception as exc:  # whatever a receiver (or an in-process app) raises is a failed attempt
            engine.record(emulator, "handshake", TRANSPORT, address, None, (None, _reason(exc)), started)
            raise WebhookNotReachable() from None
        problem: EmulatorError | None = None
        if status != 200 or size > HANDSHAKE_LIMIT:
            problem = WebhookInvalidResponse()
        elif echoed != token:
            problem = ValidationTokenNotReturned()
        outcome = (status, None if problem is None else problem.message)
        engine.record(emulator, "handshake", TRANSPORT, address, None, outcome, started)
        if problem is not None:
            raise problem

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[Send]:
        async with self._client(self.settings.webhook_timeout) as client:

            async def send(job: Job) -> Outcome:
                subscription = job.subscription
                headers = {"Content-Type": CONTENT_TYPE, "User-Agent": USER_AGENT, "Accept": "application/json"}
                if subscription.verification_token:
                    headers["Verification-Token"] = subscription.verification_token
                try:  # the status line and headers are the answer: its body is never read (it may not end)
                    async with (
                        asyncio.timeout(self.settings.webhook_timeout),
                        client.stream("POST", subscription.address, content=job.body, headers=headers) as response,
                    ):
                        status, phrase = response.status_code, response.reason_phrase
                except Exception as exc:  # whatever a receiver (or an in-process app) raises is a failed attempt
                    return None, _reason(exc)
                if 200 <= status < 300:
                    return status, None
                return status, f"Webhook responses with code: [{status}], reason: [{phrase}]"

            yield send


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


def webhooks_of(request: Request) -> WebhookSink:
    webhooks: WebhookSink = request.app.state.webhooks
    return webhooks


async def handshake(request: Request, emulator: Emulator, address: str) -> None:
    await webhooks_of(request).handshake(engine_of(request), emulator, address)


def _reason(exc: BaseException) -> str:
    import httpx

    if isinstance(exc, (httpx.TimeoutException, TimeoutError)):
        return "I/O operation is failed. Details: [Read timed out]"
    return f"I/O operation is failed. Details: [{type(exc).__name__}: {exc}]"[:500]
