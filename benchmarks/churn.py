"""Churn: create / poll / cancel at a steady rate for a bounded time against a real server with a
fast real clock, sampling the server's RSS each second. Flat RSS = bounded stores. With two trees,
both servers run side by side and every tick drives each of them in turn (alternating who goes first)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks.load import SAMPLE
from benchmarks.servers import TOKEN, Server
from benchmarks.trees import CURRENT, Tree, alternate

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
# 39 s scenario at speed 100 ends in 0.39 s; ended calls are kept 60 emulated s (0.6 s wall)
CHURN_ARGS = ["--clock", "real", "--speed", "100", "--max-calls", "20000"]
# The call log keeps every ended call up to its cap (20,000 by default, ~0.8 KiB a record): more
# than a churn run makes, so RSS would grow until the run ends. A cap the run passes early shows
# the store bounded (a variable: a tree from before the call log ignores it).
CHURN_ENV = {"RINGOUT_EMULATOR_MAX_CALL_RECORDS": "2000"}


@dataclass
class Driven:
    """One server under churn and what it has seen so far."""

    server: Server
    client: httpx.Client
    samples: list[tuple[float, int]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "polled": 0, "cancelled": 0, "errors": 0})
    recent: list[str] = field(default_factory=list)

    def tick(self, tick: int) -> None:
        counts = self.counts
        created = self.client.post(RINGOUT, json=SAMPLE)
        counts["errors"] += created.status_code != 200
        if created.status_code == 200:
            counts["created"] += 1
            self.recent = [*self.recent[-50:], created.json()["id"]]
        if self.recent:
            polled = self.client.get(f"{RINGOUT}/{self.recent[0]}")
            counts["polled"] += 1
            counts["errors"] += polled.status_code not in (200, 404)  # 404: past retention
        if tick % 3 == 0 and self.recent:
            cancelled = self.client.delete(f"{RINGOUT}/{self.recent[-1]}")
            counts["cancelled"] += cancelled.status_code == 204
            counts["errors"] += cancelled.status_code not in (204, 404)


def run(seconds: float, rate: float, trees: Sequence[Tree] = (CURRENT,)) -> dict[str, dict[str, Any]]:
    """Per tree name: the churn summary of its emulator, all trees driven in the same ticks."""
    servers = {tree.name: Server("emulator", cpu=0, extra=CHURN_ARGS, tree=tree, env=CHURN_ENV) for tree in trees}
    driven: dict[str, Driven] = {}
    try:
        for name, server in servers.items():
            server.start()
            driven[name] = Driven(server, httpx.Client(base_url=server.url, headers={"Authorization": TOKEN}))
        _drive([driven[tree.name] for tree in trees], seconds, rate)
    finally:
        for each in driven.values():
            each.client.close()
        for server in servers.values():
            server.stop()
    return {name: _summary(each.samples, each.counts, seconds, rate) for name, each in driven.items()}


def _drive(driven: Sequence[Driven], seconds: float, rate: float) -> None:
    start = time.perf_counter()
    next_sample = start
    tick = 0
    while (now := time.perf_counter()) - start < seconds:
        if now >= next_sample:
            for each in driven:
                each.samples.append((now - start, each.server.rss_kib()))
            next_sample += 1.0
        for each in alternate(driven, tick):
            each.tick(tick)
        tick += 1
        delay = start + tick / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)


def _summary(samples: list[tuple[float, int]], counts: dict[str, int], seconds: float, rate: float) -> dict[str, Any]:
    settled = [rss for t, rss in samples if t >= seconds / 3] or [samples[-1][1]]
    return {
        "seconds": seconds,
        "target_rate_per_s": rate,
        "counts": counts,
        "rss_kib_samples": [rss for _, rss in samples],
        "rss_kib_settled_first": settled[0],
        "rss_kib_settled_last": settled[-1],
        "rss_kib_settled_max": max(settled),
        "rss_growth_after_warmup": settled[-1] / settled[0] - 1,
    }
