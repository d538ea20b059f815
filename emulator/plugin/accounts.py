"""The session's own account: under pytest-xdist, on a shared server, each worker creates one
(``POST /__emulator/accounts``) when it starts and deletes it, with all its state, when it ends.

``--ringout-account``: ``auto`` (the default: an account for each xdist worker against
``--ringout-url``; the global namespace otherwise, exactly as without xdist), ``new`` (an account
for every session, with or without xdist, in-process too) or ``global`` (never)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from emulator.plugin.control import CONTROL, RingoutError

if TYPE_CHECKING:
    import httpx

OPTION = "--ringout-account"
MODES = ("auto", "new", "global")


def worker_id(config: pytest.Config) -> str | None:
    """The xdist worker's id (``gw0`` ...), or None in a session without workers (or ``-n 0``)."""
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    return None if workerinput is None else str(workerinput["workerid"])


def wants_account(config: pytest.Config, external: bool) -> bool:
    """Does this session get its own account (see ``--ringout-account``)?"""
    mode = config.getoption(OPTION)
    if mode == "new":
        return True
    return mode == "auto" and external and worker_id(config) is not None


def create_account(client: httpx.Client, name: str) -> dict[str, Any]:
    """A fresh account from the default template: its record, credentials included."""
    response = client.post(f"{CONTROL}/accounts", json={"name": name})
    if response.status_code != 201:
        raise RingoutError(f"POST {CONTROL}/accounts: {response.status_code} {response.text}")
    created: dict[str, Any] = response.json()
    return created


def delete_account(client: httpx.Client, account_id: str) -> None:
    """Remove the account and all its state (gone already, e.g. by a test: nothing to do)."""
    response = client.delete(f"{CONTROL}/accounts/{account_id}")
    if response.status_code not in (204, 404):
        raise RingoutError(f"DELETE {CONTROL}/accounts/{account_id}: {response.status_code} {response.text}")
