"""Authorization codes of ``/restapi/oauth/authorize``: single use, short lived, PKCE-bound."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from emulator.core.directory import App, Extension
from emulator.core.errors import (
    AuthorizationCodeExpired,
    CodeIssuedToAnotherApp,
    InvalidAuthorizationCode,
    InvalidCodeVerifier,
    InvalidOAuthParameter,
    RedirectUriMismatch,
)
from emulator.core.ids import IdSource, fresh

CODE_TTL = 60.0
PKCE_METHODS = ("S256", "plain")


@dataclass(frozen=True, slots=True)
class CodeGrant:
    app: App
    extension: Extension
    redirect_uri: str
    redirect_given: bool  # the token call must then repeat it (RFC 6749 4.1.3)
    challenge: str | None
    method: str
    expires_at: float


def pkce_matches(verifier: str, challenge: str, method: str) -> bool:
    if method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        verifier = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return hmac.compare_digest(verifier.encode(), challenge.encode())


class CodeStore:
    def __init__(self, ids: IdSource, max_codes: int = 1000) -> None:
        self.ids = ids
        self.max_codes = max_codes
        self._codes: dict[str, CodeGrant] = {}

    def clear(self) -> None:
        self._codes.clear()

    def issue(
        self,
        app: App,
        extension: Extension,
        redirect: tuple[str, bool],
        challenge: str | None,
        method: str | None,
        now: float,
    ) -> str:
        if challenge is not None and (method or "plain") not in PKCE_METHODS:
            raise InvalidOAuthParameter("code_challenge_method")
        if len(self._codes) >= self.max_codes:
            self._make_room(now)
        code = fresh(lambda: self.ids.token("emu-code-", 24), self._codes)
        uri, given = redirect
        self._codes[code] = CodeGrant(app, extension, uri, given, challenge, method or "plain", now + CODE_TTL)
        return code

    def owner(self, code: str) -> Extension | None:
        grant = self._codes.get(code)
        return grant.extension if grant is not None else None

    def redeem(self, app: App, code: str, redirect_uri: str | None, verifier: str | None, now: float) -> CodeGrant:
        """The grant behind ``code``, used up; any failure also uses it up, as RFC 6749 advises."""
        grant = self._codes.pop(code, None)
        if grant is None:
            raise InvalidAuthorizationCode()
        if grant.app.client_id != app.client_id:
            raise CodeIssuedToAnotherApp()
        if now >= grant.expires_at:
            raise AuthorizationCodeExpired()
        if (grant.redirect_given or redirect_uri is not None) and redirect_uri != grant.redirect_uri:
            raise RedirectUriMismatch()
        if grant.challenge is not None and (
            verifier is None or not pkce_matches(verifier, grant.challenge, grant.method)
        ):
            raise InvalidCodeVerifier()
        return grant

    def _make_room(self, now: float) -> None:
        for code in [c for c, g in self._codes.items() if now >= g.expires_at]:
            del self._codes[code]
        while len(self._codes) >= self.max_codes:
            del self._codes[next(iter(self._codes))]
