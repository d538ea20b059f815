"""``/__emulator/docs`` works offline (every asset it references is served by the emulator), and
``GET /`` points to the docs, the contract, health and the RingOut path."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from emulator.bundled import swagger_ui_dir
from tests.contract.openapi_doc import OPENAPI_FILE, load, match_operation

ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}


class References(HTMLParser):
    """Every URL a page makes the browser load or offers as a link: ``src`` and ``href``."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def references(page: str) -> list[str]:
    parser = References()
    parser.feed(page)
    return parser.urls


def test_the_docs_page_references_only_local_urls(client: TestClient) -> None:
    page = client.get("/__emulator/docs").text
    urls = references(page)
    assert sorted(urls) == [
        "/__emulator/docs/assets/favicon-32x32.png",
        "/__emulator/docs/assets/swagger-ui-bundle.js",
        "/__emulator/docs/assets/swagger-ui.css",
    ]
    assert re.findall(r"https?://", page) == []  # nor in the inline script (no validator badge)
    assert "validatorUrl" in page and '"validatorUrl": null' in page


@pytest.mark.parametrize("name", sorted(ASSET_TYPES))
def test_each_asset_is_served_from_the_package(client: TestClient, name: str) -> None:
    response = client.get(f"/__emulator/docs/assets/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == ASSET_TYPES[name]
    assert response.headers["cache-control"] == "max-age=3600"
    assert response.content == (swagger_ui_dir() / name).read_bytes()


def test_the_vendored_files_are_the_ones_the_note_names() -> None:
    note = (swagger_ui_dir() / "VENDORED.md").read_text(encoding="utf-8")
    listed = dict(line.split()[::-1] for line in re.findall(r"^[0-9a-f]{64}  \S+$", note, re.MULTILINE))
    files = sorted(p.name for p in swagger_ui_dir().iterdir() if p.name != "VENDORED.md")
    assert sorted(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((swagger_ui_dir() / name).read_bytes()).hexdigest() == digest, name
    assert "Apache License" in (swagger_ui_dir() / "LICENSE").read_text(encoding="utf-8")


def test_an_unknown_asset_is_a_ringcentral_404(client: TestClient) -> None:
    response = client.get("/__emulator/docs/assets/index.html")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "errorCode": "CMN-102",
        "message": "Resource for parameter [asset] is not found",
        "errors": [
            {"errorCode": "CMN-102", "message": "Resource for parameter [asset] is not found", "parameterName": "asset"}
        ],
        "parameterName": "asset",
    }


LINKS = {
    "name": "ringout-emulator",
    "version": "0.1.0",
    "docs": "/__emulator/docs",
    "dashboard": "/__emulator/ui",
    "openapi": "/__emulator/openapi.yaml",
    "health": "/__emulator/health",
    "ready": "/__emulator/ready",
    "ringOut": "/restapi/v1.0/account/~/extension/~/ring-out",
}


@pytest.mark.parametrize("accept", [None, "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"])
def test_the_landing_page_is_html_for_browsers_and_curl(client: TestClient, accept: str | None) -> None:
    response = client.get("/", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["vary"] == "Accept"
    assert "<h1>ringout-emulator 0.1.0</h1>" in response.text
    assert sorted(set(references(response.text))) == sorted(
        {
            "/__emulator/docs/assets/favicon-32x32.png",
            *(LINKS[k] for k in ("docs", "dashboard", "openapi", "health", "ready")),
        }
    )
    assert f"POST {LINKS['ringOut']}" in response.text


@pytest.mark.parametrize("accept", ["application/json", "application/json, text/plain, */*"])
def test_the_landing_page_is_json_on_request(client: TestClient, accept: str) -> None:
    response = client.get("/", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["vary"] == "Accept"
    assert response.json() == LINKS


def test_every_landing_link_answers(client: TestClient) -> None:
    for key in ("docs", "dashboard", "openapi", "health", "ready"):
        assert client.get(LINKS[key]).status_code == 200, key
    operation = match_operation(load(OPENAPI_FILE), "POST", LINKS["ringOut"])
    assert operation is not None and operation.operation_id == "createRingOutCall"


def test_the_landing_page_is_get_only(client: TestClient) -> None:
    response = client.post("/")
    assert response.status_code == 405
    assert response.json()["errorCode"] == "CMN-105"
