"""The README's Docker examples and the Dockerfile agree with each other and with ``Settings``.
(``scripts/ci-container`` builds the image and runs the curl walk-through against it.)"""

from __future__ import annotations

import re
import shlex

import pytest
import yaml

from emulator.settings import Settings
from tests.contract.openapi_doc import ROOT
from tests.readme import readme_blocks

BLOCKS = readme_blocks()
DOCKER_BLOCKS = [
    "docker-run",
    "docker-run-mounts",
    "container-walkthrough",
    "docker-compose",
    "github-actions",
    "github-actions-parallel",
]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
READY = "/__emulator/ready"


def _env_names(text: str) -> set[str]:
    return set(re.findall(r"RINGOUT_EMULATOR_[A-Z_]+", text))


@pytest.mark.parametrize("name", DOCKER_BLOCKS)
def test_the_block_exists(name: str) -> None:
    assert BLOCKS[name].strip()


@pytest.mark.parametrize("name", [*DOCKER_BLOCKS, "dockerfile"])
def test_every_env_name_used_is_a_setting(name: str) -> None:
    text = DOCKERFILE if name == "dockerfile" else BLOCKS[name]
    fields = {name.upper() for name in Settings.model_fields}
    assert {env.removeprefix("RINGOUT_EMULATOR_") for env in _env_names(text)} <= fields


def test_the_compose_example_parses_and_waits_for_the_health_endpoint() -> None:
    compose = yaml.safe_load(BLOCKS["docker-compose"])
    emulator = compose["services"]["ringout"]
    assert READY in " ".join(emulator["healthcheck"]["test"])
    assert compose["services"]["app"]["depends_on"]["ringout"]["condition"] == "service_healthy"
    assert emulator["environment"]["RINGOUT_EMULATOR_SCENARIOS_DIR"] == "/scenarios"
    assert emulator["environment"]["RINGOUT_EMULATOR_ACCOUNTS_FILE"] == "/accounts.yaml"
    assert {v.split(":")[1] for v in emulator["volumes"]} == {"/scenarios", "/accounts.yaml"}
    assert emulator["ports"] == ["8080:8080"]


def test_the_github_actions_example_parses_and_uses_the_service_healthcheck() -> None:
    workflow = yaml.safe_load(BLOCKS["github-actions"])
    job = workflow["jobs"]["test"]
    service = job["services"]["ringout"]
    assert service["ports"] == ["8080:8080"]
    assert "--health-interval" in service["options"]
    assert "HEALTHCHECK" in DOCKERFILE and READY in DOCKERFILE  # what Actions waits for
    assert any(READY in step.get("run", "") for step in job["steps"])
    assert set(service["env"]) <= {f"RINGOUT_EMULATOR_{name.upper()}" for name in Settings.model_fields}


def test_the_parallel_workflow_is_what_scripts_ci_workflow_plays() -> None:
    """One service with a port, env and options; the suite runs with ``-n 4`` on its localhost URL
    (CI replaces that URL by the container's, so the step must name it exactly)."""
    job = yaml.safe_load(BLOCKS["github-actions-parallel"])["jobs"]["test"]
    (service,) = job["services"].values()
    assert service["ports"] == ["8080:8080"]
    assert service["env"] == {"RINGOUT_EMULATOR_CLOCK": "manual", "RINGOUT_EMULATOR_SPEED": "100"}
    assert "--health-interval" in service["options"]
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs == ["pip install -r requirements-test.txt", "pytest -n 4 --ringout-url http://localhost:8080"]
    assert all("uses" in step or "run" in step for step in job["steps"])


def test_the_docker_run_examples_match_the_image() -> None:
    for name in ("docker-run", "docker-run-mounts"):
        words = shlex.split(BLOCKS[name].replace("\\\n", " "))
        run = words[words.index("run") :]
        assert "-p" in run and run[run.index("-p") + 1] == "8080:8080"
        assert run[-1] == "ringout-emulator"
    assert "docker build -t ringout-emulator ." in BLOCKS["docker-run"]
    mounts = BLOCKS["docker-run-mounts"]
    assert "RINGOUT_EMULATOR_SCENARIOS_DIR=/scenarios" in mounts and ":/scenarios:ro" in mounts
    assert "RINGOUT_EMULATOR_ACCOUNTS_FILE=/accounts.yaml" in mounts and ":/accounts.yaml:ro" in mounts


def test_the_dockerfile_is_what_the_readme_promises() -> None:
    lines = [line.strip() for line in DOCKERFILE.splitlines() if line.strip() and not line.startswith("#")]
    assert [line for line in lines if line.startswith("FROM")] == [
        "FROM python:3.12-slim AS build",
        "FROM python:3.12-slim",
    ]
    assert "RINGOUT_EMULATOR_HOST=0.0.0.0" in DOCKERFILE and "EXPOSE 8080" in lines
    assert "USER 10001:10001" in lines
    assert lines[-1] == 'CMD ["ringout-emulator"]'  # exec form: the emulator is PID 1
    assert "pip install -e" not in DOCKERFILE and "--editable" not in DOCKERFILE


def test_the_dockerignore_keeps_the_context_to_what_the_wheel_needs() -> None:
    text = (ROOT / ".dockerignore").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0] == "*"  # everything out, then only these back in
    kept = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert kept == {"pyproject.toml", "README.md", "openapi.yaml", "emulator", "scenarios", "accounts"}
