"""The delivery log: every webhook attempt (handshakes too), bounded like the journal."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from emulator.api.responses import iso


@dataclass(frozen=True, slots=True)
class Delivery:
    seq: int
    at: float  # emulator clock
    kind: str  # "handshake" | "notification"
    transport: str  # "WebHook"
    subscription_id: str | None
    address: str
    event: str | None
    uuid: str | None
    telephony_session_id: str | None
    sequence: int | None
    status_code: int | None
    latency_ms: float
    error: str | None
    account: str | None = None  # the created account whose namespace it is of (None: the global one)

    @property
    def ok(self) -> bool:
        return self.error is None

    def json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": iso(self.at),
            "kind": self.kind,
            "transport": self.transport,
            "subscriptionId": self.subscription_id,
            "address": self.address,
            "event": self.event,
            "uuid": self.uuid,
            "telephonySessionId": self.telephony_session_id,
            "sequence": self.sequence,
            "statusCode": self.status_code,
            "latencyMs": round(self.latency_ms, 3),
            "ok": self.ok,
            "error": self.error,
            **({"account": self.account} if self.account else {}),
        }


class DeliveryLog:
    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: deque[Delivery] = deque(maxlen=size or 1)
        self._seq = 0

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def add(self, delivery: Delivery) -> None:
        if self.size:
            self._entries.append(delivery)

    def find(
        self, subscription_id: str | None = None, limit: int | None = None, account: str | None = None
    ) -> list[Delivery]:
        """The namespace's deliveries (``account`` None: the global one's)."""
        found = [d for d in self._entries if subscription_id in (None, d.subscription_id) and d.account == account]
        return found[-limit:] if limit is not None else found

    def clear(self, account: str | None = None) -> None:
        """Drop the deliveries of ``account``'s namespace (``None``: the global one's)."""
        kept = [d for d in self._entries if d.account != account]
        self._entries.clear()
        self._entries.extend(kept)
