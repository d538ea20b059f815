"""``IdSource``: platform-shaped RingOut ids; a seed makes every sequence reproducible."""

from __future__ import annotations

import base64
import re

from emulator.core.ids import IdSource


def _draw(source: IdSource) -> list[str]:
    return [source.ringout_id(), source.token("at-"), source.numeric(), source.ringout_id()]


def test_the_same_seed_gives_the_same_sequence() -> None:
    assert _draw(IdSource(7)) == _draw(IdSource(7))


def test_different_seeds_differ() -> None:
    assert _draw(IdSource(7)) != _draw(IdSource(8))


def test_reseed_starts_the_sequence_again() -> None:
    source = IdSource(7)
    first = _draw(source)
    assert _draw(source) != first
    source.reseed(7)
    assert _draw(source) == first
    assert source.seed == 7


def test_unseeded_sources_are_random() -> None:
    assert IdSource().ringout_id() != IdSource().ringout_id()
    assert IdSource(None).seed is None


def test_ringout_id_is_unpadded_base64_of_a_call_session() -> None:
    call_id = IdSource(1).ringout_id()
    assert "=" not in call_id
    decoded = base64.b64decode(call_id + "=" * (-len(call_id) % 4)).decode()
    assert re.fullmatch(r"cs\d{18}@10\.62\.\d{1,3}\.\d{1,3}", decoded)


def test_token_and_numeric_shapes() -> None:
    source = IdSource(3)
    token = source.token("rt-", nbytes=12)
    assert re.fullmatch(r"rt-[A-Za-z0-9_-]{16}", token)
    assert re.fullmatch(r"[1-9]\d{11}", source.numeric())
    assert re.fullmatch(r"[1-9]\d{5}", source.numeric(6))


def test_notification_ids_do_not_shift_the_call_ids() -> None:
    quiet, busy = IdSource(3), IdSource(3)
    for _ in range(5):
        busy.event_id()
        busy.event_uuid()
    assert [quiet.ringout_id() for _ in range(3)] == [busy.ringout_id() for _ in range(3)]
    assert IdSource(3).event_id() == IdSource(3).event_id() and len(IdSource(3).event_id()) == 19
