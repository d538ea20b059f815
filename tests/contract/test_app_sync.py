"""The app and ``openapi.yaml`` agree. The file is the source of truth; the app is checked
against it:

1. Routes: every (method, path) the app serves is in the file, and every one in the file is
   served (except ``NOT_YET_IN_APP``).
2. Status codes and schemas: every status the file declares for a served operation is produced by
   a probe (``probes.py``, ``probes_control.py``: a real request against the app), and each
   probe's response has a declared status, a declared content type and a body valid against the
   declared schema. What no probe can reach is in ``NOT_YET_REACHABLE``, with the reason.
3. The fuzzer (``scripts/fuzz``, schemathesis) covers the other direction at scale: no response
   of any generated request may have an undeclared status or an off-schema body.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Route

from emulator.app import create_app, served_routes
from emulator.settings import Settings
from tests.contract.openapi_doc import OPENAPI_FILE, check_response, load, operations_by_key
from tests.contract.probes import CONTROL, PROBES, Probe
from tests.contract.probes_control import control_plane_probes

DOC = load(OPENAPI_FILE)
FILE_OPS = operations_by_key(DOC)

# Operations the file describes that the app does not serve (none: every route is served; a test
# fails while a served operation is still listed, so the list cannot go stale).
NOT_YET_IN_APP: set[tuple[str, str]] = set()

ALL_PROBES = [*PROBES, *control_plane_probes()]

# (method, path, status) declared in the file that no probe can produce, and why.
NOT_YET_REACHABLE = {
    # Only while the app is being built (create_app loads everything before it serves).
    ("GET", f"{CONTROL}/ready", 503): "before the app is built: not reachable in-process",
}


def app_routes() -> dict[tuple[str, str], Route]:
    """(method, path) -> route, for every route of a freshly built app."""
    return served_routes(create_app(Settings(clock="manual")))


def test_every_route_the_app_serves_is_in_the_file() -> None:
    assert sorted(app_routes().keys() - FILE_OPS.keys()) == []


def test_every_operation_in_the_file_is_served_except_the_listed_ones() -> None:
    assert sorted(FILE_OPS.keys() - app_routes().keys() - NOT_YET_IN_APP) == []


def test_not_yet_in_app_lists_only_unserved_operations_of_the_file() -> None:
    assert sorted(NOT_YET_IN_APP & app_routes().keys()) == [], "served now: delete them from NOT_YET_IN_APP"
    assert sorted(NOT_YET_IN_APP - FILE_OPS.keys()) == []


def test_operation_ids_the_app_sets_match_the_file() -> None:
    for key, route in app_routes().items():
        operation_id = getattr(route, "operation_id", None)
        if operation_id is not None:
            assert operation_id == FILE_OPS[key].operation_id, key


def test_every_declared_status_of_a_served_operation_has_a_probe() -> None:
    probed = {(p.method, p.path, p.status) for p in ALL_PROBES}
    served = {key: op for key, op in FILE_OPS.items() if key not in NOT_YET_IN_APP}
    declared = {(op.method, op.path, status) for op in served.values() for status in op.statuses}
    assert sorted(declared - probed - NOT_YET_REACHABLE.keys()) == []
    assert sorted(probed & NOT_YET_REACHABLE.keys()) == [], "probed now: delete them from NOT_YET_REACHABLE"
    every_declared = {(op.method, op.path, status) for op in FILE_OPS.values() for status in op.statuses}
    assert sorted(probed - every_declared) == [], "a probe for an undeclared status"


@pytest.mark.parametrize("probe", ALL_PROBES, ids=[p.id for p in ALL_PROBES])
def test_probe_gets_its_status_and_a_declared_body(probe: Probe, make_client: Callable[..., TestClient]) -> None:
    pending = sorted(({probe.key} | probe.requires) & NOT_YET_IN_APP)
    if pending:
        pytest.skip(f"not served on this branch yet: {pending}")
    client = make_client(**{"clock": "manual", **probe.settings})
    response = probe.send(client)
    assert response.status_code == probe.status, response.text
    check_response(DOC, FILE_OPS[probe.key], response)
