"""``--baseline``: every figure of the baseline tree and of the current tree, measured in the same run,
side by side with current / baseline and which way is better."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str  # printed after the value
    digits: int
    better: str  # "higher" or "lower"

    def text(self) -> str:
        return f"{self.value:,.{self.digits}f}{self.unit}"


def _throughput(load: dict[str, Any]) -> list[Figure]:
    out: list[Figure] = []
    for method in ("GET", "POST"):
        for target, infix in (("emulator", ""), ("emulator-strict", "strict_")):
            cell = load.get(f"{target}_{method}")
            if cell is None:
                continue
            out += [
                Figure(f"{method} req/s {target}", cell["rps"]["median"], "", 0, "higher"),
                Figure(f"{method} p50 {target}", cell["p50_ms"]["median"], " ms", 2, "lower"),
                Figure(f"{method} p99 {target}", cell["p99_ms"]["median"], " ms", 2, "lower"),
                Figure(
                    f"{method} server CPU per request {target}", cell["cpu_us_per_request"]["median"], " us", 1, "lower"
                ),
            ]
            for ref in ("fastapi", "starlette"):
                ratio = load.get(f"{method}_{infix}vs_{ref}")
                if ratio is not None:
                    out.append(Figure(f"{method} {target} / bare {ref}", ratio, "x", 2, "higher"))
    return out


def _startup(start: dict[str, Any]) -> list[Figure]:
    out = [
        Figure("start to ready emulator", start["emulator"]["median"], " s", 3, "lower"),
        Figure("start to ready emulator / bare fastapi", start["ratio"], "x", 2, "lower"),
        Figure("start-up CPU emulator", start["cpu_s"]["emulator"], " s", 3, "lower"),
    ]
    for module in ("emulator.cli", "emulator.app"):
        out.append(Figure(f"import {module}", start["imports_s"][module] * 1000, " ms", 0, "lower"))
    return out


def _flow(flow: dict[str, Any]) -> list[Figure]:
    return [
        Figure("in-process flow, httpx ASGI (median)", flow["asgi_median_ms"], " ms", 2, "lower"),
        Figure("in-process flow, TestClient (median)", flow["testclient_median_ms"], " ms", 2, "lower"),
        Figure("in-process flow CPU, httpx ASGI (median)", flow["asgi_cpu_median_ms"], " ms", 2, "lower"),
        Figure("in-process flow CPU, TestClient (median)", flow["testclient_cpu_median_ms"], " ms", 2, "lower"),
    ]


def _memory(mem: dict[str, Any]) -> list[Figure]:
    out = [
        Figure(f"RSS with {size} stored calls", kib / 1024, " MiB", 1, "lower") for size, kib in mem["rss_kib"].items()
    ]
    out.append(Figure("bytes per stored call", mem["bytes_per_call"], " B", 0, "lower"))
    out += [
        Figure(f"GET p50 (app only) @ {size} calls", us, " us", 1, "lower") for size, us in mem["get_p50_us"].items()
    ]
    out.append(Figure("GET p50 (app only) large / 10 calls", mem["get_p50_ratio"], "x", 2, "lower"))
    return out


def _churn(churn: dict[str, Any]) -> list[Figure]:
    return [
        Figure("churn: calls created", churn["counts"]["created"], "", 0, "higher"),
        Figure("churn: errors", churn["counts"]["errors"], "", 0, "lower"),
        Figure("churn: RSS after warm-up, max", churn["rss_kib_settled_max"] / 1024, " MiB", 1, "lower"),
        Figure("churn: RSS after warm-up, last", churn["rss_kib_settled_last"] / 1024, " MiB", 1, "lower"),
    ]


PARTS = {"throughput": _throughput, "startup": _startup, "flow": _flow, "memory": _memory, "churn": _churn}


def figures(result: dict[str, Any]) -> list[Figure]:
    """The comparable figures of one tree's results (the shape ``python -m benchmarks`` saves)."""
    return [figure for part, extract in PARTS.items() if result.get(part) for figure in extract(result[part])]


def _ratio(current: float, baseline: float) -> str:
    if not baseline:
        return "same" if not current else "n/a"
    return f"{current / baseline:.3f}"


def table(result: dict[str, Any]) -> str:
    """Markdown: figure, baseline, current, current / baseline, better (higher or lower)."""
    baseline = {figure.name: figure for figure in figures(result["baseline"])}
    lines = ["| figure | baseline | current | current / baseline | better |", "| --- | --- | --- | --- | --- |"]
    for figure in figures(result):
        base = baseline.get(figure.name)
        before, ratio = (base.text(), _ratio(figure.value, base.value)) if base else ("-", "-")
        lines.append(f"| {figure.name} | {before} | {figure.text()} | {ratio} | {figure.better} |")
    return "\n".join(lines)
