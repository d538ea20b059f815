"""uvicorn's access log without secrets: each line's query string is masked the way the request
journal masks it (``?access_token=***``), by a filter on the ``uvicorn.access`` logger. uvicorn
logs a WebSocket's handshake (``"WebSocket /ws?access_token=..." [accepted]``, with the ws token
and ``wsc``) on ``uvicorn.error`` instead: the same filter masks those lines there, and only those."""

from __future__ import annotations

import logging

from emulator.api.masking import masked_query

ACCESS_LOGGER = "uvicorn.access"
ERROR_LOGGER = "uvicorn.error"
WEBSOCKET_LINE = '%s - "WebSocket %s"'  # how uvicorn's WebSocket protocols begin their handshake lines


def masked_target(value: object) -> object:
    """``/path?token=x&a=1`` -> ``/path?token=***&a=1``; anything else unchanged."""
    if not isinstance(value, str) or "?" not in value:
        return value
    path, _, query = value.partition("?")
    return f"{path}?{masked_query(query)}"


class MaskSecrets(logging.Filter):
    def __init__(self, prefix: str = "") -> None:
        super().__init__()
        self.prefix = prefix  # mask only the records whose format starts so

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and str(record.msg).startswith(self.prefix):
            record.args = tuple(masked_target(arg) for arg in record.args)
        return True


def mask_access_log() -> None:
    """Install the filters (once, however many servers a process starts)."""
    for name, prefix in ((ACCESS_LOGGER, ""), (ERROR_LOGGER, WEBSOCKET_LINE)):
        logger = logging.getLogger(name)
        if not any(isinstance(existing, MaskSecrets) for existing in logger.filters):
            logger.addFilter(MaskSecrets(prefix))
