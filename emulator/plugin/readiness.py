"""``--ringout-readiness``: the session is judged by the emulator's production-readiness report
(``GET /__emulator/report``, of the session's account when it has one) and fails unless it says
"ready". Under pytest-xdist each worker judges its own account; the controller gathers the
workers' reports (xdist's ``workeroutput``), prints one per worker and fails unless all are ready."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.plugin.accounts import worker_id
from emulator.plugin.control import Ringout

OPTION = "--ringout-readiness"
REPORTS = pytest.StashKey[dict[str, dict[str, Any]]]()
WORKER_OUTPUT = "ringout_readiness"


def judge(config: pytest.Config, judged: Ringout) -> None:
    """Keep the session's report (a worker also hands it to the controller)."""
    report = {"json": judged.report(), "markdown": judged.report(markdown=True)}
    worker = worker_id(config)
    config.stash.setdefault(REPORTS, {})[worker or ""] = report
    if worker is not None:
        config.workeroutput[WORKER_OUTPUT] = report  # type: ignore[attr-defined]


def gather(config: pytest.Config, node: Any) -> None:
    """The controller's side: a worker that went down handed over its report."""
    report = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
    if report is not None:
        config.stash.setdefault(REPORTS, {})[str(node.workerinput["workerid"])] = report


def failed(config: pytest.Config) -> bool:
    """A report was made and one says anything but "ready" (the controller decides under xdist)."""
    reports = config.stash.get(REPORTS, {})
    return worker_id(config) is None and any(r["json"]["verdict"] != "ready" for r in reports.values())


def summarize(terminalreporter: Any, config: pytest.Config) -> None:
    for worker, report in sorted(config.stash.get(REPORTS, {}).items()):
        verdict = report["json"]["verdict"]
        whose = f" (worker {worker})" if worker else ""
        terminalreporter.section(f"RingOut emulator: production readiness{whose}: {verdict}")
        terminalreporter.write_line(report["markdown"])
