"""Fuzz a real emulator with schemathesis over ``openapi.yaml``.

Starts the emulator (uvicorn on a free port) and runs ``schemathesis run`` against it, checking
that no response is a 5xx, every status is documented for its operation and every body matches
its declared schema. Two runs, each on a fresh server: the RingCentral operations (logged in with
the default credentials when the token route exists), then the ``/__emulator`` control plane (on
its own server, so that a fuzzed ``reset`` cannot log the first run out). Operations the file
describes but this build does not serve are listed and left out. Prints the number of generated
cases and fails below ``--min-cases``.

    scripts/fuzz                      # CI: 100 examples per operation (>= 1000 cases)
    scripts/fuzz --max-examples 500   # a longer local run
    scripts/fuzz --seed 1234          # replay a run (the seed is printed)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emulator.app import app_routes, create_app  # noqa: E402
from emulator.receiver import WebhookReceiver  # noqa: E402
from emulator.server import EmulatorServer  # noqa: E402
from emulator.settings import Settings  # noqa: E402

OPENAPI = ROOT / "openapi.yaml"
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"
CLIENT = ("emulator-client-id", "emulator-client-secret")
JWT_GRANT = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "emulator-jwt"}
CONTROL_PREFIX = "/__emulator/"
STATELESS = "examples,coverage,fuzzing"
ACCOUNT_PARAMETERS = ("EmulatorAccount", "EmulatorAccountQuery")


def served_operations(app: FastAPI) -> set[tuple[str, str]]:
    return set(app_routes(app))


def file_operations() -> dict[tuple[str, str], str]:
    import yaml

    doc = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    methods = ("get", "put", "post", "delete", "patch")
    return {
        (method.upper(), path): item[method]["operationId"]
        for path, item in doc["paths"].items()
        for method in methods
        if method in item
    }


# Operations a request-per-case fuzzer cannot exercise, and what tests them instead.
NOT_FUZZED = {"emulatorEvents": "an event stream that lasts until the client leaves (tests/api/test_events.py)"}


@contextmanager
def running_emulator() -> Iterator[tuple[str, FastAPI]]:
    # Limits on (the headers and the OAuth 429 get fuzzed too), but high enough for the API routes
    # that the fuzzer reaches the logic behind them rather than a wall of 429s.
    high = {f"rate_limit_{group}": 1_000_000 for group in ("heavy", "medium", "light")}
    app = create_app(Settings(log_level="warning", **high))
    receiver = httpx.ASGITransport(app=WebhookReceiver())  # fuzzed webhook addresses stay in-process
    for scheme in ("http://", "https://"):
        app.state.webhooks.mount(scheme, receiver)
    server = EmulatorServer(app).start()
    try:
        yield server.url, app
    finally:
        server.stop()


def created_account(url: str) -> str | None:
    """The id of an account created on the server, or None when this build cannot create one."""
    response = httpx.post(f"{url}{CONTROL_PREFIX}accounts")
    if response.status_code == 404:
        return None
    response.raise_for_status()
    account_id: str = response.json()["id"]
    return account_id


def control_spec(account_id: str | None, folder: Path) -> Path:
    """``openapi.yaml`` with the control plane's account parameters (header and query) narrowed to
    one account created on the server: random ids would answer 404 before any handler runs, so the
    fuzzer would hardly reach the routes behind them. Values outside it still come from the
    coverage phase (its negative cases) and answer the declared 400/404."""
    import yaml

    if account_id is None:
        return OPENAPI
    doc = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    for name in ACCOUNT_PARAMETERS:
        schema = doc["components"]["parameters"][name]["schema"]
        schema["enum"] = [account_id]
    spec = folder / "openapi.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return spec


def access_token(url: str) -> str | None:
    """A token for the default extension, or None when this build has no token route."""
    response = httpx.post(f"{url}/restapi/oauth/token", data=JWT_GRANT, auth=CLIENT)
    if response.status_code == 404:
        return None
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def run_schemathesis(
    url: str, operation_ids: list[str], args: argparse.Namespace, token: str | None, phases: str, spec: Path = OPENAPI
) -> tuple[int, int]:
    """(exit code, generated cases) of one ``schemathesis run`` over ``spec``, its output passed through."""
    command = [sys.executable, "-m", "schemathesis.cli", "run", str(spec), "--url", url, "--phases", phases]
    command += ["--checks", CHECKS, "--max-examples", str(args.max_examples), "--no-color"]
    command += ["--suppress-health-check", "filter_too_much,too_slow"]
    if args.seed is not None:
        command += ["--seed", str(args.seed)]
    if token is not None:
        command += ["--header", f"Authorization: Bearer {token}"]
    for operation_id in operation_ids:
        command += ["--include-operation-id", operation_id]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    output = []
    for line in process.stdout:
        sys.stdout.write(line)
        output.append(line)
    code = process.wait()
    found = re.search(r"^\s*(\d+) generated", "".join(output), re.MULTILINE)
    if found is None:
        print("fuzz: could not read the number of generated cases from schemathesis' output")
        return code or 1, 0
    return code, int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=100, help="cases per operation and phase (default 100)")
    parser.add_argument("--min-cases", type=int, default=1000, help="fail below this many cases (default 1000)")
    parser.add_argument("--seed", type=int, default=None, help="schemathesis seed (default random, printed)")
    args = parser.parse_args()
    described = file_operations()
    total, worst = 0, 0
    # The stateful phase follows the file's links (create a RingOut, then read and cancel it); the
    # control plane has no links, so its run skips that phase.
    runs = (("RingCentral API", False, "examples,coverage,fuzzing,stateful"), ("control plane", True, STATELESS))
    for part, in_part, phases in runs:
        with running_emulator() as (url, app), tempfile.TemporaryDirectory() as folder:
            served = served_operations(app)
            ops = {
                key: op_id
                for key, op_id in described.items()
                if (key[1].startswith(CONTROL_PREFIX) or key[1] == "/") is in_part
            }
            missing = sorted(op_id for key, op_id in ops.items() if key not in served)
            if missing:
                print(f"fuzz: not served by this build, left out: {', '.join(missing)}")
            token = None if in_part else access_token(url)
            print(f"fuzz: {part} at {url}, {'with a bearer token' if token else 'without a token'}", flush=True)
            selected = sorted(op_id for key, op_id in ops.items() if key in served and op_id not in NOT_FUZZED)
            spec = control_spec(created_account(url), Path(folder)) if in_part else OPENAPI
            code, cases = run_schemathesis(url, selected, args, token, phases, spec)
        print(f"fuzz: {part}: {cases} generated cases, schemathesis exit code {code}", flush=True)
        total += cases
        worst = max(worst, code)
    verdict = "passed" if worst == 0 and total >= args.min_cases else "FAILED"
    print(f"fuzz: {total} generated cases in total (minimum {args.min_cases}): {verdict}")
    return 0 if verdict == "passed" else 1


if __name__ == "__main__":
    raise SystemExit(main())
