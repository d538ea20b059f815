"""The app and ``openapi.yaml`` agree. The file is the source of truth; the app is checked
against it:

1. Routes: every (method, path) the app serves is in the file, every one in the file is served,
   and every route is named by its operation's ``operationId``.
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

from emulator.api.account_scope import scoped
from emulator.app import app_routes, create_app
from emulator.settings import Settings
from tests.contract.openapi_doc import OPENAPI_FILE, check_response, load, operations_by_key
from tests.contract.probes import CONTROL, PROBES, Probe
from tests.contract.probes_control import control_plane_probes, declares_account
from tests.contract.probes_subscriptions import subscription_probes

DOC = load(OPENAPI_FILE)
FILE_OPS = operations_by_key(DOC)

ALL_PROBES = [*PROBES, *control_plane_probes(), *subscription_probes()]

# (method, path, status) declared in the file that no probe can produce, and why.
NOT_YET_REACHABLE = {
    # Only while the app is being built (create_app loads everything before it serves).
    ("GET", f"{CONTROL}/ready", 503): "before the app is built: not reachable in-process",
}


def served() -> dict[tuple[str, str], Route]:
    """(method, path) -> route, for every route of a freshly built app."""
    return app_routes(create_app(Settings(clock="manual")))


def test_every_route_the_app_serves_is_in_the_file() -> None:
    assert sorted(served().keys() - FILE_OPS.keys()) == []


def test_every_operation_in_the_file_is_served() -> None:
    assert sorted(FILE_OPS.keys() - served().keys()) == []


def test_every_route_is_named_by_its_operation_id() -> None:
    names = {key: route.name for key, route in served().items()}
    assert names == {key: FILE_OPS[key].operation_id for key in names}
    assert len(set(names.values())) == len(names)


def test_the_account_parameters_are_declared_on_exactly_the_account_scoped_operations() -> None:
    """``X-Emulator-Account`` / ``?account=`` (``api/account_scope.py``) act on every control route
    the middleware scopes: each of those operations must declare both, no other may."""
    control = [op for op in FILE_OPS.values() if op.path.startswith(f"{CONTROL}/")]
    declared = {op.key: declares_account(op.spec["parameters"]) for op in control}
    assert declared == {op.key: scoped(op.path.removeprefix(CONTROL)) for op in control}
    assert any(declared.values())


def test_every_declared_status_of_a_served_operation_has_a_probe() -> None:
    probed = {(p.method, p.path, p.status) for p in ALL_PROBES}
    declared = {(op.method, op.path, status) for op in FILE_OPS.values() for status in op.statuses}
    assert sorted(declared - probed - NOT_YET_REACHABLE.keys()) == []
    assert sorted(probed & NOT_YET_REACHABLE.keys()) == [], "probed now: delete them from NOT_YET_REACHABLE"
    assert sorted(probed - declared) == [], "a probe for an undeclared status"


@pytest.mark.parametrize("probe", ALL_PROBES, ids=[p.id for p in ALL_PROBES])
def test_probe_gets_its_status_and_a_declared_body(probe: Probe, make_client: Callable[..., TestClient]) -> None:
    client = make_client(**{"clock": "manual", **probe.settings})
    response = probe.send(client)
    assert response.status_code == probe.status, response.text
    check_response(DOC, FILE_OPS[probe.key], response)
