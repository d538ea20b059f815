"""``python -m benchmarks [--quick] [--only NAME ...] [--baseline REV]``: run the suite, print a table,
save JSON in ``benchmarks/results/`` and (full runs, or ``--summary``) the Markdown summary ``LATEST.md``.
With ``--baseline REV``, REV runs from a temporary git worktree interleaved with this tree in every
benchmark, and a second table gives each figure before (REV) and after (this tree)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks import (
    call_log,
    churn,
    faults,
    inprocess,
    rate_limits,
    report,
    startup,
    throughput,
    trees,
    webhooks,
    xdist,
)
from benchmarks.load import ensure_wrk
from benchmarks.servers import EMULATOR_ARGS, STRICT_ARGS
from benchmarks.trees import CURRENT, Tree

PARTS = ("throughput", "startup", "flow", "memory", "churn", "rate_limits", "call_log", "webhooks", "faults", "xdist")
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
MEMORY_ROUNDS = 2  # memory children per tree with --baseline (one without: RSS hardly varies)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="about a minute: fewer and shorter runs")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS), help="run only these parts")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--summary", action="store_true", help="write LATEST.md even in quick mode")
    parser.add_argument(
        "--baseline", metavar="REV", help="also run git revision REV (e.g. main~5, a commit), interleaved; compare"
    )
    parser.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)  # the test suite's tiny run
    parser.add_argument("--results", type=Path, default=report.RESULTS, help="where the JSON goes")
    return parser


def run(parts: list[str], cfg: dict[str, Any], connections: int, under_test: Sequence[Tree]) -> dict[str, Any]:
    """Per tree name, per part: the figures."""
    result: dict[str, dict[str, Any]] = {tree.name: {} for tree in under_test}

    def store(part: str, per_tree: dict[str, dict[str, Any]]) -> None:
        for name, figures in per_tree.items():
            result[name][part] = figures

    def current_only(part: str, figures: dict[str, Any]) -> None:
        """A part that measures a feature of this tree only (no before/after)."""
        result[trees.CURRENT.name][part] = figures

    if "throughput" in parts:
        ensure_wrk()
        print("throughput: wrk against emulator, bare FastAPI, bare Starlette ...", file=sys.stderr)
        store("throughput", throughput.run(cfg["rounds"], cfg["seconds"], cfg["warmup"], connections, under_test))
    if "startup" in parts:
        print("start to ready ...", file=sys.stderr)
        store("startup", startup.run(under_test, cfg["starts"]))
    if "flow" in parts:
        print("in-process flow ...", file=sys.stderr)
        store("flow", inprocess.flow_ms(under_test, cfg["flows"], cfg["rounds"]))
    if "memory" in parts:
        print("memory and GET cost at 10 / 10k / 100k calls ...", file=sys.stderr)
        sizes = [100, 1_000] if cfg is SMOKE else [10_000, 100_000]
        rounds = MEMORY_ROUNDS if len(under_test) > 1 and cfg is not SMOKE else 1
        store("memory", inprocess.memory(under_test, sizes, cfg["samples"], rounds))
    if "churn" in parts:
        print(f"churn for {cfg['churn_s']} s ...", file=sys.stderr)
        store("churn", churn.run(cfg["churn_s"], 150, under_test))
    if "rate_limits" in parts:
        print("GET status with rate limits on vs off ...", file=sys.stderr)
        current_only("rate_limits", rate_limits.run(cfg["samples"]))
        served = rate_limits.run_servers(max(cfg["rounds"], 2), cfg["seconds"], cfg["warmup"], connections)
        current_only("rate_limits_server", served)
    if "call_log" in parts:
        print("call log: list with 10k records vs a RingOut GET, memory per record ...", file=sys.stderr)
        current_only("call_log", call_log.run(1_000 if cfg is SMOKE else 10_000, cfg["samples"] // 4))
    if "webhooks" in parts:
        print(f"webhooks: {cfg['webhook_calls']} calls ended by one advance ...", file=sys.stderr)
        current_only("webhooks", webhooks.run(cfg["webhook_calls"], cfg["samples"]))
    if "faults" in parts:
        print("faults: GET status beside POSTs held by a latency fault ...", file=sys.stderr)
        current_only("faults", faults.run(min(cfg["samples"], 2_000)))
    if "xdist" in parts:
        print("the docs' example suite at pytest -n 1 vs -n 2, shared server and in-process ...", file=sys.stderr)
        current_only("xdist", xdist.run(cfg["rounds"]))
    return result


def _settings(cfg: dict[str, Any], connections: int, baseline: str | None) -> str:
    text = (
        f"Server on core 0, wrk on core 1 (taskset); 1 uvicorn worker; wrk -t1 -c{connections}; "
        f"emulator `{' '.join(EMULATOR_ARGS)}` (emulator-strict: plus `{' '.join(STRICT_ARGS)}`, with a token "
        f"from its OAuth endpoint); medians of {cfg['rounds']} interleaved runs of {cfg['seconds']} s "
        "(fresh servers each round)."
    )
    if baseline:
        text += f" Baseline `{baseline}` run from a temporary git worktree, alternating with the current tree."
    return text


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    cfg = SMOKE if args.smoke else QUICK if args.quick else FULL
    with ExitStack() as stack:
        under_test = [CURRENT]
        if args.baseline:
            baseline = stack.enter_context(trees.checkout(args.baseline))
            print(f"baseline {args.baseline} checked out at {baseline.root} (until the run ends)", file=sys.stderr)
            under_test = [baseline, CURRENT]
        for tree in under_test:  # both trees start from bytecode, whatever PYTHONDONTWRITEBYTECODE says
            tree.compile()
        described = {
            tree.name: trees.describe(tree, args.baseline if tree is not CURRENT else "HEAD") for tree in under_test
        }
        per_tree = run(args.only, cfg, args.connections, under_test)
    result = per_tree[CURRENT.name]
    if args.baseline:
        result["baseline"] = per_tree["baseline"]
    result["trees"] = described
    result["machine"] = report.machine()
    result["mode"] = "smoke" if args.smoke else "quick" if args.quick else "full"
    result["config"] = cfg
    result["settings"] = _settings(cfg, args.connections, args.baseline)
    path = report.save(result, args.results, summary=(not args.quick or args.summary) and not args.smoke)
    print(report.text(result))
    print(f"\nsaved {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
