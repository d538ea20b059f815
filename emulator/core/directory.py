"""The account directory: accounts, extensions, their numbers and permissions, and apps."""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator.core.errors import ResourceNotFound


@dataclass(frozen=True, slots=True)
class ForwardingNumber:
    id: str
    phone_number: str
    label: str
    type: str = "Mobile"
    features: tuple[str, ...] = ("CallFlip", "CallForwarding")
    flip_number: str | None = None
    ringout_default: bool = False


@dataclass(frozen=True, slots=True)
class CallingPermissions:
    international: bool = True
    domestic: bool = True
    internal: bool = True


@dataclass(frozen=True, slots=True)
class Extension:
    id: str
    account_id: str
    extension_number: str
    name: str
    password: str | None = None
    jwt: str | None = None
    type: str = "User"
    status: str = "Enabled"
    direct_numbers: tuple[str, ...] = ()
    caller_ids: tuple[str, ...] = ()
    forwarding_numbers: tuple[ForwardingNumber, ...] = ()
    calling: CallingPermissions = field(default_factory=CallingPermissions)

    def default_forwarding_number(self) -> ForwardingNumber | None:
        for number in self.forwarding_numbers:
            if number.ringout_default:
                return number
        return self.forwarding_numbers[0] if self.forwarding_numbers else None

    def forwarding_number(self, number_id: str) -> ForwardingNumber:
        for number in self.forwarding_numbers:
            if number.id == number_id:
                return number
        raise ResourceNotFound("forwardingNumberId")


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    main_number: str
    home_country: str  # ISO 3166 alpha-2
    name: str = ""
    extensions: tuple[Extension, ...] = ()
    numbers: frozenset[str] = field(init=False, repr=False, compare=False)
    """Every number that rings inside this account (main and direct numbers), computed once."""

    def __post_init__(self) -> None:
        found = {self.main_number}
        for ext in self.extensions:
            found.update(ext.direct_numbers)
        object.__setattr__(self, "numbers", frozenset(found))


@dataclass(frozen=True, slots=True)
class App:
    client_id: str
    client_secret: str | None
    name: str = ""
    permissions: tuple[str, ...] = ()
    grants: tuple[str, ...] = ()
    redirect_uris: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Directory:
    """Read-only lookups over the loaded accounts file. The first account's first extension is
    the default identity."""

    accounts: tuple[Account, ...]
    apps: tuple[App, ...] = ()
    _by_ext: dict[str, Extension] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.accounts or not self.accounts[0].extensions:
            raise ValueError("the directory needs at least one account with one extension")
        by_ext = {ext.id: ext for acc in self.accounts for ext in acc.extensions}
        object.__setattr__(self, "_by_ext", by_ext)

    @property
    def default_extension(self) -> Extension:
        return self.accounts[0].extensions[0]

    def account(self, account_id: str) -> Account:
        for account in self.accounts:
            if account.id == account_id:
                return account
        raise ResourceNotFound("accountId")

    def extension(self, extension_id: str) -> Extension:
        try:
            return self._by_ext[extension_id]
        except KeyError:
            raise ResourceNotFound("extensionId") from None

    def resolve(self, account_ref: str, extension_ref: str, current: Extension) -> Extension:
        """The extension a path names: ``~`` means the session's own account or extension."""
        account = self.account(current.account_id if account_ref == "~" else account_ref)
        if extension_ref == "~":
            if account.id != current.account_id:
                raise ResourceNotFound("extensionId")
            return current
        for ext in account.extensions:
            if ext.id == extension_ref:
                return ext
        raise ResourceNotFound("extensionId")
