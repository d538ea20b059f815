"""The benchmark command the README shows runs (tiny sizes; wrk-free parts), and wrk's output is
read right. The real figures come from ``python -m benchmarks``, not from the unit suite."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from benchmarks.__main__ import _parser
from benchmarks.load import parse_wrk
from benchmarks.servers import READY_PATH, Server
from benchmarks.trees import Tree
from tests.readme import section

ROOT = Path(__file__).resolve().parents[2]
WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8080/x
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.20ms  400.00us  12.00ms   90.00%
  Latency Distribution
     50%  850.00us
     75%    3.40ms
     90%    3.90ms
     99%    1.20s
  43102 requests in 5.00s, 9.10MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 12
Requests/sec:   8620.40
Transfer/sec:      1.82MB
"""


def readme_commands() -> list[str]:
    """The lines of the fenced blocks in the docs' Performance section."""
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", section("# Performance"), flags=re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_parse_wrk_reads_rate_percentiles_and_errors() -> None:
    result = parse_wrk(WRK_OUTPUT)
    assert (result.rps, result.p50_ms, result.p99_ms, result.requests, result.errors) == (
        8620.4,
        0.85,
        1200.0,
        43102,
        15,
    )


def test_readme_commands_are_valid_benchmark_invocations() -> None:
    commands = readme_commands()
    assert commands, "the Performance section shows how to rerun the benchmarks"
    for command in commands:
        argv = shlex.split(command)
        assert argv[:3] == ["python", "-m", "benchmarks"], command
        _parser().parse_args(argv[3:])  # exits (fails the test) on an unknown flag


def test_readme_quick_command_runs_at_smoke_size(tmp_path: Path) -> None:
    """The README's quick command, shrunk (``--smoke``) and without the parts that need wrk or minutes."""
    quick = next(c for c in readme_commands() if "--quick" in c)
    argv = [
        *shlex.split(quick)[3:],
        "--smoke",
        "--only",
        "startup",
        "flow",
        "memory",
        "webhooks",
        "--results",
        str(tmp_path),
    ]
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", *argv], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert "| start to ready emulator / bare fastapi |" in run.stdout
    saved = json.loads((tmp_path / "latest.json").read_text())
    assert saved["mode"] == "smoke"
    assert saved["memory"]["bytes_per_call"] > 0
    assert saved["flow"]["asgi_median_ms"] > 0
    assert [run["all_received"] for run in saved["webhooks"]["advance"]] == [60, 60, 60]


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def test_baseline_head_runs_both_trees_and_reports_before_and_after(tmp_path: Path) -> None:
    """``--baseline HEAD`` at smoke size (the wrk-free parts): both columns, the baseline's commit, and
    the temporary worktree gone afterwards."""
    if not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout (the baseline is a git revision)")
    argv = ["--smoke", "--baseline", "HEAD", "--only", "startup", "flow", "memory", "--results", str(tmp_path)]
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", *argv], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert "| figure | baseline | current | current / baseline | better |" in run.stdout
    saved = json.loads((tmp_path / "latest.json").read_text())
    head = _git("rev-parse", "HEAD")
    assert saved["trees"]["baseline"] == {"rev": "HEAD", "commit": head, "dirty": False}
    assert saved["trees"]["current"]["commit"] == head
    for tree in (saved, saved["baseline"]):
        assert tree["flow"]["asgi_median_ms"] > 0
        assert tree["memory"]["bytes_per_call"] > 0
        assert tree["startup"]["emulator"]["median"] > 0
    assert saved["startup"]["fastapi"] == saved["baseline"]["startup"]["fastapi"]  # one reference, shared
    ratio = saved["flow"]["asgi_median_ms"] / saved["baseline"]["flow"]["asgi_median_ms"]
    assert (
        f"| in-process flow, httpx ASGI (median) | {saved['baseline']['flow']['asgi_median_ms']:,.2f} ms | "
        in run.stdout
    )
    assert f" ms | {ratio:.3f} | lower |" in run.stdout
    checked_out = re.search(r"^baseline HEAD checked out at (\S+) ", run.stderr, flags=re.MULTILINE)
    assert checked_out is not None, run.stderr
    assert not Path(checked_out.group(1)).exists()
    assert f"worktree {checked_out.group(1)}\n" not in _git("worktree", "list", "--porcelain") + "\n"


