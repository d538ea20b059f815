"""Who is calling: the extension a request acts as, and the extension its path names."""

from __future__ import annotations

from fastapi import Request

from emulator.core.directory import Extension
from emulator.core.emulator import Emulator


def emulator_of(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


def path_extension(request: Request, account_id: str, extension_id: str) -> Extension:
    """The extension named by ``/account/{accountId}/extension/{extensionId}`` (``~`` = the
    session's own). Until a request is authenticated it acts as the default extension."""
    emulator = emulator_of(request)
    return emulator.extension_for(account_id, extension_id)
