"""Identifiers and secrets. Seeded, they are reproducible; unseeded, they come from the OS."""

from __future__ import annotations

import base64
import itertools
import random
import uuid
from collections.abc import Callable, Container


class IdSource:
    """Makes RingOut ids shaped like the platform's (unpadded base64 of ``cs<digits>@<ip>``)
    and opaque tokens. The same seed gives the same sequence."""

    def __init__(self, seed: int | None = None) -> None:
        self.reseed(seed)

    def reseed(self, seed: int | None) -> None:
        self.seed = seed
        self._rng: random.Random = random.SystemRandom() if seed is None else random.Random(seed)
        # Request ids: a UUID-shaped prefix and a starting count drawn at (re)seeding, then the count
        # goes up — unique, cheap on every response, and (seeded) reproducible; error responses do
        # not shift the other ids.
        source = random.SystemRandom() if seed is None else random.Random(f"rq{seed}")
        digits = f"{source.getrandbits(80):020x}"
        variant = "89ab"[int(digits[16], 16) & 3]
        self._request_prefix = f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-"
        self._request_count = itertools.count(source.getrandbits(44))
        # and a stream for notifications, so deliveries do not shift the call ids either
        self._event_rng: random.Random = random.SystemRandom() if seed is None else random.Random(f"ev{seed}")

    def ringout_id(self) -> str:
        bits = self._rng.getrandbits(80)  # one draw (one syscall unseeded): 64 bits of session, 16 of address
        session = f"cs{10**17 + (bits >> 16) % (9 * 10**17)}@10.62.{(bits >> 8) & 0xFF}.{bits & 0xFF}"
        return base64.b64encode(session.encode()).decode().rstrip("=")

    def token(self, prefix: str, nbytes: int = 24) -> str:
        raw = self._rng.getrandbits(nbytes * 8).to_bytes(nbytes, "big")
        return prefix + base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def numeric(self, digits: int = 12) -> str:
        return str(self._rng.randrange(10 ** (digits - 1), 10**digits))

    def uuid(self) -> str:
        """A subscription id: a UUID, reproducible when seeded."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def event_id(self) -> str:
        """A notification's ``uuid`` (19 digits, as the platform's)."""
        return str(self._event_rng.randrange(10**18, 10**19))

    def event_uuid(self) -> str:
        """A handshake's ``Validation-Token`` (a UUID)."""
        return str(uuid.UUID(int=self._event_rng.getrandbits(128), version=4))

    def request_id(self) -> str:
        """An ``RCRequestId`` shaped as a version-4 UUID, reproducible when seeded."""
        return f"{self._request_prefix}{next(self._request_count) % 16**12:012x}"


def fresh(make: Callable[[], str], taken: Container[str]) -> str:
    """A value from ``make`` that is not in ``taken``: a reseeded source repeats its sequence, and
    an id it reissues would hand a stored call (token, code) to someone else. Drawing again keeps
    a seeded sequence reproducible."""
    value = make()
    while value in taken:
        value = make()
    return value
