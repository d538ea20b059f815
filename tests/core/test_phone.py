"""Phone numbers: possible vs strict, RingCentral country ids, only ASCII digits."""

from __future__ import annotations

import pytest

from emulator.core.phone import PhoneNumberError, Validation, region_for_country_id, region_of, to_e164

FULLWIDTH = {ord(str(d)): 0xFF10 + d for d in range(10)}  # digits phonenumbers would fold

POSSIBLE, STRICT = Validation.POSSIBLE, Validation.STRICT


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("13445554444", "US", "+13445554444"),  # the seed's from: possible, not valid
        ("13455553434", "US", "+13455553434"),  # the seed's to: +1 345 = Cayman Islands
        ("+16505550111", "US", "+16505550111"),
        ("(650) 555-0111", "US", "+16505550111"),
        ("650.555.0111", "US", "+16505550111"),
        (" +44 20 7183 8750 ", "US", "+442071838750"),
        ("020 7183 8750", "GB", "+442071838750"),
        ("01 42 68 53 00", "FR", "+33142685300"),
    ],
)
def test_possible_numbers(raw: str, region: str, expected: str) -> None:
    assert to_e164(raw, region) == expected
    assert to_e164(raw, region, POSSIBLE) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("+16505550111", "+16505550111"), ("2125550123", "+12125550123"), ("+13459491234", "+13459491234")],
)
def test_strict_accepts_valid_numbers(raw: str, expected: str) -> None:
    assert to_e164(raw, "US", STRICT) == expected


@pytest.mark.parametrize("raw", ["13445554444", "13455553434"])
def test_strict_rejects_the_seeds_possible_but_invalid_numbers(raw: str) -> None:
    with pytest.raises(PhoneNumberError, match="not a strict number"):
        to_e164(raw, "US", STRICT)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "+",
        "abc",
        "0",
        "123",  # too short to be possible
        "+0123",  # no country code starts with 0
        "+1650555011112345",  # too long
        "1344555444x",
        "١٣٤٤٥٥٥٤٤٤٤",  # Arabic-Indic digits: phonenumbers would fold them
        "13445554444".translate(FULLWIDTH),  # fullwidth digits
        "\u200f+13445554444",  # right-to-left mark
        "+1344555\u200e4444",  # left-to-right mark inside
        "+1\u00a0344 555 4444",  # no-break space
    ],
)
@pytest.mark.parametrize("validation", list(Validation))
def test_not_phone_numbers(raw: str, validation: Validation) -> None:
    with pytest.raises(PhoneNumberError):
        to_e164(raw, "US", validation)


@pytest.mark.parametrize(
    ("country_id", "region"),
    [("1", "US"), ("39", "CA"), ("75", "FR"), ("224", "GB"), ("GB", "GB"), ("de", "DE")],
)
def test_country_ids(country_id: str, region: str) -> None:
    assert region_for_country_id(country_id) == region


@pytest.mark.parametrize("country_id", ["", "999", "XX", "USA", "44"])
def test_unknown_country_ids(country_id: str) -> None:
    assert region_for_country_id(country_id) is None


@pytest.mark.parametrize(
    ("number", "region"),
    [("+13455553434", "KY"), ("+16505550111", "US"), ("+13445554444", "US"), ("+442071838750", "GB")],
)
def test_region_of(number: str, region: str) -> None:
    assert region_of(number) == region
