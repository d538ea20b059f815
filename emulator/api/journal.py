"""The request journal: a bounded record of the HTTP requests the emulator answered.

Recording is O(1) in the number of entries and does no formatting: an entry keeps the raw query
string and headers (cut to ``ENTRY_CAP`` bytes, so ``size * ENTRY_CAP`` bounds the whole journal)
and a reference to the request's state dict (where routes note the scenario and call id). Secrets
are masked when entries are *read* (``emulator.api.masking``)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from emulator.api.masking import masked_header, masked_pairs

ENTRY_CAP = 8 * 1024  # bytes of query string + header names and values one entry keeps
TRUNCATED = "...[truncated {} bytes]"
TRUNCATED_HEADER = b"x-emulator-truncated"
# keys routes set in ``request.state`` (``scope["state"]``) for the journal
STATE_KEYS = {
    "call_id": "emulator_call_id",
    "scenario": "emulator_scenario",
    "scenario_source": "emulator_scenario_source",
    "to": "emulator_to",
    "from": "emulator_from",
    "operation": "emulator_operation",  # operationId of the route that answered (set by the route)
    "app": "emulator_app",  # client id of the calling app
    "bucket": "emulator_bucket",  # the rate-limit Bucket the request was counted against
    "refused": "emulator_refused",  # True when that bucket refused it (429)
    "fault": "emulator_fault",  # the fault injected into it: {"rule", "effect", "when"} (api/faults.py)
    "namespace": "emulator_namespace",  # the created account's Emulator it acted in (absent: the global one)
}

NAMESPACE_KEY = STATE_KEYS["namespace"]
RawHeaders = list[tuple[bytes, bytes]]


@dataclass(slots=True, eq=False)
class JournalEntry:
    seq: int
    method: str
    path: str
    raw_query: bytes
    raw_headers: RawHeaders
    at: float  # emulator clock time when the request arrived
    state: dict[str, Any] = field(default_factory=dict)
    status: int = 0
    duration_ms: float = 0.0

    def noted(self, key: str) -> Any:
        return self.state.get(STATE_KEYS[key])

    @property
    def account(self) -> str | None:
        """The created account whose namespace the request acted in (``None``: the global one)."""
        namespace = self.state.get(NAMESPACE_KEY)
        return None if namespace is None else namespace.namespace

    def query(self) -> dict[str, str]:
        return masked_pairs(self.raw_query.decode("latin-1"))

    def headers(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for raw_name, raw_value in self.raw_headers:
            name = raw_name.decode("latin-1").lower()
            found[name] = masked_header(name, raw_value.decode("latin-1"))
        return found


@dataclass(frozen=True, slots=True)
class JournalQuery:
    """Filters; ``None`` means any. ``limit`` keeps the latest N matches. Phone numbers are
    compared in E.164 (the route normalises what the client wrote). ``account``: the namespace's
    entries only (``None``: the global namespace's)."""

    method: str | None = None
    path: str | None = None
    path_prefix: str | None = None
    status: int | None = None
    call_id: str | None = None
    scenario: str | None = None
    to: str | None = None
    from_: str | None = None
    limit: int | None = None
    account: str | None = None

    def accepts(self, entry: JournalEntry) -> bool:
        if self.account != entry.account:
            return False
        checks = (
            (self.method, entry.method),
            (self.path, entry.path),
            (self.status, entry.status),
            (self.call_id, entry.noted("call_id")),
            (self.scenario, entry.noted("scenario")),
            (self.to, entry.noted("to")),
            (self.from_, entry.noted("from")),
        )
        if any(wanted is not None and wanted != got for wanted, got in checks):
            return False
        return self.path_prefix is None or entry.path.startswith(self.path_prefix)


class Journal:
    """At most ``size`` entries, oldest dropped first; ``size`` 0 records nothing."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: deque[JournalEntry] = deque(maxlen=max(size, 1))
        self._seq = 0
        # entries pushed out since the namespace's last clear: the global one's, and per created account
        self._dropped_global = 0
        self._dropped: dict[str, int] = {}

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def last_seq(self) -> int:
        """The newest entry's ``seq`` (0 after a clear): moves whenever a request is recorded."""
        return self._seq

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(list(self._entries))

    def start(
        self, method: str, path: str, raw_query: bytes, raw_headers: RawHeaders, at: float, state: dict[str, Any]
    ) -> JournalEntry:
        """Record a request as it arrives; ``state`` is the dict routes note things in."""
        self._seq += 1
        query, headers = capped(raw_query, raw_headers)
        entry = JournalEntry(self._seq, method, path[:1024], query, headers, at, state)
        entries = self._entries
        if len(entries) == entries.maxlen:  # full: the oldest goes (counted for its namespace's report)
            namespace = entries[0].state.get(NAMESPACE_KEY)  # (not ``.account``: this is every request's path)
            if namespace is None:
                self._dropped_global += 1
            else:
                account = namespace.namespace
                self._dropped[account] = self._dropped.get(account, 0) + 1
        entries.append(entry)
        return entry

    def dropped(self, account: str | None = None) -> int:
        """How many of ``account``'s entries (``None``: the global namespace's) the journal no
        longer holds because newer ones pushed them out since that account's last clear."""
        return self._dropped_global if account is None else self._dropped.get(account, 0)

    def find(self, query: JournalQuery) -> list[JournalEntry]:
        found = [entry for entry in self._entries if query.accepts(entry)]
        return found if query.limit is None else found[-query.limit :] if query.limit else []

    def count(self, query: JournalQuery) -> int:
        return sum(1 for entry in self._entries if query.accepts(entry))

    def clear(self, account: str | None = None) -> None:
        """Drop the entries of ``account``'s namespace (``None``: the global one's); once none is
        left, the sequence starts again."""
        kept = [entry for entry in self._entries if entry.account != account]
        self._entries.clear()
        self._entries.extend(kept)
        if account is None:
            self._dropped_global = 0
        else:
            self._dropped.pop(account, None)
        if not kept:
            self._seq = 0


def capped(raw_query: bytes, raw_headers: RawHeaders) -> tuple[bytes, RawHeaders]:
    """The query and headers cut to ``ENTRY_CAP`` bytes in all; what is cut is said in a marker
    (the query's tail, a header value's tail, then ``x-emulator-truncated`` for dropped headers).
    The common case (a small request) returns its inputs as they are."""
    total = len(raw_query)
    for name, value in raw_headers:  # a plain loop: for a request's handful of headers, faster than map/chain
        total += len(name) + len(value)
    if total <= ENTRY_CAP:
        return raw_query, raw_headers
    budget = ENTRY_CAP
    query = raw_query
    if len(query) > budget // 2:
        query = query[: budget // 2] + TRUNCATED.format(len(query) - budget // 2).encode()
    budget -= len(query)
    kept: RawHeaders = []
    dropped = 0
    for name, value in raw_headers:
        if budget <= 0:
            dropped += len(name) + len(value)
            continue
        if len(name) + len(value) > budget:
            room = max(budget - len(name), 0)
            value = value[:room] + TRUNCATED.format(len(value) - room).encode()
        kept.append((name[:256], value))
        budget -= len(name) + len(value)
    if dropped:
        kept.append((TRUNCATED_HEADER, TRUNCATED.format(dropped).encode()))
    return query, kept
