"""What a new user does, in fresh virtualenvs with no extras: the README's install commands (from
a path, from a built wheel) as written, then the README's pytest example against the installed
package. Slow (pip resolves the dependencies, from its cache when it can): ``-m "not slow"``
leaves it out locally; ``scripts/check`` and CI run it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.readme import block

ROOT = Path(__file__).resolve().parents[2]
README_PATH = "/path/to/ringout-emulator"
SUMMARY = re.compile(r"^=+ 2 passed(, \d+ warnings?)? in [\d.]+s =+$")
pytestmark = pytest.mark.slow


def clean_env(bin_dir: Path) -> dict[str, str]:
    """The environment without this checkout on the path and without this run's pytest and
    coverage settings; ``bin_dir`` (the fresh venv's ``pip`` and ``python``) comes first on PATH."""
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith(("COV_CORE", "COVERAGE"))}
    return {**env, "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def fresh_venv(path: Path) -> tuple[Path, dict[str, str]]:
    """A virtualenv without pip (fast to make); its ``pip`` is this interpreter's pip aimed at it
    (``pip --python``), so pip's cache is shared. Returns its python and the env to run in."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    pip = path / "bin" / "pip"
    pip.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pip --python "{python}" "$@"\n')
    pip.chmod(0o755)
    return python, clean_env(path / "bin")


def run_readme_block(name: str, cwd: Path, env: dict[str, str]) -> None:
    script = block(name).replace(README_PATH, str(ROOT))
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def extra_requirement(name: str) -> str:
    """The requirement for ``name`` in the ``test`` extra (so versions are pinned in one place)."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    (spec,) = [spec for spec in extras["test"] if re.match(rf"{name}\b(?!-)", spec)]
    return str(spec)


def installed(env: dict[str, str]) -> set[str]:
    listing = subprocess.run(["pip", "list"], env=env, capture_output=True, text=True, check=True)
    return {line.split()[0].lower() for line in listing.stdout.splitlines()[2:]}


def test_the_readme_pytest_example_passes_against_the_installed_wheel(tmp_path: Path) -> None:
    python, env = fresh_venv(tmp_path / "venv")
    run_readme_block("install-wheel", tmp_path, env)
    assert not {"pytest", "ringcentral", "mypy"} & installed(env)  # no extras came along
    subprocess.run(
        ["pip", "install", "-q", extra_requirement("pytest"), extra_requirement("ringcentral")], env=env, check=True
    )
    (tmp_path / "test_dialer.py").write_text(block("pytest-example"), encoding="utf-8")
    done = subprocess.run(
        [python, "-m", "pytest", "-p", "no:cacheprovider", "test_dialer.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    summary = done.stdout.strip().splitlines()[-1]
    assert done.returncode == 0 and SUMMARY.match(summary), done.stdout + done.stderr


def test_the_readme_path_install_gives_the_command_the_plugin_and_the_docs(tmp_path: Path) -> None:
    python, env = fresh_venv(tmp_path / "venv")
    run_readme_block("install-path", tmp_path, env)
    command = subprocess.run(["ringout-emulator", "--help"], env=env, capture_output=True, text=True)
    assert command.returncode == 0 and "--clock" in command.stdout, command.stderr
    probe = (
        "import sys, httpx\n"
        "from importlib.metadata import entry_points\n"
        "from emulator.bundled import bundled_openapi_file, swagger_ui_dir\n"
        "print([e.value for e in entry_points(group='pytest11', name='ringout')])\n"
        "print(bundled_openapi_file().is_file(), (swagger_ui_dir() / 'swagger-ui-bundle.js').is_file())\n"
        "print(swagger_ui_dir().is_relative_to(sys.prefix))\n"
    )
    done = subprocess.run([python, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "['emulator.pytest_plugin']\nTrue True\nTrue\n"), done.stderr
