"""Reads the accounts file (YAML) into the core's ``Directory``; errors name the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from emulator.core import directory as d
from emulator.core.oauth import GRANTS
from emulator.core.phone import PhoneNumberError, is_region, to_e164
from emulator.documents import DocumentError, load_document

MAX_FILE_BYTES = 1024 * 1024  # an accounts file of a thousand extensions is ~200 KiB

_E164 = r"^\+[1-9][0-9]{6,14}$"
_ID = r"^[0-9]{1,20}$"


class AccountsFileError(ValueError):
    pass


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True)


class _Forwarding(_Model):
    id: str = Field(pattern=_ID)
    phone_number: str = Field(pattern=_E164)
    label: str = Field(max_length=60)
    type: str = "Mobile"
    features: list[str] = ["CallFlip", "CallForwarding"]
    flip_number: str | None = None
    ringout_default: bool = False


class _Calling(_Model):
    international: bool = True
    domestic: bool = True
    internal: bool = True


class _Extension(_Model):
    id: str = Field(pattern=_ID)
    extension_number: str = Field(pattern=r"^[0-9]{1,8}$")
    name: str
    password: str | None = None
    jwt: str | None = None
    type: str = "User"
    status: str = "Enabled"
    direct_numbers: list[str] = []
    caller_ids: list[str] = []
    forwarding_numbers: list[_Forwarding] = []
    calling: _Calling = _Calling()

    @field_validator("direct_numbers", "caller_ids")
    @classmethod
    def _numbers(cls, numbers: list[str]) -> list[str]:
        """Stored as E.164, so a request's (normalised) callerId compares equal to them."""
        normalised = []
        for number in numbers:
            try:
                normalised.append(to_e164(number, "US"))
            except PhoneNumberError:
                raise ValueError(f"{number!r} is not an E.164 phone number") from None
        return normalised

    @field_validator("forwarding_numbers")
    @classmethod
    def _one_ringout_default(cls, numbers: list[_Forwarding]) -> list[_Forwarding]:
        marked = [n.id for n in numbers if n.ringout_default]
        if len(marked) > 1:
            raise ValueError(f"at most one forwarding number may be the ringoutDefault, got {', '.join(marked)}")
        return numbers


class _Account(_Model):
    id: str = Field(pattern=_ID)
    name: str = ""
    main_number: str = Field(pattern=_E164)
    home_country: str = Field(pattern=r"^[A-Z]{2}$")
    extensions: list[_Extension] = Field(min_length=1)

    @field_validator("home_country")
    @classmethod
    def _known_region(cls, code: str) -> str:
        if not is_region(code):
            raise ValueError(f"{code!r} is not a country with a dialing plan (an ISO 3166 alpha-2 code, e.g. US)")
        return code


class _App(_Model):
    client_id: str = Field(min_length=1)
    client_secret: str | None = None
    name: str = ""
    permissions: list[str] = []
    grants: list[str] = []
    redirect_uris: list[str] = []

    @field_validator("grants")
    @classmethod
    def _known_grants(cls, grants: list[str]) -> list[str]:
        for grant in grants:
            if grant not in GRANTS:
                raise ValueError(f"unknown grant {grant!r}; known: {', '.join(GRANTS)}")
        return grants


class _AccountsFile(_Model):
    accounts: list[_Account] = Field(min_length=1)
    apps: list[_App] = []

    @model_validator(mode="after")
    def _unique_ids(self) -> _AccountsFile:
        seen: set[str] = set()
        for account in self.accounts:
            for ident in [account.id, *(e.id for e in account.extensions)]:
                if ident in seen:
                    raise ValueError(f"id {ident!r} is used twice (account and extension ids must be unique)")
                seen.add(ident)
        extensions = [e for a in self.accounts for e in a.extensions]
        _unique("forwarding number id", [n.id for e in extensions for n in e.forwarding_numbers])
        _unique("jwt", [e.jwt for e in extensions if e.jwt])
        _unique("clientId", [app.client_id for app in self.apps])
        return self


def _unique(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is used twice")
        seen.add(value)


def parse_accounts(data: Any, where: str) -> d.Directory:
    try:
        model = _AccountsFile.model_validate(data)
    except ValidationError as exc:
        lines = [f"{where}: {'.'.join(str(p) for p in err['loc']) or 'document'}: {err['msg']}" for err in exc.errors()]
        raise AccountsFileError("\n".join(lines)) from None
    return d.Directory(
        accounts=tuple(_account(a) for a in model.accounts),
        apps=tuple(
            d.App(a.client_id, a.client_secret, a.name, tuple(a.permissions), tuple(a.grants), tuple(a.redirect_uris))
            for a in model.apps
        ),
    )


def load_accounts_file(path: Path) -> d.Directory:
    try:
        data = load_document(path.read_bytes(), "application/yaml", str(path), max_bytes=MAX_FILE_BYTES)
    except OSError as exc:
        raise AccountsFileError(f"{path}: cannot be read: {exc}") from None
    except DocumentError as exc:
        raise AccountsFileError("\n".join(exc.problems)) from None
    return parse_accounts(data, str(path))


def _account(model: _Account) -> d.Account:
    return d.Account(
        id=model.id,
        name=model.name,
        main_number=model.main_number,
        home_country=model.home_country,
        extensions=tuple(_extension(e, model.id) for e in model.extensions),
    )


def _extension(model: _Extension, account_id: str) -> d.Extension:
    return d.Extension(
        id=model.id,
        account_id=account_id,
        extension_number=model.extension_number,
        name=model.name,
        password=model.password,
        jwt=model.jwt,
        type=model.type,
        status=model.status,
        direct_numbers=tuple(model.direct_numbers),
        caller_ids=tuple(model.caller_ids),
        forwarding_numbers=tuple(
            d.ForwardingNumber(
                f.id, f.phone_number, f.label, f.type, tuple(f.features), f.flip_number, f.ringout_default
            )
            for f in model.forwarding_numbers
        ),
        calling=d.CallingPermissions(model.calling.international, model.calling.domestic, model.calling.internal),
    )
