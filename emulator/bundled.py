"""Where the bundled data lives: inside the installed wheel, or at the top of a source tree."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_path(name: str) -> Path:
    """``scenarios``, ``accounts`` or ``openapi.yaml``: ``emulator/_bundled/<name>`` in a wheel, ``<repo>/<name>``
    in a checkout (editable install)."""
    installed = _PACKAGE / "_bundled" / name
    return installed if installed.exists() else _PACKAGE.parent / name


def bundled_scenarios_dir() -> Path:
    return bundled_path("scenarios")


def bundled_accounts_file() -> Path:
    return bundled_path("accounts") / "default.yaml"


def bundled_openapi_file() -> Path:
    """The contract, ``openapi.yaml`` (served at ``/__emulator/openapi.yaml``)."""
    return bundled_path("openapi.yaml")


def swagger_ui_dir() -> Path:
    """The vendored Swagger UI files (``emulator/static/swagger-ui``, inside the package in a wheel too)."""
    return _PACKAGE / "static" / "swagger-ui"


def dashboard_dir() -> Path:
    """The dashboard's page, script, style and icon (``emulator/static/dashboard``)."""
    return _PACKAGE / "static" / "dashboard"
