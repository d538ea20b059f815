"""Accounts-file rules added for logging in: known grants, unique JWTs and client ids."""

from __future__ import annotations

import pytest
import yaml

from emulator.accounts_file import AccountsFileError, parse_accounts
from emulator.bundled import bundled_accounts_file


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("jwt: emulator-jwt-102", "jwt: emulator-jwt"), "jwt 'emulator-jwt' is used twice"),
        (
            ("clientId: emulator-no-ringout-client-id", "clientId: emulator-client-id"),
            "clientId 'emulator-client-id' is used twice",
        ),
        (
            ("grants: [authorization_code,", "grants: [implicit,"),
            "apps.2.grants: Value error, unknown grant 'implicit'",
        ),
    ],
)
def test_rules(change: tuple[str, str], message: str) -> None:
    text = bundled_accounts_file().read_text().replace(*change)
    with pytest.raises(AccountsFileError, match=message):
        parse_accounts(yaml.safe_load(text), "accounts.yaml")
