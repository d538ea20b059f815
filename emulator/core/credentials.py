"""Who a login names: apps by client id, extensions by JWT or by phone number + extension +
password. Indexes built once from the directory."""

from __future__ import annotations

import hmac

from emulator.core.directory import App, Directory, Extension
from emulator.core.errors import (
    ClientAuthenticationRequired,
    ExtensionLoginNotAllowed,
    InvalidClientCredentials,
    InvalidResourceOwnerCredentials,
)
from emulator.core.phone import PhoneNumberError, to_e164


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class Credentials:
    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self._apps = {app.client_id: app for app in directory.apps}
        self._by_jwt = {ext.jwt: ext for acc in directory.accounts for ext in acc.extensions if ext.jwt}
        # a number logs in as: the extension it is a direct number of, or (main number) the
        # account, where the extension number then picks the extension
        self._accounts_by_main = {acc.main_number: acc for acc in directory.accounts}
        self._by_direct = {n: ext for acc in directory.accounts for ext in acc.extensions for n in ext.direct_numbers}

    def client(self, basic: tuple[str, str] | None, client_id: str | None) -> App:
        """The calling app: HTTP Basic for a confidential app, ``client_id`` alone for a public one."""
        if basic is not None:
            app = self._apps.get(basic[0])
            if app is None or not _same(basic[1], app.client_secret or ""):
                raise InvalidClientCredentials()
            if client_id is not None and client_id != app.client_id:
                raise InvalidClientCredentials()
            return app
        if not client_id:
            raise ClientAuthenticationRequired()
        app = self._apps.get(client_id)
        if app is None:
            raise InvalidClientCredentials()
        if app.client_secret is not None:
            raise ClientAuthenticationRequired()
        return app

    def app(self, client_id: str) -> App | None:
        return self._apps.get(client_id)

    def jwt_owner(self, assertion: str) -> Extension | None:
        return self._by_jwt.get(assertion)

    def by_jwt(self, assertion: str) -> Extension:
        extension = self.jwt_owner(assertion)
        if extension is None:
            raise InvalidResourceOwnerCredentials()
        return _may_log_in(extension)

    def by_password(self, username: str, extension_number: str | None, password: str) -> Extension:
        """``username`` is a phone number, optionally ``number*extension`` (the JS SDK's form)."""
        if "*" in username and not extension_number:
            username, _, extension_number = username.partition("*")
        extension = self._by_number(username, extension_number or None)
        if extension is None or extension.password is None or not _same(password, extension.password):
            raise InvalidResourceOwnerCredentials()
        return _may_log_in(extension)

    def _by_number(self, username: str, extension_number: str | None) -> Extension | None:
        try:
            number = to_e164(username, "US")
        except PhoneNumberError:
            return None
        account = self._accounts_by_main.get(number)
        if account is None:
            direct = self._by_direct.get(number)
            if direct is None or extension_number not in (None, direct.extension_number):
                return None
            return direct
        if extension_number is None:
            return account.extensions[0]
        return next((e for e in account.extensions if e.extension_number == extension_number), None)


def _may_log_in(extension: Extension) -> Extension:
    if extension.status != "Enabled":
        raise ExtensionLoginNotAllowed()
    return extension
