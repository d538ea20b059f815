"""The OAuth server: the token, revoke and authorize endpoints' rules, over parsed form fields."""

from __future__ import annotations

from collections.abc import Mapping

from emulator.core.auth_codes import CodeStore
from emulator.core.clock import Clock
from emulator.core.credentials import Credentials
from emulator.core.directory import App, Extension
from emulator.core.errors import (
    InvalidClientCredentials,
    InvalidOAuthParameter,
    InvalidScope,
    UnauthorizedGrantType,
    UnregisteredRedirectUri,
    UnsupportedGrantType,
    UnsupportedResponseType,
)
from emulator.core.tokens import Session, TokenStore, Ttls

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GRANTS = (JWT_GRANT, "password", "refresh_token", "authorization_code")

Form = Mapping[str, str]


def required(form: Form, name: str) -> str:
    value = form.get(name)
    if not value:
        raise InvalidOAuthParameter(name)
    return value


def _ttl(form: Form, name: str) -> int | None:
    raw = form.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidOAuthParameter(name) from None


class OAuthServer:
    def __init__(self, credentials: Credentials, tokens: TokenStore, codes: CodeStore, clock: Clock) -> None:
        self.credentials = credentials
        self.tokens = tokens
        self.codes = codes
        self.clock = clock

    def token(self, app: App, form: Form) -> Session:
        """``POST /restapi/oauth/token`` for an authenticated ``app``."""
        grant = required(form, "grant_type")
        if grant not in GRANTS:
            raise UnsupportedGrantType()
        if grant not in app.grants:
            raise UnauthorizedGrantType()
        ttls = Ttls(_ttl(form, "access_token_ttl"), _ttl(form, "refresh_token_ttl"))
        now = self.clock.now()
        if grant == "refresh_token":
            return self.tokens.rotate(app, required(form, "refresh_token"), ttls, now)
        extension = self._resource_owner(app, grant, form, now)
        scope = self._scope(app, form.get("scope"))
        return self.tokens.open(app, extension, scope, ttls, form.get("endpoint_id") or None, now)

    def owner(self, form: Form) -> Extension | None:
        """The extension a request's credential (JWT, refresh token, token, code) belongs to, if
        it is known; nothing is checked or used up."""
        if "assertion" in form:
            return self.credentials.jwt_owner(form["assertion"])
        if "code" in form:
            return self.codes.owner(form["code"])
        token = form.get("refresh_token") or form.get("token")
        return self.tokens.owner(token) if token else None

    def revoke(self, app: App, token: str) -> None:
        """``POST /restapi/oauth/revoke``: ends the token's whole session; unknown tokens are no error."""
        self.tokens.revoke(token, app)

    def authorize(self, query: Form, extension: Extension) -> tuple[str, str]:
        """``GET /restapi/oauth/authorize``, auto-approved for ``extension``: (redirect URI, code)."""
        app = self.credentials.app(required(query, "client_id"))
        if app is None:
            raise InvalidClientCredentials()
        if query.get("response_type") != "code":
            raise UnsupportedResponseType()
        if "authorization_code" not in app.grants:
            raise UnauthorizedGrantType()
        redirect = self._redirect(app, query.get("redirect_uri") or None)
        challenge = query.get("code_challenge") or None
        code = self.codes.issue(
            app, extension, redirect, challenge, query.get("code_challenge_method"), self.clock.now()
        )
        return redirect[0], code

    def _resource_owner(self, app: App, grant: str, form: Form, now: float) -> Extension:
        if grant == JWT_GRANT:
            return self.credentials.by_jwt(required(form, "assertion"))
        if grant == "password":
            username, password = required(form, "username"), required(form, "password")
            return self.credentials.by_password(username, form.get("extension") or None, password)
        code = required(form, "code")
        verifier = form.get("code_verifier") or None
        return self.codes.redeem(app, code, form.get("redirect_uri"), verifier, now).extension

    @staticmethod
    def _scope(app: App, requested: str | None) -> frozenset[str]:
        """The session's permissions: the app's, or the subset the request names."""
        if not requested:
            return frozenset(app.permissions)
        names = requested.split()
        for name in names:
            if name not in app.permissions:
                raise InvalidScope(name)
        return frozenset(names)

    @staticmethod
    def _redirect(app: App, given: str | None) -> tuple[str, bool]:
        if given is None:
            if len(app.redirect_uris) != 1:
                raise InvalidOAuthParameter("redirect_uri")
            return app.redirect_uris[0], False
        if given not in app.redirect_uris:
            raise UnregisteredRedirectUri()
        return given, True
