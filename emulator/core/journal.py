"""The request journal: a bounded record of the requests the emulator answered.

Recording is O(1) and does no formatting: an entry keeps the raw query string and headers and
a reference to the request's state dict (where routes note the scenario and call id). Secrets
are masked when entries are *read*."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

MASK = "***"
SECRET_PARAMS = frozenset({"password", "client_secret", "assertion", "refresh_token", "access_token", "code"})
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-emulator-control-token", "cookie"})
# keys routes set in ``request.state`` (``scope["state"]``) for the journal
STATE_KEYS = {
    "call_id": "emulator_call_id",
    "scenario": "emulator_scenario",
    "scenario_source": "emulator_scenario_source",
    "to": "emulator_to",
    "from": "emulator_from",
}


@dataclass(slots=True, eq=False)
class JournalEntry:
    seq: int
    method: str
    path: str
    raw_query: bytes
    raw_headers: list[tuple[bytes, bytes]]
    at: float  # emulator clock time when the request arrived
    state: dict[str, Any] = field(default_factory=dict)
    status: int = 0
    duration_ms: float = 0.0

    def noted(self, key: str) -> Any:
        return self.state.get(STATE_KEYS[key])

    def query(self) -> dict[str, str]:
        pairs = parse_qsl(self.raw_query.decode("latin-1"), keep_blank_values=True)
        return {k: MASK if k.lower() in SECRET_PARAMS else v for k, v in pairs}

    def query_string(self) -> str:
        return urlencode(self.query(), safe="*")

    def headers(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for raw_name, raw_value in self.raw_headers:
            name = raw_name.decode("latin-1").lower()
            found[name] = _masked(name, raw_value.decode("latin-1"))
        return found


@dataclass(frozen=True, slots=True)
class JournalQuery:
    """Filters; ``None`` means any. ``limit`` keeps the latest N matches."""

    method: str | None = None
    path: str | None = None
    path_prefix: str | None = None
    status: int | None = None
    call_id: str | None = None
    scenario: str | None = None
    to: str | None = None
    from_: str | None = None
    limit: int | None = None

    def accepts(self, entry: JournalEntry) -> bool:
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

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(list(self._entries))

    def start(
        self,
        method: str,
        path: str,
        raw_query: bytes,
        raw_headers: list[tuple[bytes, bytes]],
        at: float,
        state: dict[str, Any],
    ) -> JournalEntry:
        """Record a request as it arrives; ``state`` is the dict routes note things in."""
        self._seq += 1
        entry = JournalEntry(self._seq, method, path, raw_query, raw_headers, at, state)
        self._entries.append(entry)
        return entry

    def find(self, query: JournalQuery) -> list[JournalEntry]:
        found = [entry for entry in self._entries if query.accepts(entry)]
        return found if query.limit is None else found[-query.limit :] if query.limit else []

    def count(self, query: JournalQuery) -> int:
        return sum(1 for entry in self._entries if query.accepts(entry))

    def clear(self) -> None:
        self._entries.clear()
        self._seq = 0


def _masked(name: str, value: str) -> str:
    if name not in SECRET_HEADERS:
        return value
    scheme, _, secret = value.partition(" ")
    return f"{scheme} {MASK}" if secret and name.endswith("authorization") else MASK
