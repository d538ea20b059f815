"""End-to-end flow against a running emulator (the container in CI), over HTTP, with the official
Python SDK: log in, make the seed's sample RingOut, poll it to ``Finished`` (the container runs
with ``RINGOUT_EMULATOR_CLOCK=poll``: each read moves the call one step), log out.

    python scripts/container_e2e.py http://127.0.0.1:PORT
    python scripts/container_e2e.py --scenario NAME URL   # a call forced to NAME plays NAME

The container runs with its default (strict) auth: the SDK logs in with the bundled JWT.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ringcentral import SDK

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CLIENT_ID, CLIENT_SECRET, JWT = "emulator-client-id", "emulator-client-secret", "emulator-jwt"
SEED_SAMPLE = {"from": {"phoneNumber": "13445554444"}, "to": {"phoneNumber": "13455553434"}, "playPrompt": True}
RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
MAX_POLLS = 20


def log_in(platform: Any) -> None:
    platform.login(jwt=JWT)
    print("e2e: logged in with the SDK (JWT grant)")


def run(url: str) -> None:
    platform = SDK(CLIENT_ID, CLIENT_SECRET, url, name="ringout-emulator-ci", version="1.0").platform()
    log_in(platform)
    created = platform.post(RINGOUT, SEED_SAMPLE).json_dict()
    assert created["status"]["callStatus"] == "InProgress", created
    print(f"e2e: created RingOut {created['id']}: {created['status']}")
    for poll in range(1, MAX_POLLS + 1):
        status = platform.get(f"{RINGOUT}/{created['id']}").json_dict()["status"]
        print(f"e2e: poll {poll}: {status}")
        if status["callerStatus"] == "Finished" and status["calleeStatus"] == "Finished":
            assert status["callStatus"] == "Success", status
            break
    else:
        raise AssertionError(f"not Finished after {MAX_POLLS} polls")
    platform.logout()
    print("e2e: logged out")
    print("e2e: OK")


DOCS_ASSETS = {
    "/__emulator/docs/assets/swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "/__emulator/docs/assets/swagger-ui.css": "text/css; charset=utf-8",
    "/__emulator/docs/assets/favicon-32x32.png": "image/png",
}


def check_docs(url: str) -> None:
    """The landing page and Swagger UI with its assets, served from the installed wheel (no CDN)."""
    import json
    import urllib.request

    request = urllib.request.Request(f"{url}/", headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.load(response)["docs"] == "/__emulator/docs"
    with urllib.request.urlopen(f"{url}/__emulator/docs", timeout=5) as response:
        page = response.read().decode()
    for path, media_type in DOCS_ASSETS.items():
        assert path in page, path
        with urllib.request.urlopen(f"{url}{path}", timeout=5) as response:
            assert response.headers["Content-Type"] == media_type, (path, response.headers["Content-Type"])
    print(f"e2e: landing page, docs and {len(DOCS_ASSETS)} docs assets served")


def check_scenario(url: str, name: str) -> None:
    """A RingOut forced to ``name`` (``X-Emulator-Scenario``) plays it: proves a mounted
    scenarios directory was loaded."""
    platform = SDK(CLIENT_ID, CLIENT_SECRET, url, name="ringout-emulator-ci", version="1.0").platform()
    log_in(platform)
    response = platform.post(RINGOUT, SEED_SAMPLE, headers={"X-Emulator-Scenario": name})
    played = response.response().headers["X-Emulator-Scenario"]
    assert played == name, played
    print(f"e2e: scenario {name} was loaded and played")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", nargs="?")
    parser.add_argument("--scenario", default=None, help="check that a call forced to this scenario plays it")
    args = parser.parse_args()
    if not args.url:
        parser.error("the emulator's URL is required")
    if args.scenario:
        check_scenario(args.url, args.scenario)
    else:
        run(args.url)
        check_docs(args.url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
