"""``Directory.resolve``: ``~`` and numeric ids name the extension; others are CMN-102."""

from __future__ import annotations

import pytest

from emulator.core.directory import Account, Directory, Extension
from emulator.core.errors import ResourceNotFound

ALICE = Extension(id="11", account_id="1", extension_number="101", name="Alice")
BOB = Extension(id="12", account_id="1", extension_number="102", name="Bob")
CAROL = Extension(id="21", account_id="2", extension_number="201", name="Carol")
DIRECTORY = Directory(
    accounts=(
        Account(id="1", main_number="+16505550100", home_country="US", extensions=(ALICE, BOB)),
        Account(id="2", main_number="+16505550200", home_country="US", extensions=(CAROL,)),
    )
)


@pytest.mark.parametrize(
    ("account", "extension", "expected"),
    [
        ("~", "~", ALICE),
        ("1", "~", ALICE),
        ("~", "11", ALICE),
        ("1", "11", ALICE),
        ("~", "12", BOB),
        ("2", "21", CAROL),
    ],
)
def test_resolve(account: str, extension: str, expected: Extension) -> None:
    assert DIRECTORY.resolve(account, extension, ALICE) is expected


@pytest.mark.parametrize(
    ("account", "extension", "parameter"),
    [
        ("3", "~", "accountId"),
        ("abc", "11", "accountId"),
        ("~", "99", "extensionId"),
        ("~", "21", "extensionId"),  # another account's extension
        ("2", "~", "extensionId"),  # "~" is not an extension of another account
        ("2", "11", "extensionId"),
    ],
)
def test_resolve_unknown(account: str, extension: str, parameter: str) -> None:
    with pytest.raises(ResourceNotFound) as caught:
        DIRECTORY.resolve(account, extension, ALICE)
    assert caught.value.message == f"Resource for parameter [{parameter}] is not found"
    assert caught.value.fields == {"parameterName": parameter}


def test_default_extension_and_lookups() -> None:
    assert DIRECTORY.default_extension is ALICE
    assert DIRECTORY.extension("21") is CAROL
    assert DIRECTORY.account("2").numbers == frozenset({"+16505550200"})
    with pytest.raises(ResourceNotFound):
        DIRECTORY.extension("404")


def test_a_directory_needs_an_extension() -> None:
    with pytest.raises(ValueError, match="at least one account with one extension"):
        Directory(accounts=())
    with pytest.raises(ValueError, match="at least one account with one extension"):
        Directory(accounts=(Account(id="1", main_number="+16505550100", home_country="US"),))
