"""The one scenario document loader (files and uploads): bounded size and nesting, JSON and YAML
errors named as such, media types, strict validation reported in one pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from emulator.core.scenario import Scenario
from emulator.scenario_files import (
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    UPLOAD_MEDIA_TYPES,
    ScenarioFileError,
    load_scenario_file,
    parse_upload,
)

WHERE = "uploaded scenario 'mine'"
GOOD = {"description": "busy", "steps": [{"at": 0}, {"at": 2, "callee": "Busy"}]}


def problems(body: bytes, media_type: str = "application/json", name: str = "mine") -> list[str]:
    with pytest.raises(ScenarioFileError) as caught:
        parse_upload(name, body, media_type)
    return caught.value.problems


def upload_json(document: object) -> list[str]:
    return problems(json.dumps(document).encode())


def test_a_good_upload_in_every_accepted_media_type() -> None:
    assert UPLOAD_MEDIA_TYPES == ("application/json", "application/yaml", "application/x-yaml", "text/yaml")
    for media_type in (*UPLOAD_MEDIA_TYPES, "Application/JSON; charset=utf-8"):
        scenario = parse_upload("mine", json.dumps(GOOD).encode(), media_type)  # JSON is YAML too
        assert isinstance(scenario, Scenario)
        assert (scenario.name, scenario.description, scenario.last_index) == ("mine", "busy", 1)


def test_other_media_types_are_refused_naming_the_accepted_ones() -> None:
    assert problems(json.dumps(GOOD).encode(), "text/plain") == [
        f"{WHERE}: media type [text/plain] is not accepted; "
        "send one of: application/json, application/yaml, application/x-yaml, text/yaml"
    ]


@pytest.mark.parametrize("depth", [1_000, 30_000])
def test_deep_json_is_a_json_error_not_a_recursion_error(depth: int) -> None:
    body = b"[" * depth + b"]" * depth
    assert problems(body) == [f"{WHERE}: JSON error: recursion limit exceeded at line 1 column 202"]


DEEP_YAML = f"{WHERE}: YAML error: nested deeper than {MAX_DEPTH} levels"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"[" * 1000 + b"]" * 1000, f"{DEEP_YAML} (line 1)"),
        (b"{a: " * 1000 + b"}" * 1000, f"{DEEP_YAML} (line 1)"),
        (b"- " * 30_000 + b"x", f"{DEEP_YAML} (line 1)"),
        ("".join("  " * i + "a:\n" for i in range(100)).encode(), f"{DEEP_YAML} (line 17)"),
        (
            b"[" * 1001 + b"]" * 1001,  # libyaml's own bound, past 1000 levels (the pure-Python parser has none)
            f"{WHERE}: YAML error at line 1, column 1001: while increasing flow level, exceeded maximum nesting depth"
            if yaml.__with_libyaml__
            else f"{DEEP_YAML} (line 1)",
        ),
    ],
)
def test_deep_yaml_is_refused_before_it_is_built(body: bytes, expected: str) -> None:
    assert problems(body, "application/yaml") == [expected]


def test_nesting_up_to_the_bound_is_read() -> None:
    nested = "[" * (MAX_DEPTH - 3) + "1" + "]" * (MAX_DEPTH - 3)  # the document, steps and a step: 3
    body = f"description: x\nsteps: [{{at: 0, caller: {nested}}}]\n".encode()
    assert problems(body, "text/yaml")[0] == f"{WHERE}: step 0, field caller: Input should be 'Invalid', " + (
        "'Success', 'InProgress', 'Busy', 'NoAnswer', 'RingOutFromThisNumberIsNotSupported', 'Rejected', "
        "'GenericError', 'Finished', 'InternationalDisabled', 'DestinationBlocked', 'NotEnoughFunds', 'NosuchUser', "
        "'Error', 'CannotReach', 'NoAnsweringMachine', 'NoSessionFound' or 'Unknown'"
    )


def test_a_document_larger_than_the_bound() -> None:
    body = json.dumps({**GOOD, "pad": "x" * MAX_DOCUMENT_BYTES}).encode()
    assert problems(body) == [f"{WHERE}: larger than {MAX_DOCUMENT_BYTES} bytes"]


def test_yaml_errors_are_called_yaml_and_json_errors_json() -> None:
    assert problems(b"description: [unclosed\n", "application/yaml") == [
        f"{WHERE}: YAML error at line 2, column 1: while parsing a flow sequence, did not find expected ',' or ']'"
    ]
    assert problems(b"description: caf\xe9\n", "application/x-yaml") == [
        f"{WHERE}: YAML error: not UTF-8 "
        "('utf-8' codec can't decode byte 0xe9 in position 16: invalid continuation byte)"
    ]
    assert problems(b"{") == [f"{WHERE}: JSON error: EOF while parsing an object at line 1 column 1"]
    assert problems(b'{"description": NaN}') == [f"{WHERE}: JSON error: expected value at line 1 column 17"]


def test_a_file_goes_through_the_same_loader(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 1000 + "]" * 1000, encoding="utf-8")
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario_file(path)
    assert caught.value.problems == [f"{path}: YAML error: nested deeper than {MAX_DEPTH} levels (line 1)"]


@pytest.mark.parametrize("name", ["busy\n", "busy\r\n", "\nbusy", "Busy", "", "a" * 65])
def test_a_name_must_match_in_full(name: str) -> None:
    assert problems(json.dumps(GOOD).encode(), name=name) == [
        f"uploaded scenario {name!r}: name {name!r} must match ^[a-z0-9][a-z0-9_\\-]{{0,63}}$"
    ]


@pytest.mark.parametrize(("at", "got"), [(True, "true"), ("0", "'0'"), (None, "null"), ([0], "[0]")])
def test_at_is_a_number_not_a_bool_or_a_string(at: object, got: str) -> None:
    document = {"description": "x", "steps": [{"at": at}, {"at": 1, "callee": "Busy"}]}
    assert upload_json(document) == [f"{WHERE}: step 0, field at: Input should be a valid number"], got


def test_an_integer_at_is_a_number() -> None:
    assert parse_upload("mine", b"description: x\nsteps: [{at: 0}, {at: 3, callee: Busy}]", "text/yaml").offsets == (
        0.0,
        3.0,
    )


@pytest.mark.parametrize("description", ["two\nlines", "two\r\nlines", "trailing newline\n", "sep\u2028arated"])
def test_a_description_is_one_line(description: str) -> None:
    assert upload_json({**GOOD, "description": description}) == [
        f"{WHERE}: field description: Value error, must be a single line"
    ]


def test_field_and_order_problems_come_in_one_report() -> None:
    document = {
        "name": "other",
        "description": "x",
        "steps": [{"at": 1, "caller": "Nope"}, {"at": 5}, {"at": 3, "colour": "red"}, {"at": True}],
    }
    assert upload_json(document) == [
        f"{WHERE}: step 0, field caller: Input should be 'Invalid', 'Success', 'InProgress', 'Busy', 'NoAnswer', "
        "'RingOutFromThisNumberIsNotSupported', 'Rejected', 'GenericError', 'Finished', 'InternationalDisabled', "
        "'DestinationBlocked', 'NotEnoughFunds', 'NosuchUser', 'Error', 'CannotReach', 'NoAnsweringMachine', "
        "'NoSessionFound' or 'Unknown'",
        f"{WHERE}: step 2, field colour: Extra inputs are not permitted",
        f"{WHERE}: step 3, field at: Input should be a valid number",
        f"{WHERE}: step 0, field at: the first step must be at 0",
        f"{WHERE}: step 2, field at: 3 is before step 1 (at 5)",
        f"{WHERE}: name: 'other' differs from the file stem 'mine'",
    ]


@pytest.mark.parametrize(
    ("steps", "state"),
    [
        ([{"at": 0}], "call InProgress, caller InProgress, callee InProgress"),
        ([{"at": 0}, {"at": 4, "caller": "Success"}], "call InProgress, caller Success, callee InProgress"),
        (
            [{"at": 0}, {"at": 4, "caller": "Success", "callee": "Success"}],
            "call Success, caller Success, callee Success",
        ),
    ],
)
def test_the_last_step_must_end_the_call(steps: list[dict[str, object]], state: str) -> None:
    assert upload_json({"description": "never ends", "steps": steps}) == [
        f"{WHERE}: step {len(steps) - 1}: the call is still live after the last step ({state}): "
        "the last step must end it (a leg fails, or both legs are Finished)"
    ]


def test_a_timeline_out_of_order_that_never_ends_is_reported_in_one_pass() -> None:
    """Both problems at once: the ending was reported only once the order was fixed (two passes)."""
    steps = [{"at": 5, "caller": "Success"}, {"at": 1}]
    assert upload_json({"description": "two problems", "steps": steps}) == [
        f"{WHERE}: step 0, field at: the first step must be at 0",
        f"{WHERE}: step 1, field at: 1 is before step 0 (at 5)",
        f"{WHERE}: step 1: the call is still live after the last step (call InProgress, caller Success, "
        "callee InProgress): the last step must end it (a leg fails, or both legs are Finished)",
    ]
    assert upload_json({"description": "two\nlines", "steps": [{"at": 0}]}) == [
        f"{WHERE}: field description: Value error, must be a single line",
        f"{WHERE}: step 0: the call is still live after the last step (call InProgress, caller InProgress, "
        "callee InProgress): the last step must end it (a leg fails, or both legs are Finished)",
    ]


@pytest.mark.parametrize(
    "last",
    [
        {"at": 9, "caller": "Finished", "callee": "Finished"},
        {"at": 9, "callee": "Busy"},
        {"at": 9, "callee": "GenericError", "call": "NoAnsweringMachine"},
    ],
)
def test_a_last_step_that_ends_the_call(last: dict[str, object]) -> None:
    document = {"description": "ends", "steps": [{"at": 0}, {"at": 4, "caller": "Success"}, last]}
    assert parse_upload("mine", json.dumps(document).encode(), "application/json").last_index == 2


@pytest.mark.parametrize(
    ("body", "media_type"),
    [
        (b'{"description": "x", "steps": [{"at": 1' + b"0" * 400 + b"}]}", "application/json"),
        (b"description: x\nsteps: [{at: 1" + b"0" * 400 + b"}]", "text/yaml"),
    ],
)
def test_an_at_too_large_for_a_float_is_a_problem(body: bytes, media_type: str) -> None:
    assert problems(body, media_type) == [f"{WHERE}: step 0, field at: Input should be a valid number"]


def test_a_nan_at_is_a_problem() -> None:
    assert problems(b"description: x\nsteps: [{at: 0}, {at: .nan}]", "text/yaml") == [
        f"{WHERE}: step 1, field at: Input should be less than or equal to 86400"
    ]


def test_a_chain_of_aliases_counts_as_deep_as_what_it_names() -> None:
    chain = ["a0: &a0 [1]", *(f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 2500)), "description: *a2499"]
    assert problems("\n".join(chain).encode(), "text/yaml") == [f"{DEEP_YAML} (line 16)"]


def test_aliases_within_the_bound_are_read() -> None:
    body = b"description: x\nsteps: [&first {at: 0}, {at: 1, callee: Busy}]\nname: mine\n"
    assert parse_upload("mine", body, "text/yaml").offsets == (0.0, 1.0)


def test_a_node_that_contains_itself_is_a_problem_not_a_recursion() -> None:
    assert problems(b"description: x\nsteps: &a [*a]", "text/yaml") == [
        f"{WHERE}: step 0: Input should be a valid dictionary or instance of _StepModel"
    ]
