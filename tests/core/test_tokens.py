"""The token store on its own: clamping, expiry, the cap, and reseeded id sources."""

from __future__ import annotations

import pytest

from emulator.core.directory import App, Extension
from emulator.core.errors import AccessTokenExpired, AccessTokenNotFound
from emulator.core.ids import IdSource
from emulator.core.tokens import ACCESS_TTL, REFRESH_TTL, TokenStore, Ttls

APP = App("app", "secret", permissions=("RingOut",))
EXT = Extension("2", "1", "101", "Alice")
SCOPE = frozenset({"RingOut"})


@pytest.mark.parametrize(
    ("requested", "access", "refresh"),
    [
        (None, 3600, 604800),
        (0, 600, 600),
        (599, 600, 600),
        (600, 600, 600),
        (3601, 3600, 3601),
        (2_592_001, 3600, 604800),
    ],
)
def test_ttl_rules(requested: int | None, access: int, refresh: int) -> None:
    assert (ACCESS_TTL.clamp(requested), REFRESH_TTL.clamp(requested)) == (access, refresh)


def test_access_expires_at_its_ttl() -> None:
    store = TokenStore(IdSource(1), 10)
    session = store.open(APP, EXT, SCOPE, Ttls(600), None, now=1000.0)
    assert store.access(session.access_token, 1599.0) is session
    with pytest.raises(AccessTokenExpired):
        store.access(session.access_token, 1600.0)
    assert store.find(session.access_token, 1600.0) is None
    with pytest.raises(AccessTokenNotFound):
        store.access("nope", 0.0)


def test_the_cap_drops_dead_sessions_first_then_the_oldest() -> None:
    store = TokenStore(IdSource(1), 2)
    short = store.open(APP, EXT, SCOPE, Ttls(600, 600), None, now=0.0)
    old = store.open(APP, EXT, SCOPE, Ttls(), None, now=0.0)
    store.open(APP, EXT, SCOPE, Ttls(), None, now=700.0)  # ``short`` is dead by now
    assert len(store) == 2
    assert store.find(old.access_token, 700.0) is old
    store.rotate(APP, old.refresh_token, Ttls(), 701.0)  # ``old`` becomes the most recently used
    newest = store.open(APP, EXT, SCOPE, Ttls(), None, now=702.0)
    assert len(store) == 2
    assert store.find(old.access_token, 702.0) is old
    assert store.find(newest.access_token, 702.0) is newest
    assert short.access_token not in {s.access_token for s in (old, newest)}


def test_a_reseeded_source_never_reuses_a_live_token() -> None:
    store = TokenStore(IdSource(5), 10)
    first = store.open(APP, EXT, SCOPE, Ttls(), None, now=0.0)
    store.ids.reseed(5)
    second = store.open(APP, EXT, SCOPE, Ttls(), None, now=0.0)
    assert second.access_token != first.access_token
    assert second.refresh_token != first.refresh_token
    assert second.id != first.id
    assert store.access(first.access_token, 1.0) is first


def test_reset_forgets_sessions() -> None:
    store = TokenStore(IdSource(1), 10)
    session = store.open(APP, EXT, SCOPE, Ttls(), None, now=0.0)
    store.clear()
    with pytest.raises(AccessTokenNotFound):
        store.access(session.access_token, 1.0)
