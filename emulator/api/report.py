"""The production-readiness report: what the app under test did (the request journal since the
last reset), judged against RingCentral's published graduation criteria: no 429, under 5 % 4xx,
at least 5 successful calls per endpoint used (OAuth endpoints aside: they are how an app logs
in, not endpoints it uses).

Per app (the client id a request was counted for; requests that never got that far, e.g. a
missing token, are the pseudo-app ``unidentified``, judged on the 4xx criterion only): requests,
successes and 4xx per endpoint (operationId, or ``METHOD path`` for no route), every 429 with its
bucket and time, and the peak use of each bucket in any window as a share of its current limit.
The journal is bounded: ``coverage`` says which requests the report saw. A request whose answer an
injected fault replaced or broke (``emulator.api.faults``: an error, a throttle, a dropped or cut
connection) is the test's doing, not the app's: counted in ``coverage.injected``, not judged; a
delayed or dribbled answer is whole, and judged."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.api.journal import JournalEntry
from emulator.api.rate_limits import APP_KEY, BUCKET_KEY, REFUSED_KEY, seconds
from emulator.api.responses import iso
from emulator.core.faults import Effect
from emulator.core.rate_limits import OPERATION_GROUPS, Bucket, BucketKey, Group, Policy

MAX_4XX_RATE = 0.05
MIN_SUCCESSES = 5
UNIDENTIFIED = "unidentified"
WHOLE_ANSWER = frozenset({Effect.LATENCY.value, Effect.DRIBBLE.value})  # faults after which the app got the answer
READY, NOT_READY = "ready", "not ready"
# what a bucket's requests were, in words (the report's advice lines)
DOING = {
    "readRingOutCallStatus": "polled ring-out status",
    "readRingOutCallStatusDeprecated": "polled ring-out status",
    "createRingOutCall": "created ring-out calls",
    "createRingOutCallDeprecated": "created ring-out calls",
    "deleteRingOutCall": "cancelled ring-out calls",
    "deleteRingOutCallDeprecated": "cancelled ring-out calls",
    "getToken": "requested tokens",
}
ADVICE = {
    Group.LIGHT: "poll no more often than every {every} s per user (or wait for the call to settle between reads)",
    Group.MEDIUM: "space these requests at least {every} s apart per user",
    Group.HEAVY: "create and cancel calls at most {limit} per {window} s per user (queue them)",
    Group.AUTH: "log in once and refresh the token before it expires instead of logging in again",
}


@dataclass
class Endpoint:
    requests: int = 0
    successes: int = 0
    client_errors: int = 0
    throttled: int = 0
    statuses: Counter[int] = field(default_factory=Counter)


@dataclass
class AppUse:
    endpoints: dict[str, Endpoint] = field(default_factory=lambda: defaultdict(Endpoint))
    refusals: list[JournalEntry] = field(default_factory=list)
    bucket_times: dict[BucketKey, tuple[list[float], list[float]]] = field(default_factory=dict)  # counted, all
    buckets: dict[BucketKey, Bucket] = field(default_factory=dict)


def endpoint_name(entry: JournalEntry) -> str:
    return entry.noted("operation") or f"{entry.method} {entry.path}"


def collect(entries: Iterable[JournalEntry]) -> dict[str, AppUse]:
    apps: dict[str, AppUse] = defaultdict(AppUse)
    for entry in entries:
        use = apps[entry.state.get(APP_KEY) or UNIDENTIFIED]
        name = endpoint_name(entry)
        counts = use.endpoints[name]
        counts.requests += 1
        counts.statuses[entry.status] += 1
        counts.successes += 200 <= entry.status < 400
        counts.client_errors += 400 <= entry.status < 500
        bucket: Bucket | None = entry.state.get(BUCKET_KEY)
        if bucket is None:
            continue
        refused = bool(entry.state.get(REFUSED_KEY))
        counted, tried = use.bucket_times.setdefault(bucket.key, ([], []))
        use.buckets[bucket.key] = bucket
        tried.append(entry.at)
        if refused:
            use.refusals.append(entry)
            counts.throttled += 1
        else:
            counted.append(entry.at)
    return apps


def peak(times: list[float], window: float) -> tuple[int, float]:
    """The most requests in any window (as the buckets count: a request ``window`` s old is
    out), and when that window ended."""
    best, at, start = 0, 0.0, 0
    for end, now in enumerate(times):
        while now - times[start] >= window:
            start += 1
        if end - start + 1 > best:
            best, at = end - start + 1, now
    return best, at


def injected(entry: JournalEntry) -> bool:
    """An injected fault replaced or broke the request's answer."""
    fault = entry.noted("fault")
    return fault is not None and fault["effect"] not in WHOLE_ANSWER


