"""Who a ``/restapi/v1.0`` request acts as: its bearer token's session, the app permission the
route needs, and the extension the path names (``~`` = the session's own).

Strict mode (the default): a live token is required. Another account's ids answer 404 (their
existence never leaks); another extension of the token's own account answers 403 CMN-419; a call
of another extension answers 404 (``Emulator._owned``).

Lenient mode: a live token works as in strict mode; any other bearer token acts as the default
extension with every permission, and the path may name any extension (acting as it)."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.clock import Clock
from emulator.core.directory import Account, App, Directory, Extension
from emulator.core.errors import (
    AuthorizationHeaderMissing,
    ExtendedScopeRequired,
    InsufficientPermissions,
    ResourceNotFound,
)
from emulator.core.tokens import Session, TokenStore


@dataclass(frozen=True, slots=True)
class Access:
    """What a route needs: the app permission, and the user permission named when the path
    points at another extension."""

    app_permission: str
    user_permission: str


RINGOUT = Access("RingOut", "RingOut")
READ_FORWARDING_NUMBERS = Access("ReadAccounts", "ReadUserForwardingFlipNumbers")
READ_EXTENSION = Access("ReadAccounts", "ReadExtensions")
READ_CALL_LOG = Access("ReadCallLog", "ReadCallLog")
READ_ACCOUNT = Access("ReadAccounts", "ReadCompanyInfo")


class Gate:
    def __init__(self, directory: Directory, tokens: TokenStore, clock: Clock, *, lenient: bool = False) -> None:
        self.directory = directory
        self.tokens = tokens
        self.clock = clock
        self.lenient = lenient
        everything = frozenset(p for app in directory.apps for p in app.permissions) | {
            "RingOut",
            "ReadAccounts",
            "ReadCallLog",
        }
        lenient_app = App("lenient-mode", None, "any bearer token (lenient mode)", tuple(sorted(everything)))
        self._anyone = Session("0", lenient_app, directory.default_extension, everything, "lenient")

    def session(self, token: str | None) -> Session:
        """The session of a bearer token (``None`` = no token sent): 401 unless lenient."""
        if token is None:
            raise AuthorizationHeaderMissing()
        if self.lenient:
            return self.tokens.find(token, self.clock.now()) or self._anyone
        return self.tokens.access(token, self.clock.now())

    def extension(self, session: Session, account_ref: str, extension_ref: str, access: Access) -> Extension:
        """The extension the path names, after the app-permission check."""
        if access.app_permission not in session.scope:
            raise InsufficientPermissions(access.app_permission)
        own = session.extension
        if (account_ref == "~" or account_ref == own.account_id) and (extension_ref == "~" or extension_ref == own.id):
            return own
        if session is self._anyone:
            return self.directory.resolve(account_ref, extension_ref, own)
        if account_ref not in ("~", own.account_id):
            raise ResourceNotFound("accountId")
        try:
            other = self.directory.extension(extension_ref)
        except ResourceNotFound:
            raise ResourceNotFound("extensionId") from None
        if other.account_id != own.account_id:
            raise ResourceNotFound("extensionId")
        raise ExtendedScopeRequired(access.user_permission)

    def account(self, session: Session, account_ref: str, access: Access) -> Account:
        """The account ``/account/{accountId}`` names (``~`` = the session's own), after the
        app-permission check; another account answers 404 (lenient mode: any known account)."""
        if access.app_permission not in session.scope:
            raise InsufficientPermissions(access.app_permission)
        own = session.extension.account_id
        if account_ref in ("~", own):
            return self.directory.account(own)
        if session is self._anyone:
            return self.directory.account(account_ref)
        raise ResourceNotFound("accountId")
