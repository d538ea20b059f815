"""``plan_call`` / ``may_call``: the two numbers to dial, checked against the extension."""

from __future__ import annotations

from dataclasses import replace

import pytest

from emulator.core.dialing import DialPlan, RingOutRequest, may_call, plan_call
from emulator.core.directory import Account, CallingPermissions, Extension, ForwardingNumber
from emulator.core.errors import (
    CallerIdNotAllowed,
    EmulatorError,
    InvalidFromNumber,
    InvalidParameter,
    InvalidToNumber,
    MandatoryParameterMissing,
    ResourceNotFound,
)
from emulator.core.phone import Validation

MOBILE = ForwardingNumber("400131570001", "+16505550111", "Mobile")
HOME = ForwardingNumber("400131570002", "+16505550112", "Home", type="Home", ringout_default=True)
EXT = Extension(
    id="400131560009",
    account_id="400131560008",
    extension_number="101",
    name="Alice",
    direct_numbers=("+16505550101",),
    caller_ids=("+16505550100", "+16505550101"),
    forwarding_numbers=(MOBILE, HOME),
)
ACCOUNT = Account(id="400131560008", main_number="+16505550100", home_country="US", extensions=(EXT,))
SEED = RingOutRequest(to_number="13455553434", from_number="13445554444", from_given=True, play_prompt=True)
POSSIBLE = Validation.POSSIBLE


def plan(request: RingOutRequest, extension: Extension = EXT, validation: Validation = POSSIBLE) -> DialPlan:
    account = replace(ACCOUNT, extensions=(extension,))
    return plan_call(request, account, extension, validation)


def raised(request: RingOutRequest, extension: Extension = EXT, validation: Validation = POSSIBLE) -> EmulatorError:
    with pytest.raises(EmulatorError) as caught:
        plan(request, extension, validation)
    return caught.value


def test_the_seed_sample() -> None:
    assert plan(SEED) == DialPlan(
        from_number="+13445554444", to_number="+13455553434", caller_id=None, play_prompt=True, allowed=True
    )


def test_from_omitted_uses_the_default_forwarding_number() -> None:
    assert plan(RingOutRequest(to_number="+13455553434")).from_number == "+16505550112"


def test_without_a_marked_default_the_first_forwarding_number() -> None:
    unmarked = replace(EXT, forwarding_numbers=(MOBILE, replace(HOME, ringout_default=False)))
    assert plan(RingOutRequest(to_number="+13455553434"), unmarked).from_number == "+16505550111"


def test_without_forwarding_numbers_from_is_mandatory() -> None:
    error = raised(RingOutRequest(to_number="+13455553434"), replace(EXT, forwarding_numbers=()))
    assert isinstance(error, MandatoryParameterMissing)
    assert (error.status, error.error_code, error.message) == (
        400,
        "CMN-100",
        "Mandatory parameter [from] not specified.",
    )
    assert error.fields == {"parameterName": "from"}


def test_forwarding_number_id_resolves() -> None:
    request = RingOutRequest(to_number="+13455553434", from_forwarding_id="400131570001", from_given=True)
    assert plan(request).from_number == "+16505550111"


def test_unknown_forwarding_number_id() -> None:
    error = raised(RingOutRequest(to_number="+13455553434", from_forwarding_id="999", from_given=True))
    assert isinstance(error, ResourceNotFound)
    assert (error.status, error.error_code) == (404, "CMN-102")
    assert error.message == "Resource for parameter [forwardingNumberId] is not found"
    assert error.fields == {"parameterName": "forwardingNumberId"}


def test_to_is_mandatory() -> None:
    error = raised(RingOutRequest(to_number=None, to_given=False))
    assert isinstance(error, MandatoryParameterMissing)
    assert (error.status, error.error_code, error.message) == (
        400,
        "CMN-100",
        "Mandatory parameter [to] not specified.",
    )
    assert error.fields == {"parameterName": "to"}


@pytest.mark.parametrize("to_number", [None, "", "abc", "123", "١٣٤٤٥٥٥٤٤٤٤"])
def test_invalid_to(to_number: str | None) -> None:
    error = raised(RingOutRequest(to_number=to_number))
    assert isinstance(error, InvalidToNumber)
    assert (error.status, error.error_code) == (400, "TEL-109")
    assert error.message == "phoneNumber specified in the to field is empty or invalid"
    assert error.fields == {"parameterName": "to"}


