"""``openapi.yaml`` on its own: a valid OpenAPI 3.0 document, the control plane marked as not
RingCentral's, RingCentral-shaped errors everywhere."""

from __future__ import annotations

from collections import Counter

from openapi_spec_validator import validate

from tests.contract.openapi_doc import CONTROL_PREFIX, OPENAPI_FILE, deref, is_control, load, operations

DOC = load(OPENAPI_FILE)
OPS = list(operations(DOC))
CONTROL_TAG = "Emulator control plane"


def test_it_is_a_valid_openapi_3_0_document() -> None:
    validate(DOC)
    assert DOC["openapi"].startswith("3.0.")


def test_operation_ids_are_unique() -> None:
    counts = Counter(op.operation_id for op in OPS)
    assert [name for name, n in counts.items() if n != 1 or not name] == []


def test_the_control_plane_is_tagged_and_marked_as_not_ringcentral() -> None:
    tag = next(t for t in DOC["tags"] if t["name"] == CONTROL_TAG)
    assert tag["x-emulator-control-plane"] is True
    assert "Not part of RingCentral's API" in tag["description"]
    for op in OPS:
        control = is_control(op.path)
        assert (op.spec.get("tags") == [CONTROL_TAG]) is control, op.key
        assert op.spec.get("x-emulator-control-plane", False) is control, op.key
        if control:
            assert "Not part of RingCentral's API" in " ".join(op.spec["description"].split()), op.key


def test_every_operation_has_a_success_status() -> None:
    for op in OPS:
        assert [s for s in op.statuses if 200 <= s < 400], op.key


def test_every_error_response_is_ringcentral_shaped() -> None:
    shapes = {"ErrorResponse", "OauthErrorResponse"}
    schemas = DOC["components"]["schemas"]
    for op in OPS:
        for status, response in op.spec["responses"].items():
            if int(status) < 400 or op.path == f"{CONTROL_PREFIX}ready":
                continue
            declared = deref(DOC, response)
            schema = declared["content"]["application/json"]["schema"]
            assert any(schema == deref(DOC, schemas[name]) for name in shapes), (op.key, status)


def test_its_version_is_the_package_version() -> None:
    from emulator import __version__

    assert DOC["info"]["version"] == __version__


def test_the_scenario_source_values_are_the_cores() -> None:
    from emulator.core.choice import Source

    values = [source.value for source in Source]
    header = DOC["components"]["headers"]["EmulatorScenarioSource"]["schema"]
    call = DOC["components"]["schemas"]["EmulatorCall"]["properties"]["scenarioSource"]
    assert header["enum"] == call["enum"] == values
