"""Scenario files: validation errors name the file, the step and the field; a user directory
adds to and overrides the bundled catalogue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from emulator.bundled import bundled_scenarios_dir
from emulator.core.clock import ManualClock
from emulator.core.scenario import Step
from emulator.core.statuses import CallingStatus as S
from emulator.scenario_files import ScenarioFileError, load_catalogue, load_scenario_dir, load_scenario_file
from tests.conftest import RINGOUT, SEED_SAMPLE

MakeClient = Callable[..., TestClient]
INSTANT = (
    "description: instant success\n"
    "steps: [{at: 0, caller: Success, callee: Success}, {at: 1, caller: Finished, callee: Finished}]\n"
)
GOOD = "description: fine\nsteps:\n  - {at: 0}\n  - {at: 2, caller: Busy}\n"


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario_file(path)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "description: x\nsteps:\n  - {at: 0}\n  - {at: 4, caller: Sucess}\n",
            "step 1, field caller: Input should be 'Invalid', 'Success', 'InProgress',",
        ),
        ("description: x\nsteps:\n  - {at: 0, colour: red}\n", "step 0, field colour: Extra inputs are not permitted"),
        ("description: x\nsteps:\n  - {at: -1}\n", "step 0, field at: Input should be greater than or equal to 0"),
        ("description: x\nsteps:\n  - {at: 0}\n  - {at: soon}\n", "step 1, field at: Input should be a valid number"),
        ("description: x\nsteps:\n  - {at: 1}\n", "step 0, field at: the first step must be at 0"),
        ("description: x\nsteps: [{at: 0}, {at: 5}, {at: 3}]\n", "step 2, field at: 3 is before step 1 (at 5)"),
        ("description: x\nsteps:\n  - {at: 0, call: Maybe}\n", "step 0, field call: Input should be"),
        ("steps: [{at: 0}]\n", "field description: Field required"),
        (
            "description: x\nsteps: [{at: 0}, {at: 86401}]\n",
            "step 1, field at: Input should be less than or equal to 86400",
        ),
        (
            "description: x\nsteps: [" + ", ".join(["{at: 0}"] * 101) + "]\n",
            "field steps: List should have at most 100",
        ),
        ("description: " + "x" * 301 + "\nsteps: [{at: 0}]\n", "field description: String should have at most 300"),
        ("description: ''\nsteps: [{at: 0}]\n", "field description: String should have at least 1 character"),
        ("description: x\n", "field steps: Field required"),
        ("description: x\nsteps: []\n", "field steps: List should have at least 1 item after validation, not 0"),
        ("description: x\nsteps: [{at: 0}]\nextra: 1\n", "field extra: Extra inputs are not permitted"),
        ("name: other\ndescription: x\nsteps: [{at: 0}]\n", "name: 'other' differs from the file stem 'scn'"),
        ("- a\n- b\n", "document: must be a mapping with description and steps, got a list"),
        ("", "document: must be a mapping with description and steps, got nothing"),
        (
            "description: [unclosed\n",
            "YAML error at line 2, column 1: while parsing a flow sequence, did not find expected",
        ),
    ],
)
def test_errors_name_the_file_the_step_and_the_field(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, "scn.yaml", text)
    problems = problems_of(path)
    assert problems[0].startswith(f"{path}: {expected}"), problems


def test_a_bad_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "Bad Name.yaml", GOOD)
    assert problems_of(path) == [f"{path}: name 'Bad Name' must match ^[a-z0-9][a-z0-9_\\-]{{0,63}}$"]


def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"description: caf\xe9\nsteps: [{at: 0}]\n")
    assert problems_of(path)[0].startswith(f"{path}: YAML error: not UTF-8 (")


def test_a_directory_reports_every_problem_at_once(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", GOOD)
    bad_step = write(tmp_path, "bad_step.yaml", "description: x\nsteps: [{at: 0}, {at: 1, callee: Nope}]\n")
    no_description = write(tmp_path, "no_description.yml", "steps: [{at: 0}]\n")
    write(tmp_path, "notes.txt", "ignored")
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario_dir(tmp_path)
    problems = caught.value.problems
    assert len(problems) == 3
    assert problems[0].startswith(f"{bad_step}: step 1, field callee: Input should be")
    assert problems[1] == f"{no_description}: field description: Field required"
    assert problems[2].startswith(f"{no_description}: step 0: the call is still live after the last step")


def test_the_same_name_twice_in_one_directory(tmp_path: Path) -> None:
    write(tmp_path, "twice.yaml", GOOD)
    yml = write(tmp_path, "twice.yml", GOOD)
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario_dir(tmp_path)
    assert caught.value.problems == [f"{yml}: scenario 'twice' is defined twice in {tmp_path}"]


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario_dir(tmp_path / "missing")
    assert caught.value.problems == [f"{tmp_path / 'missing'}: not a directory"]


def test_a_good_file(tmp_path: Path) -> None:
    scenario = load_scenario_file(write(tmp_path, "fine.yml", "name: fine\n" + GOOD))
    assert (scenario.name, scenario.description) == ("fine", "fine")
    assert scenario.steps == (Step(0.0), Step(2.0, caller=S.BUSY))


def test_a_user_directory_adds_to_and_overrides_the_bundled_ones(tmp_path: Path) -> None:
    write(tmp_path, "my_busy.yaml", GOOD)
    write(tmp_path, "success.yaml", INSTANT)
    catalogue = load_catalogue(bundled_scenarios_dir(), tmp_path)
    assert sorted(catalogue) == sorted({*load_scenario_dir(bundled_scenarios_dir()), "my_busy"})
    assert catalogue["success"].description == "instant success"
    assert catalogue["busy"].description.startswith("Caller answers; the callee line is busy")


def test_a_user_directory_through_the_settings(
    make_client: MakeClient, tmp_path: Path, manual_clock: ManualClock
) -> None:
    write(tmp_path, "my_busy.yaml", GOOD)
    write(tmp_path, "success.yaml", INSTANT)
    client = make_client(clock="manual", scenarios_dir=tmp_path)
    added = client.post(RINGOUT, json=SEED_SAMPLE, headers={"X-Emulator-Scenario": "my_busy"})
    assert added.headers["x-emulator-scenario"] == "my_busy"
    manual_clock.shift(2)
    assert client.get(f"{RINGOUT}/{added.json()['id']}").json()["status"] == {
        "callStatus": "CannotReach",
        "callerStatus": "Busy",
        "calleeStatus": "InProgress",
    }
    overridden = client.post(RINGOUT, json=SEED_SAMPLE)
    assert overridden.headers["x-emulator-scenario"] == "success"
    assert overridden.json()["status"] == {
        "callStatus": "Success",
        "callerStatus": "Success",
        "calleeStatus": "Success",
    }
    bundled = client.post(RINGOUT, json=SEED_SAMPLE, headers={"X-Emulator-Scenario": "no_answer"})
    assert bundled.status_code == 200
