"""Subscriptions and the events they receive, webhook and WebSocket: the ``Emulator`` facade's
methods for them (``Emulator`` inherits them; the stores they use are the facade's own, declared
here). The gateway in ``emulator.api.ws_gateway`` owns the sockets."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.access import Gate
from emulator.core.call import RingOutCall
from emulator.core.clock_control import ControlledClock
from emulator.core.directory import Directory, Extension
from emulator.core.errors import InsufficientPermissions, ResourceNotFound
from emulator.core.event_filters import EventFilter, parse_filters
from emulator.core.events import CallEvents, call_events
from emulator.core.ids import IdSource, fresh
from emulator.core.notifier import Notice, Notifier
from emulator.core.sessions import telephony_session_id
from emulator.core.store import CallStore
from emulator.core.subscriptions import Subscription, SubscriptionStore
from emulator.core.tokens import Session

WEBHOOK_PERMISSION = "SubscriptionWebhook"
WEBSOCKET_PERMISSION = "WebSocket"
WEBSOCKET = "WebSocket"  # the transport (and the delivery engine's sink) of socket subscriptions
WEBSOCKET_LIFETIME = 10 * 365 * 86_400  # alive while its socket session is: the gateway deletes it
DEFAULT_EXPIRES_IN = 604_800  # not documented; the platform's examples answer 604799 (7 days)


@dataclass(frozen=True, slots=True)
class SubscriptionUpdate:
    event_filters: list[str] | None
    expires_in: int | None


@dataclass(frozen=True, slots=True)
class SubscriptionRequest:
    event_filters: list[str]
    expires_in: int | None
    address: str
    verification_token: str | None


class Subscribing:
    """Mixed into ``Emulator``, which sets every attribute below in its ``__init__``."""

    clock: ControlledClock
    ids: IdSource
    gate: Gate
    directory: Directory
    calls: CallStore
    subscriptions: SubscriptionStore
    notifier: Notifier
    blacklist_after_seconds: float

    def subscriber(self, token: str | None) -> Session:
        """The session a ``/restapi/v1.0/subscription`` request acts for."""
        return self.gate.session(token)

    def plan_subscription(self, session: Session, request: SubscriptionRequest) -> Subscription:
        """A new webhook subscription, checked (permissions, filters, the cap) but not stored:
        the transport's handshake comes first (``add_subscription``)."""
        if WEBHOOK_PERMISSION not in session.scope:
            raise InsufficientPermissions(WEBHOOK_PERMISSION)
        filters = self._filters(session, request.event_filters)
        now = self.clock.now()
        self.subscriptions.check_room(session.extension.id, session.app.client_id, now)
        expires_in = request.expires_in or DEFAULT_EXPIRES_IN
        subscription_id = fresh(self.ids.uuid, self.subscriptions)
        extension = session.extension
        return Subscription(
            subscription_id, extension.account_id, extension.id, session.app.client_id, filters,
            request.address, request.verification_token, now, expires_in, now + expires_in,
        )  # fmt: skip

    def add_subscription(self, subscription: Subscription) -> Subscription:
        per_owner = subscription.transport != WEBSOCKET
        self.subscriptions.check_room(
            subscription.extension_id, subscription.client_id, self.clock.now(), per_owner=per_owner
        )
        self.subscriptions.add(subscription)
        now = self.clock.now()
        for call in self.calls:  # live calls of the account: their next events now matter
            if call.account_id == subscription.account_id and call.view(now).ended_at is None:
                self.notifier.track(call, now, past_sent=True)
        return subscription

    def subscription(self, session: Session, subscription_id: str) -> Subscription:
        return self.subscriptions.get(subscription_id, session.extension.id, self.clock.now())

    def list_subscriptions(self, session: Session) -> list[Subscription]:
        return self.subscriptions.owned(session.extension.id, session.app.client_id, self.clock.now())

    def update_subscription(self, session: Session, subscription_id: str, update: SubscriptionUpdate) -> Subscription:
        """New filters (if given) and a renewal; ``expiresIn`` kept unless given."""
        found = self.subscription(session, subscription_id)
        if update.event_filters is not None:
            found.filters = self._filters(session, update.event_filters)
        found.renew(self.clock.now(), update.expires_in)
        return found

    def delete_subscription(self, session: Session, subscription_id: str) -> None:
        self.subscriptions.delete(subscription_id, session.extension.id)

    def is_subscribed(self, subscription_id: str) -> bool:
        return subscription_id in self.subscriptions

    def validation_token(self) -> str:
        return self.ids.event_uuid()

    def notification_uuid(self) -> str:
        return self.ids.event_id()

    def telephony_session(self, extension: Extension, session_id: str) -> tuple[RingOutCall, CallEvents]:
        """A RingOut's telephony session, as its events so far leave it (any call of the
        extension's account). A scan of the stored calls: no index on the RingOut hot path."""
        now = self.clock.now()
        for call in self.calls:
            ours = call.account_id == extension.account_id and telephony_session_id(call.id) == session_id
            if ours and self.calls.get(call.id, now) is not None:
                return call, call_events(call, now)
        raise ResourceNotFound("telephonySessionId")

    def due_notices(self) -> list[Notice]:
        """Every event that became due since the last call, in order, with its subscriptions."""
        return self.notifier.due(self.clock.now())

    def next_event_due(self) -> float | None:
        return self.notifier.next_due()

    def record_delivery(self, subscription: Subscription, ok: bool, reason: str) -> None:
        subscription.delivered(ok, self.clock.now(), reason, self.blacklist_after_seconds)

    # --- WebSocket subscriptions (the gateway in ``emulator.api.ws_gateway`` owns the sockets) ---

    def websocket_subscriber(self, token: str | None) -> Session:
        """The session ``POST /restapi/oauth/wstoken`` acts for: its app needs ``WebSocket``."""
        session = self.gate.session(token)
        if WEBSOCKET_PERMISSION not in session.scope:
            raise InsufficientPermissions(WEBSOCKET_PERMISSION)
        return session

    def session_alive(self, session: Session) -> bool:
        """The OAuth session a socket acts for is neither revoked nor dead (lenient: any is)."""
        return self.gate.lenient or (not session.revoked and not session.dead(self.clock.now()))

    def add_websocket_subscription(self, session: Session, event_filters: list[str], address: str) -> Subscription:
        """A socket's subscription: checked like a webhook's (filters, permissions, the cap), no
        handshake; it lives while its socket session does."""
        filters = self._filters(session, event_filters)
        now = self.clock.now()
        self.subscriptions.check_room(session.extension.id, session.app.client_id, now, per_owner=False)
        extension = session.extension
        subscription = Subscription(
            fresh(self.ids.uuid, self.subscriptions), extension.account_id, extension.id, session.app.client_id,
            filters, address, None, now, WEBSOCKET_LIFETIME, now + WEBSOCKET_LIFETIME, transport=WEBSOCKET,
        )  # fmt: skip
        return self.add_subscription(subscription)

    def websocket_subscription(self, session: Session, subscription_id: str, address: str) -> Subscription:
        """The socket session's own subscription (404 CMN-102 for any other id)."""
        found = self.subscription(session, subscription_id)
        if found.transport != WEBSOCKET or found.address != address:
            raise ResourceNotFound("subscriptionId")
        return found

    def update_websocket_subscription(
        self, session: Session, subscription_id: str, address: str, event_filters: list[str]
    ) -> Subscription:
        found = self.websocket_subscription(session, subscription_id, address)
        found.filters = self._filters(session, event_filters)
        return found

    def drop_subscription(self, subscription_id: str) -> None:
        """Forget a subscription whatever its owner (its socket session ended)."""
        self.subscriptions.remove(subscription_id)

    def _filters(self, session: Session, texts: list[str]) -> tuple[EventFilter, ...]:
        filters = parse_filters(texts, session.extension, self.directory)
        for event_filter in filters:
            if event_filter.permission not in session.scope:
                raise InsufficientPermissions(event_filter.permission)
        return filters
