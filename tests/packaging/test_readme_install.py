"""The README's install section: it names every runtime dependency, and its git example uses a
placeholder host (the path and wheel examples run in ``test_fresh_venv.py``)."""

from __future__ import annotations

import re
import tomllib

from tests.packaging.test_fresh_venv import README_PATH, ROOT
from tests.readme import block, section

SECTION = section("## Installing it into your project")


def test_every_runtime_dependency_is_named() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [re.split(r"[<>=!~;\[ ]", spec)[0] for spec in project["dependencies"]]
    assert [name for name in names if name.lower() not in SECTION.lower()] == []


def test_the_git_example_names_no_real_host() -> None:
    hosts = re.findall(r"git\+https://([^/\s\"`]+)/", SECTION)
    assert hosts and set(hosts) == {"<your-git-host>"}


def test_the_run_examples_install_from_the_readme_path() -> None:
    assert block("install-path") == f"pip install {README_PATH}\n"
    assert block("install-wheel").splitlines() == [
        f"pip wheel --no-deps -w dist {README_PATH}",
        "pip install dist/ringout_emulator-*.whl",
    ]
