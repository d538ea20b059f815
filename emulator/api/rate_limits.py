"""Rate limits over HTTP: a request is counted against its route's usage-plan group once the
caller is known. The route's name is its operationId, noted in the request's state when it
answers; ``emulator.core.rate_limits.OPERATION_GROUPS`` maps it to a group. Every response of a
counted request carries the platform's ``X-Rate-Limit-*`` headers (added by the journal
middleware from what ``count`` noted).

Who is counted: on ``/restapi/v1.0`` routes the authenticated extension and its app, after the
token check (a request that fails it is not counted and carries no headers); on the OAuth routes,
before anything else is checked, the client id the request presents and the user it is about
(``Emulator.login_subject``)."""

from __future__ import annotations

from functools import lru_cache

from starlette.requests import Request

from emulator.api.journal import STATE_KEYS, RawHeaders
from emulator.core.emulator import Emulator
from emulator.core.errors import RateLimitExceeded
from emulator.core.rate_limits import Bucket, Policy

BUCKET_KEY = STATE_KEYS["bucket"]
APP_KEY = STATE_KEYS["app"]
REFUSED_KEY = STATE_KEYS["refused"]
OPERATION_KEY = STATE_KEYS["operation"]  # set by the route (``emulator.api.routing.route``)


def count(emulator: Emulator, request: Request, user: str, app: str) -> None:
    """Count this request against its route's bucket (raises 429 when refused) and note the
    bucket for the headers and the journal."""
    state = request.scope["state"]
    state[APP_KEY] = app
    try:
        bucket = emulator.consume(state[OPERATION_KEY], user, app)
    except RateLimitExceeded as refused:
        state[BUCKET_KEY] = refused.bucket
        state[REFUSED_KEY] = True
        raise
    if bucket is not None:
        state[BUCKET_KEY] = bucket


def seconds(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


@lru_cache(maxsize=64)  # policies hash by identity: a cheap lookup
def _fixed(policy: Policy) -> tuple[tuple[bytes, bytes], ...]:
    return (
        (b"x-rate-limit-group", policy.group.value.lower().encode()),
        (b"x-rate-limit-limit", str(policy.limit).encode()),
        (b"x-rate-limit-window", seconds(policy.window).encode()),
    )


REMAINING = tuple((b"x-rate-limit-remaining", b"%d" % n) for n in range(1001))  # ready-made headers


def add_rate_limit_headers(headers: RawHeaders, bucket: Bucket) -> None:
    """Append ``X-Rate-Limit-Group`` (lowercase), ``-Limit``, ``-Window``, ``-Remaining`` to
    ``headers``; Remaining is what was left once the request was counted (``Bucket.left``)."""
    left = bucket.left
    headers.extend(_fixed(bucket.policy))
    headers.append(REMAINING[left] if left <= 1000 else (b"x-rate-limit-remaining", b"%d" % left))


def refusal_note(refused: RateLimitExceeded) -> str:
    """``X-Emulator-Note`` of a 429: which bucket, and how to change its limit."""
    bucket: Bucket = refused.bucket
    policy = bucket.policy
    name = policy.group.value.lower()
    who = "".join(c if " " <= c <= "~" else "?" for c in bucket.describe())  # a client id is the caller's text
    return (
        f"{who} refused this request: limit {policy.limit} per {seconds(policy.window)} s, then "
        f"{seconds(policy.penalty)} s of penalty that each refused request restarts. Slow down, or change it: "
        f'PUT /__emulator/rate-limits {{"limits": {{"{name}": N}}}} (or "mode": "off"), '
        f"RINGOUT_EMULATOR_RATE_LIMIT_{name.upper()}, --rate-limits off"
    )
