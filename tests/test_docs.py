"""The documentation site: it builds in strict mode (broken links and anchors fail), every picture
a page shows exists and every screenshot is shown, the README's links into the docs resolve, and
the README's curl taste runs as written."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.readme import DOCS, README, ROOT, block, pages

IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s#]+)(?:#[^)\s]*)?\)")


def targets(pattern: re.Pattern[str]) -> list[tuple[Path, Path]]:
    """(page, file it points to) for every relative target on every page."""
    found = []
    for page in pages():
        for target in pattern.findall(page.read_text(encoding="utf-8")):
            if not re.match(r"^[a-z]+:", target):
                found.append((page, (page.parent / target).resolve()))
    return found


def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    built = sorted(p.relative_to(site).as_posix() for p in site.glob("*/index.html"))
    assert built == sorted(f"{page.stem}/index.html" for page in DOCS.glob("*.md") if page.stem != "index")


def test_every_picture_the_docs_show_exists_and_every_screenshot_is_shown() -> None:
    shown = targets(IMAGE)
    missing = [f"{page.name}: {target}" for page, target in shown if not target.is_file()]
    assert missing == [], "a picture is missing: run scripts/screenshots"
    assert sorted((DOCS / "images").glob("*.png")) == sorted({target for _, target in shown})


def test_every_link_to_a_file_resolves() -> None:
    broken = [f"{page.name}: {target}" for page, target in targets(LINK) if not target.exists()]
    assert broken == []
    linked = {target for page, target in targets(LINK) if page == README}
    assert {page.resolve() for page in DOCS.glob("*.md")} <= linked  # the README leads to every page


def test_the_readme_curl_taste_runs_as_written() -> None:
    with EmulatorServer(create_app(Settings(clock="poll"))) as server:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block("curl-taste")],
            env={"BASE": server.url, "PATH": "/usr/bin:/bin:/usr/local/bin"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"callStatus": "InProgress", "callerStatus": "Success", "calleeStatus": "InProgress"},
        {"callStatus": "CannotReach", "callerStatus": "Success", "calleeStatus": "Busy"},
        {"callStatus": "CannotReach", "callerStatus": "Success", "calleeStatus": "Busy"},
    ]
