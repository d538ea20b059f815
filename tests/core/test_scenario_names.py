"""A scenario name is matched in full wherever one is taken (``re.match`` with ``$`` let a
trailing newline through; as the default it then broke every create's response header)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from emulator.core.errors import InvalidParameterDetail
from emulator.core.rules import Match
from emulator.core.scenario import Scenario, Step, valid_name
from emulator.core.statuses import CallingStatus as S
from tests.core.test_emulator import ALICE, REQUEST, make

NEWLINE = "busy\n"
BAD = ["busy\n", "busy\r\n", "\nbusy", "Busy", "bu sy", "", "b" * 65, "busy+20s"]


@pytest.mark.parametrize("name", BAD)
def test_bad_names(name: str) -> None:
    assert not valid_name(name)


@pytest.mark.parametrize("name", ["busy", "0", "my-busy_2", "b" * 64])
def test_good_names(name: str) -> None:
    assert valid_name(name)


def detail(name: str) -> str:
    return f"A scenario name must match ^[a-z0-9][a-z0-9_\\-]{{0,63}}$, got {name!r}."


def test_an_upload_with_a_trailing_newline_is_refused() -> None:
    emulator, _ = make()
    with pytest.raises(InvalidParameterDetail) as caught:
        emulator.upload_scenario(Scenario("busy\n", "d", (Step(0), Step(1, callee=S.BUSY))))
    assert caught.value.message == f"Parameter [name] value is invalid. {detail(NEWLINE)}"
    assert "busy\n" not in emulator.scenarios


@pytest.mark.parametrize(
    ("take", "parameter"),
    [
        ("default", "scenario"),
        ("queue", "scenario"),
        ("rule", "scenario"),
        ("header", "X-Emulator-Scenario"),
    ],
)
def test_every_place_a_name_is_taken_matches_it_in_full(take: str, parameter: str) -> None:
    emulator, _ = make()
    emulator.scenarios["busy\n"] = emulator.scenarios["busy"]  # as if an older check had let it in
    actions: dict[str, Callable[[], object]] = {
        "default": lambda: emulator.set_default_scenario("busy\n"),
        "queue": lambda: emulator.queue_scenario("busy\n", Match()),
        "rule": lambda: emulator.add_rule("busy\n", Match(), None),
        "header": lambda: emulator.create_ringout(ALICE, REQUEST, "busy\n"),
    }
    with pytest.raises(InvalidParameterDetail) as caught:
        actions[take]()
    listed = " Valid names: busy, success."
    assert caught.value.message == f"Parameter [{parameter}] value is invalid. {detail(NEWLINE)}{listed}"
    assert caught.value.fields == {"parameterName": parameter}
    assert (emulator.default_scenario, len(emulator.queue), len(emulator.rules), len(emulator.calls)) == (
        "success",
        0,
        0,
        0,
    )
