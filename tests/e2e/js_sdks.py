"""Finding node and the JS SDKs installed by ``scripts/install-js-sdks`` (``npm ci`` in tests/js).

Locally a missing toolchain skips; under CI (``CI`` set) it fails, so CI cannot go green
without having run the SDKs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

JS_DIR = Path(__file__).resolve().parent.parent / "js"
PACKAGES = ("@ringcentral/sdk", "@rc-ex/core", "@rc-ex/rate-limit", "@rc-ex/ws", "@ringcentral/subscriptions")


def require_js_sdks() -> str:
    """The ``node`` executable, once node and both SDKs are present."""
    node = shutil.which("node")
    missing = [p for p in PACKAGES if not (JS_DIR / "node_modules" / p / "package.json").is_file()]
    problem = "node is not on PATH" if node is None else f"not installed: {', '.join(missing)}" if missing else ""
    if problem:
        message = f"JS SDKs unavailable ({problem}); run scripts/install-js-sdks"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    assert node is not None
    return node
