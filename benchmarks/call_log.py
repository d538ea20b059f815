"""Call-log figures, in a fresh child process each (``python -m benchmarks.call_log child ...``):
listing with ``records`` records in the store (``perPage=100``, Simple and Detailed) against a
RingOut GET on the same app (app only, no socket), and the memory a record costs once the RingOut
store has let its call go (RSS over ``records`` records, the call each keeps included).

The list answers from rendered records (``emulator.api.rendered_records``) once a page was read;
``call_log_simple_cold`` is the first read of a page, every record rendered."""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import subprocess
import sys
from typing import Any

from benchmarks.asgi import timed
from benchmarks.inprocess import _fill, _rss_kib
from benchmarks.trees import ROOT
from emulator.api.rendered_records import RenderedRecords

BASE = "/restapi/v1.0/account/~/extension/~"


def _app(records: int) -> Any:
    """Lenient auth, manual clock, no call-log delay, no RingOut retention: every record outlives its call."""
    from emulator.app import create_app
    from emulator.settings import Settings

    settings = Settings(
        clock="manual",
        auth="lenient",
        max_calls=records + 10,
        max_call_records=records + 10,
        call_log_delay_seconds=0,
        retention_seconds=0,
        rate_limits="off",  # one user listing thousands of times a second would be refused
    )
    return create_app(settings)


def child(records: int, samples: int) -> dict[str, Any]:
    app = _app(records)
    emulator = app.state.emulator
    gc.collect()
    before = _rss_kib()
    _fill(emulator, records)  # 10k+ calls, each ends 39 s in (the default scenario)
    emulator.advance_clock(3600)
    emulator.reset(["calls"])  # the RingOut store lets every call go; the log keeps them
    gc.collect()
    after = _rss_kib()
    live = _fill(emulator, 1)[0]  # the RingOut GET compared with
    loop = asyncio.new_event_loop()
    times: dict[str, list[float]] = {"ringout_get": [], "call_log_simple": [], "call_log_detailed": []}
    paths = {
        "ringout_get": f"{BASE}/ring-out/{live}",
        "call_log_simple": f"{BASE}/call-log?perPage=100",
        "call_log_detailed": f"{BASE}/call-log?perPage=100&view=Detailed",
    }
    for _ in range(4):  # interleaved, so drift hits every figure equally
        for key, path in paths.items():
            times[key] += loop.run_until_complete(timed(app, "GET", [path] * (samples // 4)))
    times["call_log_simple_cold"] = []  # the first read of a page: nothing rendered yet
    for _ in range(max(samples // 20, 5)):
        app.state.rendered_records = RenderedRecords()
        times["call_log_simple_cold"] += loop.run_until_complete(timed(app, "GET", [paths["call_log_simple"]]))
    loop.close()
    p50 = {key: statistics.median(value) * 1e6 for key, value in times.items()}
    return {
        "records": len(emulator.call_log),
        "bytes_per_record": (after - before) * 1024 / records,
        "p50_us": p50,
        "ratio_simple": p50["call_log_simple"] / p50["ringout_get"],
        "ratio_detailed": p50["call_log_detailed"] / p50["ringout_get"],
        "ratio_simple_cold": p50["call_log_simple_cold"] / p50["ringout_get"],
    }


def run(records: int = 10_000, samples: int = 2000) -> dict[str, Any]:
    argv = [sys.executable, "-m", "benchmarks.call_log", "child", str(records), str(samples)]
    out = subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out)
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        print(json.dumps(child(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        print(json.dumps(run(*(int(a) for a in sys.argv[1:3])), indent=2))