def _copy_of_emulator(root: Path, version: str) -> Path:
    """A source tree holding a copy of the emulator that reports ``version``, and a decoy ``benchmarks``."""
    for name in ("emulator", "scenarios", "accounts"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "openapi.yaml", root / "openapi.yaml")
    (root / "emulator" / "__init__.py").write_text(f'__version__ = "{version}"\n')
    (root / "benchmarks").mkdir()
    (root / "benchmarks" / "__init__.py").write_text('raise ImportError("the harness must come from the checkout")\n')
    return root


def test_a_tree_s_server_and_children_run_that_tree_s_emulator_with_this_checkout_s_harness(tmp_path: Path) -> None:
    harness = tmp_path / "harness"
    harness.mkdir()
    (harness / "benchmarks").symlink_to(ROOT / "benchmarks", target_is_directory=True)
    tree = Tree("baseline", _copy_of_emulator(tmp_path / "tree", "9.9.9-baseline"), harness)
    tree.verify()
    with Server("emulator", cpu=None, tree=tree) as server:
        ready = httpx.get(server.url + READY_PATH)
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "version": "9.9.9-baseline"})
    flows = json.loads(tree.run("-m", "benchmarks.inprocess", "flow", "1"))
    assert [len(flows["asgi"]), len(flows["testclient"])] == [1, 1]


def test_a_tree_without_its_own_emulator_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="baseline: "):
        Tree("baseline", tmp_path).verify()


def test_the_bare_header_reference_sends_the_rate_limit_headers_the_emulator_sends_with_limits_on() -> None:
    """The floor row compares like with like: the same four headers, the same kind of values."""
    from benchmarks.rate_limits import ON_ARGS, RINGOUT, SAMPLE

    names = ("x-rate-limit-group", "x-rate-limit-limit", "x-rate-limit-window", "x-rate-limit-remaining")
    with Server("emulator", cpu=None, extra=ON_ARGS) as emulator:
        created = httpx.post(emulator.url + RINGOUT, content=SAMPLE, headers={"Authorization": "Bearer t"})
        assert created.status_code == 200
        read = httpx.get(f"{emulator.url}{RINGOUT}/{created.json()['id']}", headers={"Authorization": "Bearer t"})
    with Server("starlette-rate-limit-headers", cpu=None) as bare:
        bare_read = httpx.get(f"{bare.url}{RINGOUT}/{created.json()['id']}")
    with Server("starlette", cpu=None) as plain:
        plain_read = httpx.get(f"{plain.url}{RINGOUT}/{created.json()['id']}")
    assert (
        [read.headers[n] for n in names[:3]] == [bare_read.headers[n] for n in names[:3]] == ["light", "1000000", "60"]
    )
    assert len(read.headers["x-rate-limit-remaining"]) == len(bare_read.headers["x-rate-limit-remaining"]) == 6
    assert plain_read.status_code == bare_read.status_code == 200
    assert not any(n in plain_read.headers for n in names)


def test_the_rate_limit_rows_show_the_ratio_and_the_headers_floor() -> None:
    from benchmarks.rate_limits import rows

    served = {
        "cpu_us_per_request": {"on": 90.0, "off": 84.0, "bare": 56.0, "bare_headers": 59.5},
        "ratio": 84.0 / 90.0,
        "headers_us": 3.5,
        "budget_us": 84.0 * (1 / 0.95 - 1),
    }
    app_only = {"get_p50_us": {"on": 26.0, "off": 24.0}, "ratio": 24.0 / 26.0}
    got = rows({"rate_limits": app_only, "rate_limits_server": served})
    assert got[0] == (
        "GET status throughput rate limits on / off",
        "0.933x (90.0 us on vs 84.0 us off, server CPU per request)",
        ">= 0.95x",
        "NO",
    )
    assert got[1] == (
        "the four X-Rate-Limit-* headers alone, bare Starlette on the same uvicorn",
        "3.5 us per request (56.0 us without, 59.5 us with); "
        "the emulator's limits cost 6.0 us, a 0.95x ratio allows 4.4 us",
        "",
        "-",
    )
    assert got[2][0] == "GET status rate limits on / off (app only)"
