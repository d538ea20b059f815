"""``scripts/screenshots`` still makes every picture the docs show (into a scratch folder here)."""

from __future__ import annotations

import runpy
import struct
import subprocess
import sys
from pathlib import Path

from tests.readme import ROOT

SCRIPT = ROOT / "scripts" / "screenshots.py"


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_the_script_writes_every_screenshot(tmp_path: Path) -> None:
    shots: tuple[str, ...] = runpy.run_path(str(SCRIPT))["SHOTS"]
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(shots)
    width, height = png_size(tmp_path / "dashboard.png")
    assert width == 1440 and height >= 1000  # the whole page, not a blank viewport
