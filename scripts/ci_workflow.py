"""CI: the docs' GitHub Actions example of a parallel suite, run for real against the built image.

    python scripts/ci_workflow.py IMAGE CONTAINER_NAME

Reads the workflow block ``github-actions-parallel`` (through ``tests/readme.py``) with PyYAML and
plays its one job: starts IMAGE as its one service says (its env and options; its container port
published on 127.0.0.1 on a free host port, never a fixed one), waits until Docker says healthy,
lays out the "checkout" (a temporary project holding the docs' plugin examples and a
``requirements-test.txt`` naming what this venv already holds), then runs each ``run:`` step
with bash in it, ``http://localhost:PORT`` replaced by the service's URL. ``uses:`` steps are
CI's own checkout and Python: skipped, each named. Removes the container whatever happens."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.readme import block, write_example_suite

BLOCK = "github-actions-parallel"
REQUIREMENTS = "ringout-emulator[autoclock]\npytest-xdist\nringcentral\nhttpx\n"  # installed by .ci/run
STEP_TIMEOUT = 300
HEALTHY_WITHIN = 30.0


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout.strip()


def start_service(image: str, name: str, service: dict[str, Any]) -> tuple[str, str]:
    """Run the service's container; its published host port's URL and the localhost URL the job uses."""
    host_port, container_port = str(service["ports"][0]).split(":")
    env = [f"--env={key}={value}" for key, value in service.get("env", {}).items()]
    options = shlex.split(service.get("options", ""))
    docker("run", "-d", "--name", name, "-p", f"127.0.0.1::{container_port}", *env, *options, image)
    published = docker("port", name, f"{container_port}/tcp").splitlines()[0].rsplit(":", 1)[1]
    return f"http://127.0.0.1:{published}", f"http://localhost:{host_port}"


def wait_healthy(name: str) -> None:
    """What Actions does before the first step: wait for the image's healthcheck."""
    deadline = time.monotonic() + HEALTHY_WITHIN
    while (health := docker("inspect", "-f", "{{.State.Health.Status}}", name)) != "healthy":
        if time.monotonic() > deadline:
            raise SystemExit(f"ci-workflow: {name} is {health} after {HEALTHY_WITHIN:g} s:\n{docker('logs', name)}")
        time.sleep(0.5)


def run_steps(steps: list[dict[str, Any]], checkout: Path, job_url: str, url: str) -> None:
    for step in steps:
        if "uses" in step:
            print(f"ci-workflow: skipped `uses: {step['uses']}` (CI's own checkout and venv)", flush=True)
            continue
        command = step["run"].replace(job_url, url)
        print(f"ci-workflow: run: {command}", flush=True)
        quiet = {**os.environ, "PIP_QUIET": "1"}  # pip's "already satisfied" lines say nothing here
        argv = ["bash", "-euo", "pipefail", "-c", command]
        subprocess.run(argv, cwd=checkout, env=quiet, check=True, timeout=STEP_TIMEOUT)


def main(argv: list[str]) -> int:
    image, name = argv
    job = yaml.safe_load(block(BLOCK))["jobs"]["test"]
    (service,) = job["services"].values()
    try:
        url, job_url = start_service(image, name, service)
        wait_healthy(name)
        print(f"ci-workflow: service {name} healthy at {url} (the job's {job_url})", flush=True)
        with tempfile.TemporaryDirectory(prefix="ringout-ci-workflow.") as directory:
            checkout = Path(directory)
            suite = write_example_suite(checkout)
            (checkout / "requirements-test.txt").write_text(REQUIREMENTS, encoding="utf-8")
            print(f"ci-workflow: checkout {checkout}: {', '.join(p.name for p in suite)}", flush=True)
            run_steps(job["steps"], checkout, job_url, url)
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
