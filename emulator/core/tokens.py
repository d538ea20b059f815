"""OAuth sessions and their tokens: issue, look up, refresh (rotation), revoke.

A session is one login: an app, an extension, one live access/refresh pair. Expiry follows the
injected clock. The store is bounded: a session whose tokens are all past expiry is dropped when
room is needed, and past ``max_sessions`` the least recently refreshed session goes."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.directory import App, Extension
from emulator.core.errors import (
    AccessTokenExpired,
    AccessTokenNotFound,
    RefreshTokenExpired,
    RefreshTokenNotFound,
    RefreshTokenRevoked,
)
from emulator.core.ids import IdSource, fresh

ACCESS_PREFIX = "emu-at-"
REFRESH_PREFIX = "emu-rt-"
NAMESPACE_END = "."  # ends the namespace a created account's token names (``emulator.core.namespaces``)


@dataclass(frozen=True, slots=True)
class TtlRule:
    """Above ``maximum`` the default applies; below ``minimum`` the minimum (the platform's rule)."""

    default: int
    minimum: int
    maximum: int

    def clamp(self, requested: int | None) -> int:
        if requested is None or requested > self.maximum:
            return self.default
        return max(requested, self.minimum)


ACCESS_TTL = TtlRule(default=3600, minimum=600, maximum=3600)
REFRESH_TTL = TtlRule(default=604_800, minimum=600, maximum=2_592_000)  # below 600: 600, as for access


@dataclass(frozen=True, slots=True)
class Ttls:
    """Requested lifetimes in seconds (``None`` = not given); clamped when tokens are issued."""

    access: int | None = None
    refresh: int | None = None


@dataclass(slots=True)
class Session:
    id: str
    app: App
    extension: Extension
    scope: frozenset[str]
    endpoint_id: str
    access_token: str = ""
    access_expires_at: float = 0.0
    access_ttl: int = 0
    refresh_token: str = ""
    refresh_expires_at: float = 0.0
    refresh_ttl: int = 0
    previous_refresh: str | None = None
    revoked: bool = False

    def dead(self, now: float) -> bool:
        return now >= self.access_expires_at and now >= self.refresh_expires_at


class TokenStore:
    """``namespace``: the account namespace the tokens name (``emu-at-<namespace>.<random>``, the
    random part never holding a ``.``); ``None`` (the global namespace) keeps ``emu-at-<random>``."""

    def __init__(self, ids: IdSource, max_sessions: int, namespace: str | None = None) -> None:
        self.ids = ids
        self.max_sessions = max_sessions
        tag = "" if namespace is None else f"{namespace}{NAMESPACE_END}"
        self._access_prefix, self._refresh_prefix = ACCESS_PREFIX + tag, REFRESH_PREFIX + tag
        self._sessions: dict[str, Session] = {}
        self._access: dict[str, Session] = {}
        self._refresh: dict[str, Session] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def clear(self) -> None:
        self._sessions.clear()
        self._access.clear()
        self._refresh.clear()

    def open(
        self, app: App, extension: Extension, scope: frozenset[str], ttls: Ttls, endpoint_id: str | None, now: float
    ) -> Session:
        """A new session with a fresh token pair."""
        if len(self._sessions) >= self.max_sessions:
            self._make_room(now)
        session_id = fresh(lambda: self.ids.numeric(12), self._sessions)
        session = Session(session_id, app, extension, scope, endpoint_id or self.ids.token("", 16))
        self._sessions[session_id] = session
        self._issue(session, ttls, now)
        return session

    def access(self, token: str, now: float) -> Session:
        """The session a bearer token belongs to: OAU-213 if unknown or revoked, OAU-128 if expired."""
        session = self._access.get(token)
        if session is None:
            raise AccessTokenNotFound()
        if now >= session.access_expires_at:
            raise AccessTokenExpired()
        return session

    def find(self, token: str, now: float) -> Session | None:
        """Like ``access`` but ``None`` instead of an error (lenient mode)."""
        session = self._access.get(token)
        return session if session is not None and now < session.access_expires_at else None

    def owner(self, token: str) -> Extension | None:
        """The extension an access or refresh token was issued to (checks nothing)."""
        session = self._access.get(token) or self._refresh.get(token)
        return session.extension if session is not None else None

    def rotate(self, app: App, refresh_token: str, ttls: Ttls, now: float) -> Session:
        """Refresh: a new pair for the same session; the old access token dies at once, the old
        refresh token answers OAU-211 from now on."""
        session = self._refresh.get(refresh_token)
        if session is None or session.app.client_id != app.client_id:
            raise RefreshTokenNotFound()
        if session.revoked or refresh_token != session.refresh_token:
            raise RefreshTokenRevoked()
        if now >= session.refresh_expires_at:
            raise RefreshTokenExpired()
        self._access.pop(session.access_token, None)
        if session.previous_refresh is not None:
            self._refresh.pop(session.previous_refresh, None)
        session.previous_refresh = refresh_token
        self._sessions[session.id] = self._sessions.pop(session.id)  # most recently used last
        self._issue(session, ttls, now)
        return session

    def revoke(self, token: str, app: App) -> bool:
        """End the whole session ``token`` (access or refresh) belongs to; False if there is none
        for this app (RFC 7009: not an error)."""
        session = self._access.get(token) or self._refresh.get(token)
        if session is None or session.app.client_id != app.client_id or session.revoked:
            return False
        session.revoked = True
        self._access.pop(session.access_token, None)
        return True

    def _issue(self, session: Session, ttls: Ttls, now: float) -> None:
        session.access_ttl = ACCESS_TTL.clamp(ttls.access)
        session.refresh_ttl = REFRESH_TTL.clamp(ttls.refresh)
        session.access_token = fresh(lambda: self.ids.token(self._access_prefix, 32), self._access)
        session.refresh_token = fresh(lambda: self.ids.token(self._refresh_prefix, 32), self._refresh)
        session.access_expires_at = now + session.access_ttl
        session.refresh_expires_at = now + session.refresh_ttl
        self._access[session.access_token] = session
        self._refresh[session.refresh_token] = session

    def _make_room(self, now: float) -> None:
        for session in [s for s in self._sessions.values() if s.dead(now)]:
            self._drop(session)
        while len(self._sessions) >= self.max_sessions:
            self._drop(next(iter(self._sessions.values())))

    def _drop(self, session: Session) -> None:
        del self._sessions[session.id]
        if self._access.get(session.access_token) is session:
            del self._access[session.access_token]
        for token in (session.refresh_token, session.previous_refresh):
            if token is not None and self._refresh.get(token) is session:
                del self._refresh[token]