def report(
    entries: list[JournalEntry], size: int, dropped: int, policies: Mapping[Group, Policy], now: float
) -> dict[str, Any]:
    """``entries``: the namespace's journal entries; ``dropped``: how many more the journal no longer holds."""
    judged = [entry for entry in entries if not injected(entry)]
    apps = [app_report(name, use, policies) for name, use in sorted(collect(judged).items())]
    coverage = {
        "journalSize": size,
        "requests": len(entries),
        "dropped": dropped,
        "injected": (faulted := len(entries) - len(judged)),
        "from": iso(entries[0].at) if entries else None,
        "until": iso(now),
        "note": coverage_note(size, len(entries), dropped, faulted),
    }
    failures = [f"{app['app']}: {line}" for app in apps for line in app["failures"]]
    if size == 0:
        failures.append("the request journal is off (JOURNAL_SIZE=0): nothing to judge")
    verdict = READY if not failures else NOT_READY
    criteria = {"no429": True, "max4xxRate": MAX_4XX_RATE, "minSuccessesPerEndpoint": MIN_SUCCESSES}
    return {"verdict": verdict, "criteria": criteria, "coverage": coverage, "failures": failures, "apps": apps}


def coverage_note(size: int, held: int, dropped: int, faulted: int) -> str:
    if dropped:
        note = (
            f"the journal keeps the last {size} requests: the {dropped} before them (since the last reset) are not "
            "covered; raise JOURNAL_SIZE to judge them all"
        )
    else:
        note = f"every request since the last reset ({held})"
    if faulted:
        note += f"; {faulted} answered by an injected fault, not judged"
    return note


def app_report(name: str, use: AppUse, policies: Mapping[Group, Policy]) -> dict[str, Any]:
    total = sum(e.requests for e in use.endpoints.values())
    errors = sum(e.client_errors for e in use.endpoints.values())
    buckets = [bucket_report(key, use, policies) for key in sorted(use.bucket_times, key=_order)]
    failures = [line for b in buckets if (line := throttle_line(b))]
    rate = errors / total if total else 0.0
    if rate >= MAX_4XX_RATE:
        failures.append(client_error_line(use, errors, total))
    if name != UNIDENTIFIED:
        failures += [
            f"{op}: {counts.successes} successful call(s), at least {MIN_SUCCESSES} are expected per endpoint used"
            for op, counts in sorted(use.endpoints.items())
            if counts.successes < MIN_SUCCESSES and not _is_auth(op)
        ]
    return {
        "app": name,
        "verdict": READY if not failures else NOT_READY,
        "requests": total,
        "successes": sum(e.successes for e in use.endpoints.values()),
        "clientErrors": errors,
        "clientErrorRate": round(rate, 4),
        "endpoints": [
            {
                "endpoint": op,
                "requests": c.requests,
                "successes": c.successes,
                "clientErrors": c.client_errors,
                "throttled": c.throttled,
                "statuses": {str(s): n for s, n in sorted(c.statuses.items())},
            }
            for op, c in sorted(use.endpoints.items())
        ],
        "throttled": [
            {
                "at": iso(e.at),
                "endpoint": endpoint_name(e),
                "user": e.state[BUCKET_KEY].user,
                "group": e.state[BUCKET_KEY].group.value.lower(),
            }
            for e in use.refusals
        ],
        "buckets": buckets,
        "failures": failures,
    }


def _order(key: BucketKey) -> tuple[str, str]:
    return key[0], key[2]


def _is_auth(operation: str) -> bool:
    return OPERATION_GROUPS.get(operation) is Group.AUTH


def bucket_report(key: BucketKey, use: AppUse, policies: Mapping[Group, Policy]) -> dict[str, Any]:
    user = key[0]
    group = use.buckets[key].group
    policy = policies[group]
    counted, tried = use.bucket_times[key]
    used, _ = peak(counted, policy.window)
    attempts, at = peak(tried, policy.window)
    refused_on = sorted({endpoint_name(e) for e in use.refusals if e.state[BUCKET_KEY].key == key})
    return {
        "user": user,
        "group": group.value.lower(),
        "limit": policy.limit,
        "windowSeconds": policy.window,
        "peak": used,
        "peakShare": round(used / policy.limit, 4),
        "peakAttempts": attempts,
        "peakAt": iso(at) if tried else None,
        "refused": len(tried) - len(counted),
        "refusedEndpoints": refused_on,
    }


def throttle_line(bucket: Mapping[str, Any]) -> str | None:
    """``polled ring-out status 62 times in 60 s: Light limit 50; poll no more often than ...``"""
    if not bucket["refused"]:
        return None
    group = Group(bucket["group"].capitalize())
    names = bucket["refusedEndpoints"]
    doing = {DOING.get(name, f"called {name}") for name in names}
    what = doing.pop() if len(doing) == 1 else f"made {group.value} requests ({', '.join(names)})"
    window, limit = bucket["windowSeconds"], bucket["limit"]
    advice = ADVICE[group].format(every=seconds(round(window / limit, 2)), limit=limit, window=seconds(window))
    return (
        f"{what} {bucket['peakAttempts']} times in {seconds(window)} s: {group.value} limit {limit} "
        f"(user {bucket['user']}, {bucket['refused']} refused with 429); {advice}"
    )


def client_error_line(use: AppUse, errors: int, total: int) -> str:
    worst = sorted(
        ((n, status, op) for op, c in use.endpoints.items() for status, n in c.statuses.items() if 400 <= status < 500),
        reverse=True,
    )[:3]
    detail = ", ".join(f"{n} x {status} on {op}" for n, status, op in worst)
    return f"4xx rate {errors / total:.1%} ({errors} of {total}), at most {MAX_4XX_RATE:.0%} is allowed: {detail}"
