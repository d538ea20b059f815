"""The image installs phonenumberslite instead of phonenumbers (never both), and CI holds the
image to its size budget. ``scripts/ci-container`` builds the image and checks both for real."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
CI = (ROOT / "scripts" / "ci-container").read_text(encoding="utf-8")
VENV_PIP = "/opt/ringout-emulator/bin/pip"


def instructions(text: str) -> list[tuple[str, str]]:
    """(keyword, arguments) per instruction, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", "\n".join(line for line in text.splitlines() if not line.startswith("#")))
    return [(line.split()[0], line.split(None, 1)[1]) for line in joined.splitlines() if line.strip()]


def build_stage_commands() -> list[str]:
    """The build stage's RUN, one shell command per ``&&``."""
    stages = "\n".join(DOCKERFILE.split("\nFROM ")[:2])
    (run,) = [args for keyword, args in instructions(stages) if keyword == "RUN"]
    return [command.strip() for command in run.split("&&")]


def test_phonenumbers_is_swapped_for_the_lite_build_in_the_same_range() -> None:
    commands = build_stage_commands()
    pip = [c for c in commands if c.startswith(VENV_PIP)]
    assert pip == [
        f"{VENV_PIP} install .",
        f"{VENV_PIP} uninstall --yes phonenumbers",
        f'{VENV_PIP} install --no-deps "$LITE"',
        f"{VENV_PIP} uninstall --yes pip",
    ]
    (lite,) = [c for c in commands if c.startswith("LITE=")]
    # the project's own range for phonenumbers, read from its metadata, applied to the lite build
    assert "r.replace('phonenumbers', 'phonenumberslite', 1) for r in m.requires('ringout-emulator')" in lite
    assert commands.index(lite) < commands.index(pip[1])


def test_the_emulator_uses_none_of_the_data_phonenumberslite_leaves_out() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "emulator").rglob("*.py"))
    assert (
        re.findall(
            r"phonenumbers\.(geocoder|carrier|timezone)|from phonenumbers import (geocoder|carrier|timezone)", sources
        )
        == []
    )


def test_ci_checks_the_distributions_and_the_size_budget() -> None:
    assert "MAX_OVER_BASE_MB=80" in CI
    assert 'echo "image size over base: $over_base MB' in CI
    assert '[ "$over_base" -le "$MAX_OVER_BASE_MB" ] ||' in CI
    assert "list --format=freeze" in CI and "^phonenumbers(lite)?==" in CI
