"""Turns a RingOut request into the two numbers to dial, checked against the extension."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.directory import Account, Extension
from emulator.core.errors import (
    CallerIdNotAllowed,
    InvalidFromNumber,
    InvalidParameter,
    InvalidToNumber,
    MandatoryParameterMissing,
    ParameterError,
)
from emulator.core.phone import PhoneNumberError, Validation, region_for_country_id, region_of, to_e164


@dataclass(frozen=True, slots=True)
class RingOutRequest:
    """The request body, already shape-checked by the API layer (``None`` = absent)."""

    to_number: str | None
    to_given: bool = True
    from_number: str | None = None
    from_forwarding_id: str | None = None
    from_given: bool = False
    caller_id: str | None = None
    play_prompt: bool = False
    country_id: str | None = None


@dataclass(frozen=True, slots=True)
class DialPlan:
    from_number: str
    to_number: str
    caller_id: str | None
    play_prompt: bool
    allowed: bool  # False when the extension's calling permissions forbid the destination


def plan_call(request: RingOutRequest, account: Account, extension: Extension, validation: Validation) -> DialPlan:
    region = account.home_country
    if request.country_id is not None:
        found = region_for_country_id(request.country_id)
        if found is None:
            raise InvalidParameter("country.id")
        region = found
    if not request.to_given:
        raise MandatoryParameterMissing("to")
    to_number = _number(request.to_number, region, validation, InvalidToNumber, "to")
    from_number = _from_number(request, extension, region, validation)
    caller_id = None
    if request.caller_id is not None:
        caller_id = _number(request.caller_id, region, validation, InvalidParameter, "callerId.phoneNumber")
        if caller_id not in extension.caller_ids:
            raise CallerIdNotAllowed("callerId", number=caller_id)
    return DialPlan(
        from_number=from_number,
        to_number=to_number,
        caller_id=caller_id,
        play_prompt=request.play_prompt,
        allowed=may_call(account, extension, to_number),
    )


def may_call(account: Account, extension: Extension, number: str) -> bool:
    """Internal (a number of the same account), domestic or international, per the extension."""
    if number in account.numbers:
        return extension.calling.internal
    if region_of(number) == account.home_country:
        return extension.calling.domestic
    return extension.calling.international


def _from_number(request: RingOutRequest, extension: Extension, region: str, validation: Validation) -> str:
    if request.from_forwarding_id is not None:
        return extension.forwarding_number(request.from_forwarding_id).phone_number
    if request.from_number is not None or request.from_given:
        return _number(request.from_number, region, validation, InvalidFromNumber, "from")
    default = extension.default_forwarding_number()
    if default is None:
        raise MandatoryParameterMissing("from")
    return default.phone_number


def _number(raw: str | None, region: str, validation: Validation, error: type[ParameterError], name: str) -> str:
    """``raw`` as E.164, else ``error(name)`` (built only when raised: it formats its message)."""
    if raw is None:
        raise error(name)
    try:
        return to_e164(raw, region, validation)
    except PhoneNumberError:
        raise error(name) from None
