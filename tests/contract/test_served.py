"""The contract is served by the app (and shipped in the wheel)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from emulator.bundled import bundled_openapi_file
from tests.contract.openapi_doc import OPENAPI_FILE, ROOT


def test_the_file_is_served_byte_for_byte(client: TestClient) -> None:
    response = client.get("/__emulator/openapi.yaml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/yaml"
    assert response.content == OPENAPI_FILE.read_bytes()
    assert yaml.safe_load(response.text)["info"]["title"] == "ringout-emulator"


def test_swagger_ui_loads_the_served_file(client: TestClient) -> None:
    response = client.get("/__emulator/docs")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "swagger-ui" in response.text
    assert "url: '/__emulator/openapi.yaml'" in response.text


def test_the_loader_finds_the_top_level_file_in_a_checkout() -> None:
    assert bundled_openapi_file() == OPENAPI_FILE


def test_the_wheel_ships_the_file_next_to_the_bundled_data(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    wheel = Path(next(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert archive.read("emulator/_bundled/openapi.yaml") == OPENAPI_FILE.read_bytes()
    assert "emulator/_bundled/accounts/default.yaml" in names
    assert "emulator/_bundled/scenarios/success.yaml" in names
