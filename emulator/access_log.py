"""uvicorn's logs without secrets: each access line's query string is masked the way the request
journal masks it (``?access_token=***``), by a filter on the ``uvicorn.access`` logger; so are
the WebSocket handshake lines uvicorn writes to ``uvicorn.error`` (``"WebSocket /ws?access_token=…"``)
and, at ``--log-level trace``, the ``query_string`` of each scope ``uvicorn.asgi`` prints."""

from __future__ import annotations

import logging

from emulator.api.masking import masked_query

ACCESS_LOGGER = "uvicorn.access"
ERROR_LOGGER = "uvicorn.error"  # where uvicorn logs a WebSocket handshake, with its path and query
ASGI_LOGGER = "uvicorn.asgi"  # --log-level trace: every scope, query_string included
WEBSOCKET_LINE = '"WebSocket %s"'  # uvicorn's format for a handshake line (accepted, 403, or a status)


def masked_target(value: object) -> object:
    """``/path?token=x&a=1`` -> ``/path?token=***&a=1``; anything else unchanged."""
    if not isinstance(value, str) or "?" not in value:
        return value
    path, _, query = value.partition("?")
    return f"{path}?{masked_query(query)}"


def masked_scope(value: object) -> object:
    """An ASGI scope as uvicorn's trace logs it, its ``query_string`` masked; anything else unchanged."""
    if not isinstance(value, dict) or not isinstance(value.get("query_string"), bytes):
        return value
    query = masked_query(value["query_string"].decode("latin-1")).encode("latin-1")
    return {**value, "query_string": query}


class MaskSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(masked_target(arg) for arg in record.args)
        return True


class MaskWebSocketSecrets(logging.Filter):
    """Only uvicorn's handshake lines: the error logger's other messages are left as they are."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and isinstance(record.msg, str) and WEBSOCKET_LINE in record.msg:
            record.args = tuple(masked_target(arg) for arg in record.args)
        return True


class MaskScopeSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(masked_scope(arg) for arg in record.args)
        return True


FILTERS: dict[str, type[logging.Filter]] = {
    ACCESS_LOGGER: MaskSecrets,
    ERROR_LOGGER: MaskWebSocketSecrets,
    ASGI_LOGGER: MaskScopeSecrets,
}


def mask_access_log() -> None:
    """Install the filters (once, however many servers a process starts)."""
    for name, kind in FILTERS.items():
        logger = logging.getLogger(name)
        if not any(isinstance(existing, kind) for existing in logger.filters):
            logger.addFilter(kind())
