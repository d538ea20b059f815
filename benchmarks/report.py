"""The tables printed at the end of a run (the current tree against the goals; with ``--baseline``,
before / after), the JSON saved beside them, and the Markdown summary the README quotes
(``benchmarks/LATEST.md``)."""

from __future__ import annotations

import json
import os
import platform
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks import compare, faults, rate_limits, xdist

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SUMMARY = HERE / "LATEST.md"


def machine() -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines() if "model name" in ln), "")
    return {
        "nproc": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "uvicorn": version("uvicorn"),
        "fastapi": version("fastapi"),
        "starlette": version("starlette"),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def _ok(passed: bool) -> str:
    return "yes" if passed else "NO"


def _rps(cell: dict[str, Any]) -> str:
    rps = cell["rps"]
    return f"{rps['median']:,.0f} ({rps['min']:,.0f}-{rps['max']:,.0f})"


def _flow_cpu(flow: dict[str, Any], client: str) -> str:
    cpu = flow.get(f"{client}_cpu_median_ms")  # older runs have none
    return "" if cpu is None else f" (CPU {cpu:.2f} ms)"


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(figure, measured, goal, met) rows."""
    out: list[tuple[str, str, str, str]] = []
    load = result.get("throughput")
    if load:
        for method, goals in (("GET", (1.2, 0.6)), ("POST", (1.0, 0.5))):
            for target in ("emulator", "emulator-strict", "fastapi", "starlette"):
                cell = load.get(f"{target}_{method}")
                if cell is None:  # runs saved before the strict-auth server was added
                    continue
                p = f"p50 {cell['p50_ms']['median']:.2f} ms, p99 {cell['p99_ms']['median']:.2f} ms"
                if "cpu_us_per_request" in cell:  # runs saved before it was measured have none
                    p += f", server CPU {cell['cpu_us_per_request']['median']:.0f} us/req"
                goal, met = ("p99 <= 10 ms", _ok(cell["p99_ms"]["median"] <= 10)) if target == "emulator" else ("", "")
                out.append((f"{method} req/s {target} (min-max)", f"{_rps(cell)}; {p}", goal, met))
            for ref, wanted in zip(("fastapi", "starlette"), goals, strict=True):
                ratio = load[f"{method}_vs_{ref}"]
                out.append((f"{method} emulator / bare {ref}", f"{ratio:.2f}x", f">= {wanted}x", _ok(ratio >= wanted)))
            for ref in ("fastapi", "starlette"):
                strict = load.get(f"{method}_strict_vs_{ref}")
                if strict is not None:
                    out.append((f"{method} emulator-strict / bare {ref}", f"{strict:.2f}x", "", ""))
    start = result.get("startup")
    if start:
        for target in ("emulator", "fastapi"):
            s = start[target]
            cpu = f"; CPU {start['cpu_s'][target]:.3f} s" if "cpu_s" in start else ""  # older runs have none
            text = f"{s['median']:.3f} s ({s['min']:.3f}-{s['max']:.3f}){cpu}"
            out.append((f"start to ready {target} (min-max)", text, "", ""))
        out.append(
            ("start to ready emulator / bare fastapi", f"{start['ratio']:.2f}x", "<= 1.2x", _ok(start["ratio"] <= 1.2))
        )
        imports = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in start["imports_s"].items())
        out.append(("import time", imports, "", ""))
    flow = result.get("flow")
    if flow:
        asgi = flow["asgi_median_ms"]
        testclient = f"{flow['testclient_median_ms']:.2f} ms{_flow_cpu(flow, 'testclient')}"
        out.append(
            (
                "in-process flow, httpx ASGI (median)",
                f"{asgi:.2f} ms{_flow_cpu(flow, 'asgi')}",
                "<= 5 ms",
                _ok(asgi <= 5),
            )
        )
        out.append(("in-process flow, TestClient (median)", testclient, "", ""))
    mem = result.get("memory")
    if mem:
        rss = ", ".join(f"{k} calls {v / 1024:.1f} MiB" for k, v in mem["rss_kib"].items())
        out.append(("RSS", rss, "", ""))
        out.append(
            ("bytes per stored call", f"{mem['bytes_per_call']:.0f} B", "<= 1024 B", _ok(mem["bytes_per_call"] <= 1024))
        )
        p50 = mem["get_p50_us"]
        detail = " vs ".join(f"{v:.1f} us @ {k}" for k, v in p50.items())
        ratio = mem["get_p50_ratio"]
        out.append(("GET p50 (app only) large / 10 calls", f"{ratio:.2f}x ({detail})", "<= 1.2x", _ok(ratio <= 1.2)))
    churn = result.get("churn")
    if churn:
        c = churn
        text = (
            f"{c['counts']['created']} created in {c['seconds']:.0f} s; RSS after warm-up "
            f"{c['rss_kib_settled_first'] / 1024:.1f} -> {c['rss_kib_settled_last'] / 1024:.1f} MiB "
            f"(max {c['rss_kib_settled_max'] / 1024:.1f}), errors {c['counts']['errors']}"
        )
        out.append(("churn", text, "flat (< 10% growth)", _ok(c["rss_growth_after_warmup"] < 0.10)))
    log = result.get("call_log")
    if log:
        p50 = log["p50_us"]
        detail = ", ".join(f"{k} {v:.0f} us" for k, v in p50.items())
        ratio = log["ratio_simple"]
        out.append(
            (
                f"call-log list p50 / RingOut GET ({log['records']} records)",
                f"{ratio:.2f}x ({detail})",
                "<= 2x",
                _ok(ratio <= 2),
            )
        )
        out.append(("bytes per call-log record (its call included)", f"{log['bytes_per_record']:.0f} B", "", ""))
    hooks = result.get("webhooks")
    if hooks:
        for run in hooks["advance"]:
            text = (
                f"{run['delivered_by_advance']} events from {run['calls']} calls in {run['advance_wall_s']:.2f} s "
                f"({run['events_per_s']:.0f} events/s), {run['concurrency']} in flight"
            )
            out.append(
                (
                    "one advance ends every call, webhooks delivered",
                    text,
                    "all delivered",
                    _ok(run["all_received"] == run["calls"] * 6),
                )
            )
        ratio = hooks["get"]["throughput_ratio"]
        out.append(("RingOut GET with 30 subscriptions / none", f"{ratio:.2f}x", ">= 0.95x", _ok(ratio >= 0.95)))
    return out + rate_limits.rows(result) + faults.rows(result) + xdist.rows(result)


def table(result: dict[str, Any]) -> str:
    lines = ["| figure | measured | goal | met |", "| --- | --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows(result)]
    return "\n".join(lines)


def _commit(tree: dict[str, Any]) -> str:
    dirty = " plus uncommitted changes" if tree["dirty"] else ""
    return f"`{tree['rev']}` ({tree['commit'][:12]}{dirty})"


def text(result: dict[str, Any]) -> str:
    """The goals table of the current tree and, with a baseline, the before / after table."""
    if "baseline" not in result:
        return table(result)
    trees = result["trees"]
    return (
        f"{table(result)}\n\nBefore / after, measured in the same run: baseline {_commit(trees['baseline'])}, "
        f"current {_commit(trees['current'])}.\n\n{compare.table(result)}"
    )


def save(result: dict[str, Any], results: Path, *, summary: bool) -> Path:
    results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = results / f"{stamp}.json"
    dumped = json.dumps(result, indent=2)
    path.write_text(dumped)
    (results / "latest.json").write_text(dumped)
    if summary:
        m = result["machine"]
        head = (
            f"# Latest benchmark run\n\n{m['date']}, mode `{result['mode']}`: {m['nproc']} cores, {m['cpu']}, "
            f"Python {m['python']}, uvicorn {m['uvicorn']}, FastAPI {m['fastapi']}, Starlette {m['starlette']}. "
            f"{result['settings']}\n\n"
        )
        SUMMARY.write_text(head + text(result) + "\n")
    return path
