"""``RingoutWebhook``: a recording receiver the emulator delivers to, and what a test reads from it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.plugin.control import Ringout, RingoutError

if TYPE_CHECKING:
    import httpx


class RingoutWebhook:
    """A recording receiver the emulator delivers to, and what a test reads from it."""

    FILTER = "/restapi/v1.0/account/~/extension/~/telephony/sessions"

    def __init__(self, ringout: Ringout, receiver: Any, address: str) -> None:
        self.ringout = ringout
        self.receiver = receiver
        self.address = address

    def subscribe(self, client: httpx.Client, *filters: str, **delivery: Any) -> dict[str, Any]:
        """Create a webhook subscription to this receiver (telephony sessions unless told)."""
        body = {
            "eventFilters": list(filters or (self.FILTER,)),
            "deliveryMode": {"transportType": "WebHook", "address": self.address, **delivery},
        }
        response = client.post("/restapi/v1.0/subscription", json=body)
        if response.status_code != 200:
            raise RingoutError(f"POST /restapi/v1.0/subscription: {response.status_code} {response.text}")
        created: dict[str, Any] = response.json()
        return created

    @property
    def notifications(self) -> list[Any]:
        return list(self.receiver.notifications)

    def events(self, call_id: str) -> list[dict[str, Any]]:
        """The telephony-session notification bodies of a RingOut call, in arrival order."""
        from emulator.core.sessions import telephony_session_id

        found: list[dict[str, Any]] = self.receiver.bodies(telephony_session_id(call_id))
        return found

    def statuses(self, call_id: str) -> list[tuple[int, str, str, str | None]]:
        """(sequence, party "1"/"2", status code, reason) of each of the call's events."""
        from emulator.core.sessions import telephony_session_id

        found: list[tuple[int, str, str, str | None]] = self.receiver.statuses(telephony_session_id(call_id))
        return found

    def until_disconnected(self, call_id: str, *, limit: float = 3600.0) -> list[dict[str, Any]]:
        """Advance the manual clock (1 s, 2 s, 4 s ...) until the call's every party sent its
        ``Disconnected`` event; its events. Fails past ``limit`` emulator seconds."""
        from emulator.core.sessions import telephony_session_id

        session = telephony_session_id(call_id)
        step, moved = 1.0, 0.0
        while not self.receiver.disconnected(session):
            if moved >= limit:
                raise AssertionError(
                    f"call {call_id}: no Disconnected event within {limit:g} s; got {self.statuses(call_id)}"
                )
            self.ringout.advance(step)
            moved, step = moved + step, step * 2
        return self.events(call_id)
