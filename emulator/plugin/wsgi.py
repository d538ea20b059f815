"""Delivery to a WSGI app (Flask, Django) from the emulator's async client, in-process."""

from __future__ import annotations

from typing import Any


def async_wsgi_transport(app: Any) -> Any:
    """A transport to a WSGI app for the emulator's async client (httpx is imported late)."""
    import anyio
    import httpx

    class AsyncWSGITransport(httpx.AsyncBaseTransport):
        """httpx's WSGI transport run in a worker thread, for the emulator's async client."""

        def __init__(self) -> None:
            self._wsgi = httpx.WSGITransport(app=app)

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            content = await request.aread()
            sync = httpx.Request(request.method, request.url, headers=request.headers, content=content)
            response = await anyio.to_thread.run_sync(self._wsgi.handle_request, sync)
            return httpx.Response(
                response.status_code, headers=response.headers, stream=httpx.ByteStream(response.read())
            )

    return AsyncWSGITransport()
