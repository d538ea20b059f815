"""Phone numbers: parsed with phonenumbers into E.164, checked as *possible* or *valid*."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

import phonenumbers

# RingCentral's dialing-plan dictionary ids (``country.id``) for the countries we know;
# an ISO 3166 alpha-2 code is accepted too.
RC_COUNTRY_IDS: dict[str, str] = {"1": "US", "39": "CA", "75": "FR", "224": "GB"}
_ALLOWED = frozenset("+0123456789 -().")
# Parsing is the costliest step of a create; the same few numbers come back again and again, so
# short inputs are memoised (a pure function, bounded cache; long inputs are never cached).
_CACHED_LENGTH = 32
_CACHE_SIZE = 4096


class Validation(StrEnum):
    POSSIBLE = "possible"
    STRICT = "strict"


class PhoneNumberError(ValueError):
    """The text is not a phone number the platform would dial."""


def is_region(code: str) -> bool:
    """Whether ``code`` is an ISO 3166 alpha-2 region with a dialing plan."""
    return code in phonenumbers.SUPPORTED_REGIONS


def region_for_country_id(country_id: str) -> str | None:
    """The ISO region for a RingCentral ``country.id`` (or an ISO code), else None."""
    if country_id in RC_COUNTRY_IDS:
        return RC_COUNTRY_IDS[country_id]
    code = country_id.upper()
    if len(code) == 2 and is_region(code):
        return code
    return None


def to_e164(raw: str, region: str, validation: Validation = Validation.POSSIBLE) -> str:
    """``raw`` as E.164. Without ``+`` it is read in ``region``'s dialing plan.

    Only ASCII digits, ``+`` and the usual separators are accepted: phonenumbers would fold
    other scripts' digits, which the platform does not.
    """
    if len(raw) <= _CACHED_LENGTH:
        return _cached_e164(raw, region, validation)
    return _to_e164(raw, region, validation)


@lru_cache(maxsize=_CACHE_SIZE)
def _cached_e164(raw: str, region: str, validation: Validation) -> str:
    return _to_e164(raw, region, validation)


def _to_e164(raw: str, region: str, validation: Validation) -> str:
    text = raw.strip()
    if not text or not set(text) <= _ALLOWED or not any(c.isdigit() for c in text):
        raise PhoneNumberError(f"not a phone number: {raw!r}")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise PhoneNumberError(str(exc)) from exc
    ok = (
        phonenumbers.is_valid_number(number)
        if validation is Validation.STRICT
        else phonenumbers.is_possible_number(number)
    )
    if not ok:
        raise PhoneNumberError(f"not a {validation.value} number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=_CACHE_SIZE)
def region_of(e164: str) -> str:
    """The region a number belongs to; for a number the plan cannot place, its calling code's
    main region (an unassigned +1 area code counts as US)."""
    number = phonenumbers.parse(e164, None)
    region = phonenumbers.region_code_for_number(number)
    if region is None or region == "ZZ":
        region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    return region
