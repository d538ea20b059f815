"""Reads scenario documents (files and uploads alike) into the core's ``Scenario``, with errors
naming the file or upload, the step and the field. ``load_document`` is the one loader."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from emulator import documents
from emulator.core.legs import is_live
from emulator.core.scenario import NAME_PATTERN, Scenario, Step, valid_name
from emulator.core.statuses import CallingStatus
from emulator.documents import MAX_DEPTH, MEDIA_TYPES, DocumentError

MAX_DOCUMENT_BYTES = 64 * 1024
"""The largest scenario document read (a file or an upload); 100 steps take a few KiB."""
UPLOAD_MEDIA_TYPES = MEDIA_TYPES
__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "UPLOAD_MEDIA_TYPES",
    "ScenarioFileError",
    "ScenarioSyntaxError",
    "load_document",
]
SCENARIO_SUFFIXES = (".yaml", ".yml")
MAX_AT = 86_400


class ScenarioFileError(ValueError):
    """One or more problems in scenario data; ``str()`` lists them, each with where it is."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class ScenarioSyntaxError(ScenarioFileError):
    """The document itself does not parse (or is too large or deep): nothing to validate."""


class _StepModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: Annotated[float, Field(strict=True, ge=0, le=MAX_AT)]  # a number: not true, not "0"
    caller: CallingStatus | None = None
    callee: CallingStatus | None = None
    call: CallingStatus | None = None


class _ScenarioModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    description: str = Field(min_length=1, max_length=300)
    steps: list[_StepModel] = Field(min_length=1, max_length=100)

    @field_validator("description")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if value.splitlines() != [value]:  # any line break, a trailing one too
            raise ValueError("must be a single line")
        return value


_STEPS = TypeAdapter(list[_StepModel])


def load_document(body: bytes, media_type: str, where: str) -> Any:
    """A scenario document (a file or an upload) through the one loader."""
    try:
        return documents.load_document(body, media_type, where, max_bytes=MAX_DOCUMENT_BYTES)
    except DocumentError as exc:
        raise ScenarioSyntaxError(exc.problems) from None


def parse_upload(name: str, body: bytes, media_type: str) -> Scenario:
    """An uploaded scenario (``PUT /__emulator/scenarios/{name}``), checked exactly like a file."""
    where = f"uploaded scenario {name!r}"
    return parse_scenario(name, load_document(body, media_type, where), where)


def parse_scenario(name: str, data: Any, where: str) -> Scenario:
    """Validate one scenario's data into a ``Scenario``; every problem is found in one pass."""
    problems = [] if valid_name(name) else [f"{where}: name {name!r} must match {NAME_PATTERN}"]
    if not isinstance(data, dict):
        got = "nothing" if data is None else f"a {type(data).__name__}"
        raise ScenarioFileError(
            [*problems, f"{where}: document: must be a mapping with description and steps, got {got}"]
        )
    model = None
    try:
        model = _ScenarioModel.model_validate(data)
    except ValidationError as exc:
        problems.extend(f"{where}: {_location(err['loc'])}: {err['msg']}" for err in exc.errors())
    problems.extend(_order_problems(data.get("steps"), where))
    declared = data.get("name")
    if isinstance(declared, str) and declared != name:
        problems.append(f"{where}: name: {declared!r} differs from the file stem {name!r}")
    problems.extend(_ending_problems(model.steps if model else _valid_steps(data.get("steps")), where))
    if problems or model is None:
        raise ScenarioFileError(problems)
    steps = tuple(Step(at=s.at, caller=s.caller, callee=s.callee, call=s.call) for s in model.steps)
    return Scenario(name=name, description=model.description, steps=steps)


def _valid_steps(steps: Any) -> list[_StepModel]:
    """The steps, when they are valid though something else in the document is not (else none)."""
    try:
        return _STEPS.validate_python(steps)
    except ValidationError:
        return []


def _ending_problems(valid_steps: list[_StepModel], where: str) -> list[str]:
    """The last step must end the call. Read with the steps in time order, so a timeline that
    goes back in time, or a document with other problems, has this one reported in the same pass."""
    if not valid_steps:
        return []
    steps = sorted((Step(at=s.at, caller=s.caller, callee=s.callee, call=s.call) for s in valid_steps), key=_when)
    last = Scenario(name="-", description="-", steps=tuple(steps)).states[-1]
    if not is_live(last):
        return []
    return [
        f"{where}: step {len(steps) - 1}: the call is still live after the last step "
        f"(call {last.call}, caller {last.caller}, callee {last.callee}): "
        "the last step must end it (a leg fails, or both legs are Finished)"
    ]


def _when(step: Step) -> float:
    return step.at


def _order_problems(steps: Any, where: str) -> list[str]:
    """The timeline starts at 0 and never goes back; read from the raw steps, so these problems
    are reported with the field problems (a step whose ``at`` is no number is left out)."""
    if not isinstance(steps, list):
        return []
    ats = [_at(step) for step in steps]
    problems = [] if not ats or ats[0] in (None, 0) else [f"{where}: step 0, field at: the first step must be at 0"]
    for index in range(1, len(ats)):
        at, before = ats[index], ats[index - 1]
        if at is not None and before is not None and at < before:
            problems.append(f"{where}: step {index}, field at: {at:g} is before step {index - 1} (at {before:g})")
    return problems


def _at(step: Any) -> float | None:
    """The step's ``at`` if it is a valid one (the field check reports the others)."""
    at = step.get("at") if isinstance(step, dict) else None
    if isinstance(at, int | float) and not isinstance(at, bool) and 0 <= at <= MAX_AT:  # False for NaN
        return float(at)
    return None


def load_scenario_file(path: Path) -> Scenario:
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise ScenarioFileError([f"{path}: cannot be read: {exc.strerror or exc}"]) from None
    return parse_scenario(path.stem, load_document(body, "application/yaml", str(path)), str(path))


def load_scenario_path(path: Path) -> dict[str, Scenario]:
    """One scenario file (``.yaml`` or ``.yml``), or every one in a directory."""
    if path.is_dir():
        return load_scenario_dir(path)
    if not path.exists():
        raise ScenarioFileError([f"{path}: no such file or directory"])
    if path.suffix not in SCENARIO_SUFFIXES:
        raise ScenarioFileError([f"{path}: not a scenario file (the name must end in .yaml or .yml)"])
    scenario = load_scenario_file(path)
    return {scenario.name: scenario}


def load_scenario_dir(directory: Path) -> dict[str, Scenario]:
    """Every ``*.yaml`` / ``*.yml`` in ``directory``; all problems are collected, then raised."""
    if not directory.is_dir():
        raise ScenarioFileError([f"{directory}: not a directory"])
    found: dict[str, Scenario] = {}
    problems: list[str] = []
    for path in sorted(p for suffix in SCENARIO_SUFFIXES for p in directory.glob(f"*{suffix}")):
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
