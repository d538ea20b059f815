"""The README's rate-limit section: its group table is the code's, its curl example runs as written."""

from __future__ import annotations

from emulator.app import app_routes, create_app
from emulator.core.rate_limits import OPERATION_GROUPS
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.readme import code, run_bash, table


def test_the_group_table_is_the_codes_for_every_served_throttled_operation() -> None:
    settings = Settings()
    rows = {code(row[1]): (row[2], int(row[3])) for row in table("rate-limit-groups")}
    served = {route.name for route in app_routes(create_app(settings)).values()}
    expected = {
        name: (OPERATION_GROUPS[name].value, getattr(settings, f"rate_limit_{OPERATION_GROUPS[name].value.lower()}"))
        for name in served
        if name in OPERATION_GROUPS and not name.endswith("Deprecated")
    }
    assert rows == expected


def test_the_curl_example_prints_what_the_readme_says() -> None:
    with EmulatorServer(create_app(Settings(clock="manual", rate_limit_heavy=2))) as server:
        done = run_bash("rate-limit-curl", server.url)
    assert done.returncode == 0, done.stderr
    assert [line.strip().lower() for line in done.stdout.splitlines()] == [
        "http/1.1 200 ok",
        "x-rate-limit-remaining: 1",
        "http/1.1 200 ok",
        "x-rate-limit-remaining: 0",
        "http/1.1 429 too many requests",
        "retry-after: 60",
        "x-rate-limit-remaining: 0",
    ]
