"""Rate limits as the platform enforces them (usage-plan groups, ``x-throttling-group``).

Every throttled operation belongs to one group; requests are counted per (user, app, group) over
a sliding window. A request over the limit starts a penalty during which every request of that
bucket is refused, and each refused request restarts it (the platform's "429 trap"). When a
penalty ends the bucket starts afresh (its window is emptied when the penalty starts), so a
penalty shorter than the window does not trap a client that waited it out.

Pure and on the injected clock: advancing a manual clock clears windows and penalties. A bucket
holds at most ``limit`` timestamps (refused requests are not recorded), trimmed on use, so a
request costs one dict lookup, a few deque pops amortised and one append. At most
``MAX_BUCKETS`` buckets are kept; past that, the oldest idle bucket is forgotten (an idle one
holds nothing that matters), else the oldest."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import islice

from emulator.core.clock import Clock
from emulator.core.errors import AuthRateLimitExceeded, RateLimitExceeded

MAX_BUCKETS = 10_000
EVICTION_SCAN = 64  # buckets looked at for an idle one when the cap is reached


class RateLimitMode(StrEnum):
    PLATFORM = "platform"  # count and refuse as the platform does
    OFF = "off"  # count nothing, refuse nothing, send no X-Rate-Limit-* headers


class Group(StrEnum):
    HEAVY = "Heavy"
    MEDIUM = "Medium"
    LIGHT = "Light"
    AUTH = "Auth"


# operationId -> usage-plan group, as RingCentral's spec gives it (``x-throttling-group``; the
# table is ``x-throttling-summary`` in reference/rc-official-subset-2.openapi.yml). Operations the
# emulator does not serve yet are listed so they join the right group when they land. The legacy
# ``ringout`` spelling shares its canonical operation's group.
OPERATION_GROUPS: Mapping[str, Group] = {
    "getToken": Group.AUTH,
    "revokeToken": Group.AUTH,
    "authorize": Group.AUTH,
    "authorize2": Group.AUTH,
    "authUserInfo": Group.AUTH,
    "authWsToken": Group.AUTH,
    "createRingOutCall": Group.HEAVY,
    "createRingOutCallDeprecated": Group.HEAVY,
    "readRingOutCallStatus": Group.LIGHT,
    "readRingOutCallStatusDeprecated": Group.LIGHT,
    "deleteRingOutCall": Group.HEAVY,
    "deleteRingOutCallDeprecated": Group.HEAVY,
    "readExtension": Group.LIGHT,
    "listForwardingNumbers": Group.LIGHT,
    "listSubscriptions": Group.LIGHT,
    "createSubscription": Group.MEDIUM,
    "readSubscription": Group.LIGHT,
    "updateSubscription": Group.MEDIUM,
    "deleteSubscription": Group.MEDIUM,
    "renewSubscription": Group.LIGHT,
    "readUserCallLog": Group.HEAVY,
    "readUserCallRecord": Group.HEAVY,
    "listExtensionActiveCalls": Group.HEAVY,
    "readAccountInfo": Group.LIGHT,
    "readCallSessionStatus": Group.LIGHT,
    "readUserPresenceStatus": Group.LIGHT,
}


@dataclass(frozen=True, slots=True, eq=False)
class Policy:
    """One group's limit: ``limit`` requests per ``window`` seconds, then ``penalty`` seconds.
    Hashed by identity (cheap): a table change makes new policies."""

    group: Group
    limit: int
    window: float
    penalty: float
    # the group's name as a plain str, what a bucket's key holds: a StrEnum member hashes through a
    # Python-level slot (~3x a str's cost), and the key is looked up on every counted request
    name: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", str.__str__(self.group))


@dataclass(frozen=True, slots=True)
class RateLimitConfig:
    mode: RateLimitMode
    limits: Mapping[Group, int]
    window: float
    penalty: float

    def policies(self) -> dict[Group, Policy]:
        return {group: Policy(group, self.limits[group], self.window, self.penalty) for group in Group}


BucketKey = tuple[str, str, str]  # (user, app client id, the group's name)


class Bucket:
    """The requests one (user, app) made in one group within the window, and its penalty."""

    __slots__ = ("key", "last", "left", "penalty_until", "policy", "refused", "times")

    def __init__(self, key: BucketKey, policy: Policy) -> None:
        self.key = key
        self.policy = policy  # the policy of the last request counted against it
        self.times: deque[float] = deque()
        self.penalty_until = 0.0
        self.refused = 0
        self.last = 0.0  # when it was last used or read
        self.left = 0  # requests left once the last request was counted: its X-Rate-Limit-Remaining

    @property
    def user(self) -> str:
        return self.key[0]

    @property
    def app(self) -> str:
        return self.key[1]

    @property
    def group(self) -> Group:
        return self.policy.group

    @property
    def remaining(self) -> int:
        """Requests left in the window (none during a penalty)."""
        left = self.policy.limit - len(self.times)
        return 0 if left < 0 or self.penalty_until > self.last else left

    def trim(self, now: float) -> None:
        self.last = now
        cutoff = now - self.policy.window
        times = self.times
        while times and times[0] <= cutoff:
            times.popleft()

    def describe(self) -> str:
        user, app, group = self.key
        return f"{group} bucket of user [{user}] and app [{app}]"


class RateLimiter:
    def __init__(self, clock: Clock, config: RateLimitConfig, max_buckets: int = MAX_BUCKETS) -> None:
        self.clock = clock
        self.initial = config
        self.max_buckets = max_buckets
        self._buckets: dict[BucketKey, Bucket] = {}
        self.configure(config)

    def configure(self, config: RateLimitConfig) -> None:
        self.config = config
        self.enabled = config.mode is RateLimitMode.PLATFORM
        self.policies = config.policies()
        # operationId -> its group's policy, empty when limits are off: one lookup per request
        policies = self.policies
        self._by_operation = {op: policies[group] for op, group in OPERATION_GROUPS.items()} if self.enabled else {}

    def update(
        self,
        mode: RateLimitMode | None = None,
        limits: Mapping[Group, int] | None = None,
        window: float | None = None,
        penalty: float | None = None,
    ) -> None:
        """Change the table at run time; live buckets keep their counts and penalties."""
        config = self.config
        self.configure(
            replace(
                config,
                mode=mode or config.mode,
                limits={**config.limits, **(limits or {})},
                window=config.window if window is None else window,
                penalty=config.penalty if penalty is None else penalty,
            )
        )

    def reset(self) -> None:
        """Back to the configured table, no buckets."""
        self._buckets.clear()
        self.configure(self.initial)

    def consume(self, operation: str, user: str, app: str) -> Bucket | None:
        """Count one request of ``operation`` by (``user``, ``app``); raises ``RateLimitExceeded``
        when refused. ``None`` when limits are off or the operation is not throttled."""
        policy = self._by_operation.get(operation)
        if policy is None:  # limits off, or not a throttled operation
            return None
        key = (user, app, policy.name)
        bucket = self._buckets.get(key)
        now = self.clock.now()
        if bucket is None:
            bucket = self._add(key, policy, now)
        else:
            bucket.policy = policy
        bucket.last = now
        times, cutoff = bucket.times, now - policy.window  # trim, inlined: this is every request's path
        while times and times[0] <= cutoff:
            times.popleft()
        if bucket.penalty_until > now:
            self._refuse(bucket, now)
        if len(times) >= policy.limit:
            times.clear()  # the penalty replaces the window; afterwards the bucket starts afresh
            self._refuse(bucket, now)
        times.append(now)
        bucket.left = policy.limit - len(times)
        return bucket

    def _add(self, key: BucketKey, policy: Policy, now: float) -> Bucket:
        if len(self._buckets) >= self.max_buckets:
            self._evict(now)
        bucket = self._buckets[key] = Bucket(key, policy)
        return bucket

    def _evict(self, now: float) -> None:
        """Forget the oldest idle bucket among the ``EVICTION_SCAN`` oldest (no request in its
        window, no penalty: forgetting it changes nothing), else the oldest one."""
        oldest = list(islice(self._buckets, EVICTION_SCAN))
        for key in oldest:
            bucket = self._buckets[key]
            if bucket.penalty_until <= now and (not bucket.times or bucket.times[-1] <= now - bucket.policy.window):
                del self._buckets[key]
                return
        del self._buckets[oldest[0]]

    @staticmethod
    def _refuse(bucket: Bucket, now: float) -> None:
        policy = bucket.policy
        bucket.penalty_until = now + policy.penalty
        bucket.refused += 1
        bucket.left = 0
        error = AuthRateLimitExceeded if policy.group is Group.AUTH else RateLimitExceeded
        raise error(bucket, retry_after=max(math.ceil(policy.penalty), 1))

    def buckets(self) -> Iterator[Bucket]:
        """Live buckets (trimmed to now), oldest first."""
        now = self.clock.now()
        for bucket in list(self._buckets.values()):
            bucket.policy = self.policies[bucket.group]
            bucket.trim(now)
            yield bucket

    def __len__(self) -> int:
        return len(self._buckets)
