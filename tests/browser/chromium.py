"""Debian's Chromium (``/usr/bin/chromium``, installed by ``.ci/run``) driven by Playwright: the
browser download Playwright would do cannot work on these machines, so it is never used."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import Browser, Playwright

CHROMIUM = Path("/usr/bin/chromium")
# What this machine needs: no sandbox as root, no GPU, and no background connections (the network
# is closed; Chromium would otherwise retry Google's hosts at every start). Playwright gives each
# launch a fresh, empty profile (its own --user-data-dir).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> Path:
    found = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not found:
        raise RuntimeError("no Chromium: `apt-get install chromium` (.ci/run does)")
    return Path(found)


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=ARGS)
