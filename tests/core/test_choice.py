"""Scenario choice: header, else policy, else the default; unknown names list the valid ones."""

from __future__ import annotations

import pytest

from emulator.core.choice import Choice, choose
from emulator.core.dialing import DialPlan
from emulator.core.errors import UnknownScenario
from emulator.core.scenario import Scenario, Step

CATALOGUE = {name: Scenario(name, name, (Step(0),)) for name in ("success", "busy", "international_disabled")}
ALLOWED = DialPlan("+16505550111", "+13455553434", None, False, allowed=True)
FORBIDDEN = DialPlan("+16505550111", "+13455553434", None, False, allowed=False)


@pytest.mark.parametrize(
    ("plan", "header", "default", "expected"),
    [
        (ALLOWED, None, "success", ("success", "default")),
        (ALLOWED, None, "busy", ("busy", "default")),
        (FORBIDDEN, None, "success", ("international_disabled", "policy")),
        (FORBIDDEN, "busy", "success", ("busy", "header")),
        (ALLOWED, "success", "busy", ("success", "header")),
    ],
)
def test_first_match_wins(plan: DialPlan, header: str | None, default: str, expected: tuple[str, str]) -> None:
    choice = choose(CATALOGUE, plan, header, default)
    assert choice == Choice(CATALOGUE[expected[0]], expected[1])


def test_unknown_header_lists_valid_names() -> None:
    with pytest.raises(UnknownScenario) as caught:
        choose(CATALOGUE, ALLOWED, "nope", "success")
    error = caught.value
    assert (error.status, error.error_code) == (400, "CMN-101")
    assert error.message == (
        "Parameter [X-Emulator-Scenario] value is invalid. Unknown scenario [nope]; "
        "valid names: busy, international_disabled, success"
    )
    assert error.fields == {"parameterName": "X-Emulator-Scenario"}
