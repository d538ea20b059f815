"""Reads scenario YAML files into the core's ``Scenario``, with errors naming file, step, field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from emulator.core.scenario import Scenario, Step
from emulator.core.statuses import CallingStatus

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built in: ~10x faster

NAME_PATTERN = r"^[a-z0-9][a-z0-9_\-]{0,63}$"


class ScenarioFileError(ValueError):
    """One or more problems in scenario data; ``str()`` lists them, each with where it is."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class _StepModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: float = Field(ge=0, le=86_400)
    caller: CallingStatus | None = None
    callee: CallingStatus | None = None
    call: CallingStatus | None = None


class _ScenarioModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    description: str = Field(min_length=1, max_length=300)
    steps: list[_StepModel] = Field(min_length=1, max_length=100)


def _order_problems(steps: list[_StepModel], where: str) -> list[str]:
    """The timeline starts at 0 and never goes back; each problem names its step and field."""
    problems = [] if steps[0].at == 0 else [f"{where}: step 0, field at: the first step must be at 0"]
    for index in range(1, len(steps)):
        if steps[index].at < steps[index - 1].at:
            problems.append(
                f"{where}: step {index}, field at: {steps[index].at:g} is before step {index - 1} "
                f"(at {steps[index - 1].at:g})"
            )
    return problems


def parse_scenario(name: str, data: Any, where: str) -> Scenario:
    """Validate one scenario's data (a file's YAML, or an uploaded body) into a ``Scenario``."""
    if not re.match(NAME_PATTERN, name):
        raise ScenarioFileError([f"{where}: name {name!r} must match {NAME_PATTERN}"])
    if not isinstance(data, dict):
        got = "nothing" if data is None else f"a {type(data).__name__}"
        raise ScenarioFileError([f"{where}: document: must be a mapping with description and steps, got {got}"])
    try:
        model = _ScenarioModel.model_validate(data)
    except ValidationError as exc:
        raise ScenarioFileError([f"{where}: {_location(err['loc'])}: {err['msg']}" for err in exc.errors()]) from None
    if model.name is not None and model.name != name:
        raise ScenarioFileError([f"{where}: name: {model.name!r} differs from the file stem {name!r}"])
    if problems := _order_problems(model.steps, where):
        raise ScenarioFileError(problems)
    steps = tuple(Step(at=s.at, caller=s.caller, callee=s.callee, call=s.call) for s in model.steps)
    return Scenario(name=name, description=model.description, steps=steps)


def load_scenario_file(path: Path) -> Scenario:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScenarioFileError([f"{path}: cannot be read as YAML: {exc}"]) from None
    return parse_scenario(path.stem, data, str(path))


def load_scenario_dir(directory: Path) -> dict[str, Scenario]:
    """Every ``*.yaml`` / ``*.yml`` in ``directory``; all problems are collected, then raised."""
    if not directory.is_dir():
        raise ScenarioFileError([f"{directory}: not a directory"])
    found: dict[str, Scenario] = {}
    problems: list[str] = []
    for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
        try:
            scenario = load_scenario_file(path)
        except ScenarioFileError as exc:
            problems.extend(exc.problems)
            continue
        if scenario.name in found:
            problems.append(f"{path}: scenario {scenario.name!r} is defined twice in {directory}")
        found[scenario.name] = scenario
    if problems:
        raise ScenarioFileError(problems)
    return found


def load_catalogue(bundled: Path, extra: Path | None) -> dict[str, Scenario]:
    """The bundled scenarios, then a user's directory adding to or overriding them."""
    catalogue = load_scenario_dir(bundled)
    if extra is not None:
        catalogue.update(load_scenario_dir(extra))
    return catalogue


def _location(loc: tuple[int | str, ...]) -> str:
    """``('steps', 2, 'caller')`` -> ``step 2, field caller``."""
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        rest = ".".join(str(part) for part in loc[2:])
        return f"step {loc[1]}" + (f", field {rest}" if rest else "")
    return "field " + ".".join(str(part) for part in loc) if loc else "document"


UPLOAD_MEDIA_TYPES = ("application/json", "application/yaml", "application/x-yaml", "text/yaml")


def parse_upload(name: str, body: bytes, media_type: str) -> Scenario:
    """An uploaded body (JSON or YAML) into a ``Scenario``."""
    try:
        data = yaml.load(body, Loader=SAFE_LOADER)
    except (yaml.YAMLError, RecursionError) as exc:
        raise ScenarioFileError([f"uploaded scenario {name!r}: cannot be read: {exc}"]) from None
    return parse_scenario(name, data, f"uploaded scenario {name!r}")