@pytest.mark.parametrize("from_number", [None, "", "12", "\u200f13445554444"])
def test_invalid_from(from_number: str | None) -> None:
    error = raised(RingOutRequest(to_number="+13455553434", from_number=from_number, from_given=True))
    assert isinstance(error, InvalidFromNumber)
    assert (error.status, error.error_code) == (400, "TEL-108")
    assert error.message == "phoneNumber specified in the from field is empty or invalid"
    assert error.fields == {"parameterName": "from"}


def test_to_is_checked_before_from() -> None:
    assert isinstance(raised(RingOutRequest(to_number="x", from_number="y", from_given=True)), InvalidToNumber)


@pytest.mark.parametrize(
    ("caller_id", "expected"), [("+16505550100", "+16505550100"), ("650-555-0101", "+16505550101")]
)
def test_caller_id_must_be_one_of_the_extensions(caller_id: str, expected: str) -> None:
    assert plan(replace(SEED, caller_id=caller_id)).caller_id == expected


def test_caller_id_not_allowed() -> None:
    error = raised(replace(SEED, caller_id="+16505550199"))
    assert isinstance(error, CallerIdNotAllowed)
    assert (error.status, error.error_code) == (403, "TEL-107")
    assert error.message == "Caller ID: [+16505550199] is not allowed"
    assert error.fields == {"parameterName": "callerId"}


def test_caller_id_not_a_number() -> None:
    error = raised(replace(SEED, caller_id="nope"))
    assert isinstance(error, InvalidParameter)
    assert (error.error_code, error.message) == ("CMN-101", "Parameter [callerId.phoneNumber] value is invalid.")


def test_country_id_sets_the_dialing_plan() -> None:
    request = RingOutRequest(to_number="01 42 68 53 00", country_id="75")
    assert plan(request).to_number == "+33142685300"


def test_unknown_country_id() -> None:
    error = raised(RingOutRequest(to_number="+13455553434", country_id="999"))
    assert isinstance(error, InvalidParameter)
    assert (error.error_code, error.message) == ("CMN-101", "Parameter [country.id] value is invalid.")
    assert error.fields == {"parameterName": "country.id"}


def test_strict_validation_rejects_the_seed() -> None:
    assert isinstance(raised(SEED, validation=Validation.STRICT), InvalidToNumber)
    strict_ok = replace(SEED, to_number="+13459491234")
    assert isinstance(raised(strict_ok, validation=Validation.STRICT), InvalidFromNumber)
    valid = replace(strict_ok, from_number="+16505550111")
    assert plan(valid, validation=Validation.STRICT).to_number == "+13459491234"


INTERNAL = ("+16505550100", "+16505550101")  # main and direct numbers of the account
DOMESTIC = ("+12125550123", "+13445554444")  # an unassigned +1 area code counts as home
INTERNATIONAL = ("+13455553434", "+442071838750", "+33142685300")


@pytest.mark.parametrize(
    ("calling", "allowed"),
    [
        (CallingPermissions(), {*INTERNAL, *DOMESTIC, *INTERNATIONAL}),
        (CallingPermissions(international=False), {*INTERNAL, *DOMESTIC}),
        (CallingPermissions(domestic=False), {*INTERNAL, *INTERNATIONAL}),
        (CallingPermissions(internal=False), {*DOMESTIC, *INTERNATIONAL}),
        (CallingPermissions(False, False, False), set()),
    ],
)
def test_may_call(calling: CallingPermissions, allowed: set[str]) -> None:
    extension = replace(EXT, calling=calling)
    account = replace(ACCOUNT, extensions=(extension,))
    for number in (*INTERNAL, *DOMESTIC, *INTERNATIONAL):
        assert may_call(account, extension, number) is (number in allowed), number


def test_plan_reports_a_forbidden_destination() -> None:
    no_abroad = replace(EXT, calling=CallingPermissions(international=False))
    assert plan(SEED, no_abroad).allowed is False
    assert plan(replace(SEED, to_number="6505550101"), no_abroad).allowed is True
