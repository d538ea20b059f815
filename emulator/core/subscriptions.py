"""The subscription store: bounded, per account, expiry on the emulator's clock, blacklisting.

At most ``PER_OWNER`` live subscriptions per (extension, app) (403 SUB-505) and ``max_total`` in
all (SUB-505 too). An expired subscription stops matching at once and is dropped the next time
the store is read. A subscription whose deliveries keep failing for ``blacklist_after`` seconds
of the emulator's clock turns ``Blacklisted`` and stops delivering (delete and re-create it, as on
the platform). ``watching(account)`` is the one question the RingOut hot path asks: a dict lookup."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from emulator.core.errors import ResourceNotFound, SubscriptionExpired, SubscriptionLimitExceeded
from emulator.core.event_filters import EventFilter

PER_OWNER = 30
ACTIVE = "Active"
BLACKLISTED = "Blacklisted"


@dataclass(slots=True, eq=False)
class Subscription:
    id: str
    account_id: str
    extension_id: str
    client_id: str
    filters: tuple[EventFilter, ...]
    address: str
    verification_token: str | None
    created_at: float
    expires_in: int
    expires_at: float
    status: str = ACTIVE
    blacklisted_at: float | None = None
    blacklist_reason: str | None = None
    failing_since: float | None = None  # first failed delivery since the last success
    transport: str = "WebHook"  # the delivery engine's sink for it

    def live(self, now: float) -> bool:
        return now < self.expires_at

    def renew(self, now: float, expires_in: int | None = None) -> None:
        if expires_in is not None:
            self.expires_in = expires_in
        self.expires_at = now + self.expires_in

    def delivered(self, ok: bool, now: float, reason: str, window: float) -> None:
        """Record one delivery: a success clears the failure window; failing for ``window``
        seconds blacklists."""
        if ok:
            self.failing_since = None
            return
        if self.failing_since is None:
            self.failing_since = now
        if self.status == ACTIVE and now - self.failing_since >= window:
            self.status, self.blacklisted_at, self.blacklist_reason = BLACKLISTED, now, reason


class SubscriptionStore:
    def __init__(self, max_total: int) -> None:
        self.max_total = max_total
        self._by_id: dict[str, Subscription] = {}
        self._by_account: dict[str, dict[str, Subscription]] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, subscription_id: object) -> bool:
        return subscription_id in self._by_id

    def watching(self, account_id: str) -> bool:
        return account_id in self._by_account

    def check_room(self, extension_id: str, client_id: str, now: float, *, per_owner: bool = True) -> None:
        """Room for one more: ``PER_OWNER`` counts webhook subscriptions only (``per_owner`` off for a
        WebSocket one: its sockets are bounded instead); ``max_total`` counts every subscription."""
        self._purge(now)
        owned = sum(
            1
            for s in self._by_id.values()
            if s.extension_id == extension_id and s.client_id == client_id and s.transport == "WebHook"
        )
        if (per_owner and owned >= PER_OWNER) or len(self._by_id) >= self.max_total:
            raise SubscriptionLimitExceeded()

    def add(self, subscription: Subscription) -> None:
        self._by_id[subscription.id] = subscription
        self._by_account.setdefault(subscription.account_id, {})[subscription.id] = subscription

    def get(self, subscription_id: str, extension_id: str, now: float) -> Subscription:
        """An owner's subscription: 404 CMN-102 unknown (or someone else's), 404 SUB-507 expired."""
        found = self._by_id.get(subscription_id)
        if found is None or found.extension_id != extension_id:
            raise ResourceNotFound("subscriptionId")
        if not found.live(now):
            self.remove(subscription_id)
            raise SubscriptionExpired(subscription_id=subscription_id)
        return found

    def delete(self, subscription_id: str, extension_id: str) -> None:
        """An owner deletes a subscription (an expired one too): 404 CMN-102 if it has none such."""
        found = self._by_id.get(subscription_id)
        if found is None or found.extension_id != extension_id:
            raise ResourceNotFound("subscriptionId")
        self.remove(subscription_id)

    def owned(self, extension_id: str, client_id: str, now: float) -> list[Subscription]:
        self._purge(now)
        return [s for s in self._by_id.values() if s.extension_id == extension_id and s.client_id == client_id]

    def remove(self, subscription_id: str) -> None:
        gone = self._by_id.pop(subscription_id, None)
        if gone is None:
            return
        account = self._by_account[gone.account_id]
        del account[subscription_id]
        if not account:
            del self._by_account[gone.account_id]

    def matching(
        self, account_id: str, extension_id: str, kind: str, at: float
    ) -> Iterator[tuple[Subscription, EventFilter]]:
        """Each active subscription live at ``at`` (the event's time) with a filter of ``kind``
        covering the extension (its first such filter: one delivery per subscription and event)."""
        for subscription in self._by_account.get(account_id, {}).values():
            if subscription.status != ACTIVE or not subscription.created_at <= at < subscription.expires_at:
                continue
            for event_filter in subscription.filters:
                if event_filter.kind == kind and event_filter.covers(account_id, extension_id):
                    yield subscription, event_filter
                    break

    def all(self) -> list[Subscription]:
        return list(self._by_id.values())

    def clear(self) -> None:
        self._by_id.clear()
        self._by_account.clear()

    def _purge(self, now: float) -> None:
        for subscription_id in [s.id for s in self._by_id.values() if not s.live(now)]:
            self.remove(subscription_id)
