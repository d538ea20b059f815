"""uvicorn's access log without secrets: each line's query string is masked the way the request
journal masks it (``?access_token=***``), by a filter on the ``uvicorn.access`` logger."""

from __future__ import annotations

import logging

from emulator.api.masking import masked_query

ACCESS_LOGGER = "uvicorn.access"


def masked_target(value: object) -> object:
    """``/path?token=x&a=1`` -> ``/path?token=***&a=1``; anything else unchanged."""
    if not isinstance(value, str) or "?" not in value:
        return value
    path, _, query = value.partition("?")
    return f"{path}?{masked_query(query)}"


class MaskSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(masked_target(arg) for arg in record.args)
        return True


def mask_access_log() -> None:
    """Install the filter (once, however many servers a process starts)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, MaskSecrets) for existing in logger.filters):
        logger.addFilter(MaskSecrets())
