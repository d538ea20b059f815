"""``Ringout``: the emulator's control plane as a test sees it, each method one control call.

On a shared server a session can own an account (``account``: the ``POST /__emulator/accounts``
answer); the session's client then names it on every control call (``X-Emulator-Account``), and
the credentials below are that account's. Unscoped, they are the global namespace's defaults: the
first file account, its first extension and the first app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

CONTROL = "/__emulator"
ACCOUNT_HEADER = "X-Emulator-Account"


class RingoutError(AssertionError):
    """A control-plane request failed (the message carries the emulator's error body)."""


class Credential:
    """A field of the account's record: ``id``, or one of its first extension's or its first app's."""

    def __init__(self, *path: str) -> None:
        self.path = path

    def __get__(self, ringout: Ringout, owner: type | None = None) -> str:
        found: Any = ringout.record()
        for key in self.path:
            found = found[key][0] if isinstance(found[key], list) else found[key]
        return str(found)


class Ringout:
    """The emulator as a test sees it: each method is one control-plane call."""

    def __init__(self, client: httpx.Client, url: str | None, account: dict[str, Any] | None = None) -> None:
        self.client = client  # names ``account`` (its ``X-Emulator-Account`` header) when there is one
        self.url = url  # the external emulator's URL, or None in-process
        self.account = account  # the session's own account (created), or None: the global namespace
        self.since: int | None = None  # readiness mode: the journal's last seq before this test
        self._identity: dict[str, Any] | None = account

    # The credentials of the account the test acts in: its first extension (``jwt``, ``password``)
    # and its app, ``SDK(ringout.client_id, ringout.client_secret, url)``.
    account_id = Credential("id")
    extension_id = Credential("extensions", "id")
    jwt = Credential("extensions", "jwt")
    password = Credential("extensions", "password")
    client_id = Credential("apps", "clientId")
    client_secret = Credential("apps", "clientSecret")

    def record(self) -> dict[str, Any]:
        """The account's record with its credentials; unscoped, the first file account's (read once)."""
        if self._identity is None:
            self._identity = self.control("GET", "/accounts")["records"][0]
        return self._identity

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.request(method, f"{CONTROL}{path}", **kwargs)
        if response.status_code >= 400:
            raise RingoutError(f"{method} {CONTROL}{path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def reset(self, *scopes: str) -> None:
        self.control("POST", "/reset", json={"scopes": list(scopes)} if scopes else None)

    def seed(self, seed: int | None) -> None:
        self.control("POST", "/seed", json={"seed": seed})

    def clock(self) -> dict[str, Any]:
        result: dict[str, Any] = self.control("GET", "/clock")
        return result

    def set_clock(self, mode: str | None = None, now: str | None = None) -> dict[str, Any]:
        body = {k: v for k, v in (("mode", mode), ("now", now)) if v is not None}
        result: dict[str, Any] = self.control("PUT", "/clock", json=body)
        return result

    def advance(self, seconds: float) -> None:
        """Move the manual clock on (pass it where your app would sleep: no real waiting)."""
        self.control("POST", "/clock/advance", json={"seconds": seconds})

    def set_default_scenario(self, name: str) -> None:
        self.control("PUT", "/default-scenario", json={"scenario": name})

    def queue(self, scenario: str, *, to: str | None = None, from_: str | None = None) -> dict[str, Any]:
        """The next call (to ``to`` / from ``from_`` if given) plays ``scenario``."""
        body = {k: v for k, v in (("scenario", scenario), ("to", to), ("from", from_)) if v is not None}
        result: dict[str, Any] = self.control("POST", "/scenarios/queue", json=body)
        return result

    def rule(self, scenario: str, *, times: int | None = None, **match: str) -> dict[str, Any]:
        """Calls matching ``to`` / ``from_`` / ``toPrefix`` / ``fromPrefix`` play ``scenario``."""
        body: dict[str, Any] = {"scenario": scenario, **{k.rstrip("_"): v for k, v in match.items()}}
        if times is not None:
            body["times"] = times
        result: dict[str, Any] = self.control("POST", "/rules", json=body)
        return result

    def upload_scenario(self, name: str, scenario: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.control("PUT", f"/scenarios/{name}", json=scenario)
        return result

    def calls(self, **filters: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.control("GET", "/calls", params=filters)["records"]
        return result

    def call(self, call_id: str) -> dict[str, Any]:
        """The call as the control plane sees it, with its ``timeline`` (never counts as a poll)."""
        result: dict[str, Any] = self.control("GET", f"/calls/{call_id}")
        return result

    def timeline(self, call_id: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.call(call_id)["timeline"]
        return result

    def force(self, call_id: str, leg: str, action: str) -> dict[str, Any]:
        """Force ``leg`` (caller|callee) to ``action`` (answer|busy|no_answer|reject|hang_up) now."""
        result: dict[str, Any] = self.control("POST", f"/calls/{call_id}/legs/{leg}", json={"action": action})
        return result

    def deliver_to(self, prefix: str, app: Any, *, wsgi: bool = False) -> None:
        """Deliver webhooks for addresses starting with ``prefix`` (``http://myapp.test``) to
        ``app`` in-process: an ASGI app (FastAPI, Starlette, Django's ASGI handler), or a WSGI
        one (Flask, Django) with ``wsgi=True``. In-process emulators only."""
        if self.url is not None:
            raise RingoutError("deliver_to needs the in-process emulator (not --ringout-url)")
        import httpx

        from emulator.plugin.wsgi import async_wsgi_transport

        transport = async_wsgi_transport(app) if wsgi else httpx.ASGITransport(app=app)
        self.client.app.state.webhooks.mount(prefix, transport)  # type: ignore[attr-defined]

    def deliveries(self, **filters: Any) -> list[dict[str, Any]]:
        """The delivery log: every handshake and notification attempt (``subscriptionId``, ``limit``)."""
        result: list[dict[str, Any]] = self.control("GET", "/deliveries", params=query_params(filters))["records"]
        return result

    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        """Journal entries; filters: method, path, pathPrefix, status, callId, scenario, to, from_, limit."""
        if self.since is None:
            result: list[dict[str, Any]] = self.control("GET", "/requests", params=query_params(filters))["records"]
            return result
        limit = filters.pop("limit", None)
        records = self.control("GET", "/requests", params=query_params(filters))["records"]
        own = [e for e in records if e["seq"] > self.since]
        return own if limit is None else own[-limit:] if limit else []

    def count(self, **filters: Any) -> int:
        if self.since is not None:
            return len(self.requests(**filters))
        result: int = self.control("GET", "/requests/count", params=query_params(filters))["count"]
        return result

    def report(self, markdown: bool = False) -> Any:
        """The production-readiness report (``GET /__emulator/report``), as JSON or Markdown text."""
        if not markdown:
            return self.control("GET", "/report")
        response = self.client.get(f"{CONTROL}/report", params={"format": "markdown"})
        if response.status_code >= 400:
            raise RingoutError(f"GET {CONTROL}/report: {response.status_code} {response.text}")
        return response.text

    def assert_requests(self, expected: int, **filters: Any) -> list[dict[str, Any]]:
        """Assert the journal holds exactly ``expected`` matching requests; returns them."""
        found = self.requests(**filters)
        if len(found) != expected:
            lines = "\n".join(f"  {e['method']} {e['path']} -> {e['status']}" for e in found)
            raise AssertionError(f"expected {expected} request(s) matching {filters}, found {len(found)}:\n{lines}")
        return found

    def fault(self, effect: str, **rule: Any) -> dict[str, Any]:
        """Add a fault rule (the body's fields, e.g. ``status=503, operation="createRingOutCall",
        times=1``; see the README's "Fault injection"); the rule as the emulator lists it."""
        result: dict[str, Any] = self.control("POST", "/faults", json={"effect": effect, **rule})
        return result

    def faults(self) -> list[dict[str, Any]]:
        """Every fault rule, with its ``hits``."""
        records: list[dict[str, Any]] = self.control("GET", "/faults")["records"]
        return records

    def set_call_log_delay(self, seconds: float) -> dict[str, Any]:
        """How long after a call ends its call-log record appears (0: at once; reset restores it)."""
        result: dict[str, Any] = self.control("PUT", "/call-log/settings", json={"delaySeconds": seconds})
        return result


def query_params(filters: dict[str, Any]) -> dict[str, Any]:
    return {k.rstrip("_"): v for k, v in filters.items() if v is not None}
