"""The README's authentication section: its credential tables match the bundled accounts file,
and its login snippets (Python SDK, JS SDK, curl, lenient curl) and accounts-file example run
against a live server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from emulator.accounts_file import parse_accounts
from emulator.app import create_app
from emulator.bundled import bundled_accounts_file
from emulator.cli import main
from emulator.core.directory import Directory
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.e2e.js_sdks import JS_DIR, require_js_sdks
from tests.readme import block, code, table

README_URL = "http://127.0.0.1:8080"
GRANT_NAMES = {"urn:ietf:params:oauth:grant-type:jwt-bearer": "JWT"}


@pytest.fixture(scope="module")
def bundled() -> Directory:
    return parse_accounts(yaml.safe_load(bundled_accounts_file().read_text()), "bundled")


@pytest.fixture(scope="module")
def strict_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(create_app(Settings(clock="manual", auth="strict", rate_limits="off")), port=0) as running:
        yield running


def test_app_table_lists_every_bundled_app(bundled: Directory) -> None:
    rows = table("credentials-apps")
    assert [code(row[1]) for row in rows] == [app.client_id for app in bundled.apps]
    for row, app in zip(rows, bundled.apps, strict=True):
        assert (code(row[2]) if "`" in row[2] and app.client_secret else None) == app.client_secret
        assert row[3] == ", ".join(app.permissions)
        assert row[4] == ", ".join(GRANT_NAMES.get(g, g) for g in app.grants)


def test_user_table_lists_every_bundled_extension(bundled: Directory) -> None:
    rows = table("credentials-users")
    extensions = [(acc, ext) for acc in bundled.accounts for ext in acc.extensions]
    assert len(rows) == len(extensions)
    for row, (account, ext) in zip(rows, extensions, strict=True):
        assert row[0] == f"{account.name} `{account.id}`"
        assert row[1] == f"{ext.extension_number} {ext.name}"
        assert code(row[2]) == ext.id
        assert code(row[3]) == ext.jwt
        assert row[4] == f"`{account.main_number}` ext `{ext.extension_number}` / `{ext.password}`"


def test_python_sdk_snippet(strict_server: EmulatorServer) -> None:
    source = block("login-python").replace(README_URL, strict_server.url)
    done = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "InProgress\n"


def test_js_sdk_snippet(strict_server: EmulatorServer) -> None:
    node = require_js_sdks()
    source = block("login-js").replace(README_URL, strict_server.url)
    done = subprocess.run(
        [node, "--input-type=module"], input=source, cwd=JS_DIR, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "InProgress\n"


def _bash(name: str, server: EmulatorServer) -> str:
    env = {**os.environ, "BASE": server.url}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block(name)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_curl_snippet(strict_server: EmulatorServer) -> None:
    out = _bash("login-curl", strict_server)
    listing = yaml.safe_load(out.splitlines()[0])
    assert [r["phoneNumber"] for r in listing["records"]] == ["+16505550111", "+16505550112"]
    assert out.splitlines()[1:] == []


def test_lenient_curl_snippet() -> None:
    with EmulatorServer(create_app(Settings(clock="manual", auth="lenient")), port=0) as server:
        out = _bash("lenient-curl", server)
    assert out.lower().split() == [
        "x-emulator-scenario:",
        "international_disabled",
        "x-emulator-scenario-source:",
        "policy",
    ]


def test_accounts_file_example_serves_its_identity(tmp_path: Path) -> None:
    import httpx

    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(block("accounts-file"))
    with EmulatorServer(create_app(Settings(clock="manual", accounts_file=accounts)), port=0) as server:
        form = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "my-jwt"}
        token = httpx.post(f"{server.url}/restapi/oauth/token", data=form, auth=("my-app", "my-secret")).json()
        assert token["owner_id"] == "101"
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        body = {"to": {"phoneNumber": "+16505550399"}}
        created = httpx.post(f"{server.url}/restapi/v1.0/account/~/extension/~/ring-out", json=body, headers=headers)
        assert created.status_code == 200
        assert created.json()["uri"].startswith(f"{server.url}/restapi/v1.0/account/100/extension/101/ring-out/")
        bundled_login = httpx.post(
            f"{server.url}/restapi/oauth/token",
            data={**form, "assertion": "emulator-jwt"},
            auth=("emulator-client-id", "emulator-client-secret"),
        )
        assert bundled_login.json()["errors"][0]["errorCode"] == "OAU-123"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('id: "101"', 'id: "abc"'), "accounts.0.extensions.0.id"),
        (("grants: [", "grants: [client_credentials, "), "apps.0.grants"),
        (("mainNumber:", "mainNumbr:"), "accounts.0.mainNumbr"),
    ],
)
def test_an_invalid_accounts_file_stops_the_command_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: tuple[str, str], field: str
) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(block("accounts-file").replace(*change, 1))
    assert main(["--accounts-file", str(accounts)]) == 2
    assert field in capsys.readouterr().err
