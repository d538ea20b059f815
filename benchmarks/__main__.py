"""``python -m benchmarks [--quick] [--only NAME ...]``: run the suite, print a table, save JSON in
``benchmarks/results/`` and (full runs, or ``--summary``) the Markdown summary ``LATEST.md``."""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

from benchmarks import churn, inprocess, report, startup, throughput, webhooks
from benchmarks.load import ensure_wrk
from benchmarks.servers import EMULATOR_ARGS, STRICT_ARGS

PARTS = ("throughput", "startup", "flow", "memory", "churn", "webhooks")
QUICK = {
    "rounds": 3,
    "seconds": 1,
    "warmup": 1,
    "starts": 3,
    "flows": 100,
    "samples": 4000,
    "churn_s": 8,
    "webhook_calls": 200,
}
SMOKE = {
    "rounds": 1,
    "seconds": 1,
    "warmup": 1,
    "starts": 1,
    "flows": 5,
    "samples": 200,
    "churn_s": 2,
    "webhook_calls": 10,
}
FULL = {
    "rounds": 5,
    "seconds": 5,
    "warmup": 1,
    "starts": 7,
    "flows": 500,
    "samples": 20000,
    "churn_s": 120,
    "webhook_calls": 1000,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="about a minute: fewer and shorter runs")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS), help="run only these parts")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--summary", action="store_true", help="write LATEST.md even in quick mode")
    parser.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)  # the test suite's tiny run
    parser.add_argument("--results", type=Path, default=report.RESULTS, help="where the JSON goes")
    return parser


def _startup(cfg: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for target, times in startup.interleaved(("emulator", "fastapi"), cfg["starts"]).items():
        out[target] = {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": times}
    out["ratio"] = out["emulator"]["median"] / out["fastapi"]["median"]
    modules = ("emulator.cli", "emulator.app", "fastapi", "uvicorn")
    out["imports_s"] = {m: startup.import_seconds(m, 3) for m in modules}
    return out


def run(parts: list[str], cfg: dict[str, Any], connections: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if "throughput" in parts:
        ensure_wrk()
        print("throughput: wrk against emulator, bare FastAPI, bare Starlette ...", file=sys.stderr)
        result["throughput"] = throughput.run(cfg["rounds"], cfg["seconds"], cfg["warmup"], connections)
    if "startup" in parts:
        print("start to ready ...", file=sys.stderr)
        result["startup"] = _startup(cfg)
    if "flow" in parts:
        print("in-process flow ...", file=sys.stderr)
        result["flow"] = inprocess.flow_ms(cfg["flows"])
    if "memory" in parts:
        print("memory and GET cost at 10 / 10k / 100k calls ...", file=sys.stderr)
        sizes = [100, 1_000] if cfg is SMOKE else [10_000, 100_000]
        result["memory"] = inprocess.memory(sizes, cfg["samples"])
    if "churn" in parts:
        print(f"churn for {cfg['churn_s']} s ...", file=sys.stderr)
        result["churn"] = churn.run(cfg["churn_s"], rate=150)
    if "webhooks" in parts:
        print(f"webhooks: {cfg['webhook_calls']} calls ended by one advance ...", file=sys.stderr)
        result["webhooks"] = webhooks.run(cfg["webhook_calls"], cfg["samples"])
    return result


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    cfg = SMOKE if args.smoke else QUICK if args.quick else FULL
    result = run(args.only, cfg, args.connections)
    result["machine"] = report.machine()
    result["mode"] = "smoke" if args.smoke else "quick" if args.quick else "full"
    result["config"] = cfg
    result["settings"] = (
        f"Server on core 0, wrk on core 1 (taskset); 1 uvicorn worker; wrk -t1 -c{args.connections}; "
        f"emulator `{' '.join(EMULATOR_ARGS)}` (emulator-strict: plus `{' '.join(STRICT_ARGS)}`, with a token "
        f"from its OAuth endpoint); medians of {cfg['rounds']} interleaved runs of {cfg['seconds']} s."
    )
    path = report.save(result, args.results, summary=(not args.quick or args.summary) and not args.smoke)
    print(report.table(result))
    print(f"\nsaved {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
