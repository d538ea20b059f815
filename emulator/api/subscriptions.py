"""``/restapi/v1.0/subscription``: webhook subscriptions as the official spec defines them
(create 200 after the handshake, list, read, update/renew, renew, delete 204)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.identity import bearer_token, emulator_of, token_emulator
from emulator.api.inputs import JSON, JSON_LIMIT, HeaderValue, parse_json, read_body
from emulator.api.rate_limits import count
from emulator.api.responses import base_url, iso, json_response, no_content
from emulator.api.routing import route
from emulator.api.webhooks import handshake
from emulator.core.subscribing import SubscriptionRequest, SubscriptionUpdate
from emulator.core.subscriptions import BLACKLISTED, Subscription
from emulator.core.tokens import Session

PATH = "/restapi/v1.0/subscription"
MAX_EXPIRES_IN = 315_360_000  # WebHook: 10 years (the spec's text)
Filter = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
_LENIENT = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)


class DeliveryModeRequest(BaseModel):
    model_config = _LENIENT
    transportType: Literal["WebHook"]
    address: Annotated[
        str, StringConstraints(min_length=1, max_length=2048, pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s]+$")
    ]
    verificationToken: Annotated[HeaderValue, StringConstraints(max_length=1024)] | None = None  # sent as a header


class UpdateSubscriptionRequest(BaseModel):
    model_config = _LENIENT
    eventFilters: list[Filter] | None = Field(None, min_length=1, max_length=100)
    expiresIn: int | None = Field(None, ge=1, le=MAX_EXPIRES_IN)


class CreateSubscriptionRequest(BaseModel):
    model_config = _LENIENT
    eventFilters: list[Filter] = Field(min_length=1, max_length=100)
    expiresIn: int | None = Field(None, ge=1, le=MAX_EXPIRES_IN)
    deliveryMode: DeliveryModeRequest


def _session(request: Request) -> Session:
    """The token's session, counted against the operation's rate-limit bucket."""
    token = bearer_token(request)
    emulator = token_emulator(request, token)
    session = emulator.subscriber(token)
    count(emulator, request, session.extension.id, session.app.client_id)
    return session


def subscription_json(request: Request, subscription: Subscription) -> dict[str, Any]:
    """``SubscriptionInfo`` (the verification token is never echoed)."""
    now = emulator_of(request).clock.now()
    found: dict[str, Any] = {
        "uri": f"{base_url(request)}{PATH}/{subscription.id}",
        "id": subscription.id,
        "creationTime": iso(subscription.created_at),
        "status": subscription.status,
        "eventFilters": [f.text for f in subscription.filters],
        "expirationTime": iso(subscription.expires_at),
        "expiresIn": max(1, math.ceil(subscription.expires_at - now)),  # live: at least 1 (the spec's minimum)
        "deliveryMode": {"transportType": "WebHook", "encryption": False, "address": subscription.address},
    }
    if subscription.transport != "WebHook":  # a WebSocket one (listed, read; served by its socket)
        found["deliveryMode"] = {"transportType": subscription.transport, "encryption": False}
    if subscription.status == BLACKLISTED:
        found["blacklistedData"] = {
            "blacklistedAt": iso(subscription.blacklisted_at),
            "reason": subscription.blacklist_reason,
        }
    return found


async def create_subscription(request: Request) -> Response:
    session = _session(request)
    body = parse_json(
        await read_body(request, accept=(JSON,), limit=JSON_LIMIT, untyped=JSON),
        CreateSubscriptionRequest,
        empty_is_object=False,
    )
    emulator = emulator_of(request)
    mode = body.deliveryMode
    planned = emulator.plan_subscription(
        session, SubscriptionRequest(body.eventFilters, body.expiresIn, mode.address, mode.verificationToken)
    )
    await handshake(request, emulator, mode.address)
    return json_response(subscription_json(request, emulator.add_subscription(planned)))


async def read_subscriptions(request: Request) -> Response:
    session = _session(request)
    found = emulator_of(request).list_subscriptions(session)
    return json_response(
        {"uri": f"{base_url(request)}{PATH}", "records": [subscription_json(request, s) for s in found]}
    )


async def read_subscription(request: Request) -> Response:
    session = _session(request)
    found = emulator_of(request).subscription(session, request.path_params["subscriptionId"])
    return json_response(subscription_json(request, found))


async def update_subscription(request: Request) -> Response:
    """An empty body renews; ``eventFilters`` replace the old ones; other fields are ignored."""
    session = _session(request)
    body = parse_json(
        await read_body(request, accept=(JSON,), limit=JSON_LIMIT, untyped=JSON), UpdateSubscriptionRequest
    )
    update = SubscriptionUpdate(body.eventFilters, body.expiresIn)
    found = emulator_of(request).update_subscription(session, request.path_params["subscriptionId"], update)
    return json_response(subscription_json(request, found))


async def renew_subscription(request: Request) -> Response:
    session = _session(request)
    update = SubscriptionUpdate(None, None)
    found = emulator_of(request).update_subscription(session, request.path_params["subscriptionId"], update)
    return json_response(subscription_json(request, found))


async def delete_subscription(request: Request) -> Response:
    session = _session(request)
    emulator_of(request).delete_subscription(session, request.path_params["subscriptionId"])
    return no_content()


ITEM = f"{PATH}/{{subscriptionId}}"
routes = [
    route("POST", PATH, create_subscription, "createSubscription"),
    route("GET", PATH, read_subscriptions, "listSubscriptions"),
    route("GET", ITEM, read_subscription, "readSubscription"),
    route("PUT", ITEM, update_subscription, "updateSubscription"),
    route("DELETE", ITEM, delete_subscription, "deleteSubscription"),
    route("POST", f"{ITEM}/renew", renew_subscription, "renewSubscription"),
]
