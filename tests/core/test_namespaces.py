"""``Namespaces``: create, remove, the cap, ids unique across namespaces, which namespace a token or
client id names, and seeded determinism."""

from __future__ import annotations

from dataclasses import replace

import pytest

from emulator.app import build_namespaces
from emulator.core.call import ClockMode
from emulator.core.dialing import RingOutRequest
from emulator.core.directory import Directory
from emulator.core.errors import ControlConflict, InvalidParameterDetail, ResourceNotFound
from emulator.core.namespaces import Namespace, Namespaces, derived_seed, directory_ids
from emulator.core.tokens import Ttls
from emulator.settings import Settings

FILE_IDS = {"400131560008", "400131560009", "400131560010", "400131570001", "400131570002", "400131570003"}


def _namespaces(**settings: object) -> Namespaces:
    return build_namespaces(Settings(clock="manual", **settings))  # type: ignore[arg-type]


def _login(found: Namespace) -> tuple[str, str]:
    emulator = found.emulator
    app = emulator.directory.apps[0]
    session = emulator.tokens.open(
        app, emulator.directory.default_extension, frozenset(app.permissions), Ttls(), None, 0.0
    )
    return session.access_token, session.refresh_token


def test_create_gives_a_namespace_of_its_own_with_the_default_template() -> None:
    namespaces = _namespaces()
    found = namespaces.create()
    emulator = found.emulator
    assert emulator is not namespaces.global_
    assert emulator.namespace == found.id == emulator.directory.accounts[0].id
    assert [e.extension_number for e in found.account.extensions] == ["101", "102"]
    assert emulator.clock is not namespaces.global_.clock
    assert emulator.scenarios.keys() == namespaces.global_.scenarios.keys()
    assert namespaces.all() == [namespaces.global_, emulator]
    assert namespaces.get(found.id) is found
    assert len(namespaces) == 1


def test_ids_and_client_ids_are_unique_across_every_namespace() -> None:
    namespaces = _namespaces(max_accounts=50)
    made = [namespaces.create() for _ in range(50)]
    ids = [ident for found in made for ident in directory_ids(found.emulator.directory)]
    assert len(ids) == len(set(ids)) == 50 * 6
    assert not set(ids) & FILE_IDS
    clients = [app.client_id for found in made for app in found.emulator.directory.apps]
    assert len(set(clients)) == 50
    assert clients[0] == f"emulator-client-{made[0].id}"


def test_the_cap_and_remove() -> None:
    namespaces = _namespaces(max_accounts=1)
    found = namespaces.create()
    with pytest.raises(ControlConflict) as full:
        namespaces.create()
    assert full.value.message == "At most 1 accounts may be created (max_accounts): delete some first"
    assert namespaces.remove(found.id) is found
    with pytest.raises(ResourceNotFound):
        namespaces.get(found.id)
    with pytest.raises(ResourceNotFound):
        namespaces.remove(found.id)
    with pytest.raises(ControlConflict):
        namespaces.remove("400131560008")
    assert namespaces.create().id != ""  # room again


def test_a_template_is_taken_as_it_is_once() -> None:
    namespaces = _namespaces()
    global_ = namespaces.global_.directory
    template = Directory((replace(global_.accounts[1], id="9"),), ())
    with pytest.raises(ControlConflict):  # its extension id is the file's
        namespaces.create(template)
    extension = replace(global_.accounts[1].extensions[0], id="10", account_id="9", forwarding_numbers=())
    template = Directory((replace(global_.accounts[1], id="9", extensions=(extension,)),), ())
    assert namespaces.create(template, name="mine").account.name == "mine"
    with pytest.raises(ControlConflict):
        namespaces.create(template)
    with pytest.raises(InvalidParameterDetail):
        namespaces.create(global_)  # two accounts


def test_a_token_names_its_namespace_and_any_other_token_the_global_one() -> None:
    namespaces = _namespaces()
    first, second = namespaces.create(), namespaces.create()
    access, refresh = _login(first)
    assert access.startswith(f"emu-at-{first.id}.") and refresh.startswith(f"emu-rt-{first.id}.")
    assert "." not in access.removeprefix(f"emu-at-{first.id}.")
    assert namespaces.for_token(access) is namespaces.for_token(refresh) is first.emulator
    assert namespaces.for_token(_login(second)[0]) is second.emulator
    for other in (None, "emu-at-abc", "lenient-token", "a.b.c", f"emu-xx-{first.id}.x", "emu-at-1.x"):
        assert namespaces.for_token(other) is namespaces.global_
    global_token = namespaces.global_.tokens.open(
        namespaces.global_.directory.apps[0],
        namespaces.global_.directory.default_extension,
        frozenset(),
        Ttls(),
        None,
        0,
    )
    assert "." not in global_token.access_token
    namespaces.remove(first.id)
    assert namespaces.for_token(access) is namespaces.global_


def test_a_client_id_names_its_namespace() -> None:
    namespaces = _namespaces()
    found = namespaces.create()
    assert namespaces.for_client(found.emulator.directory.apps[0].client_id) is found.emulator
    assert namespaces.for_client("emulator-client-id") is namespaces.for_client(None) is namespaces.global_
    namespaces.remove(found.id)
    assert namespaces.for_client(found.emulator.directory.apps[0].client_id) is namespaces.global_


def test_seeded_namespaces_are_reproducible_and_draw_apart() -> None:
    def run() -> list[tuple[str, str, str, str]]:
        namespaces = _namespaces(seed=7)
        made = [namespaces.create(), namespaces.create()]
        rows = []
        for found in made:
            extension = found.account.extensions[0]
            call = found.emulator.create_ringout(extension, RingOutRequest("+16505550199"), None).call
            rows.append((found.id, found.emulator.directory.apps[0].client_secret or "", _login(found)[0], call.id))
        return rows

    first, again = run(), run()
    assert first == again
    assert first[0][2].split(".")[1] != first[1][2].split(".")[1]  # the random parts differ
    assert first[0][3] != first[1][3]
    assert derived_seed(None, "1") is None
    assert derived_seed(7, "1") != derived_seed(7, "2")


def test_a_created_namespace_follows_the_global_clock_mode() -> None:
    namespaces = _namespaces()
    namespaces.global_.clock.advance(30)
    found = namespaces.create()
    assert found.emulator.clock_reading() == (ClockMode.MANUAL, namespaces.global_.clock.now(), 1.0)
    found.emulator.advance_clock(5)
    assert found.emulator.clock.now() == namespaces.global_.clock.now() + 5


@pytest.mark.parametrize("auth", ["lenient", "strict"])
def test_an_account_named_for_a_lenient_token_only_with_lenient_auth(auth: str) -> None:
    namespaces = _namespaces(auth=auth)
    found = namespaces.create()
    expected = found.emulator if auth == "lenient" else None
    assert namespaces.lenient_account(found.id) is expected
    assert namespaces.lenient_account("999999999999") is None
    assert namespaces.lenient_account(None) is None
