"""The domain's reset scopes, in the order the docs list them: their own module (stdlib only), so
the pytest plugin, loaded in every test session, names them without importing the domain."""

from __future__ import annotations

RESET_SCOPES = (
    "calls",
    "tokens",
    "rules",
    "scenarios",
    "clock",
    "ids",
    "rate-limits",
    "call-log",
    "subscriptions",
    "faults",
)
