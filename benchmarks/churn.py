"""Churn: create / poll / cancel at a steady rate for a bounded time against a real server with a
fast real clock, sampling the server's RSS each second. Flat RSS = bounded stores."""

from __future__ import annotations

import time
from typing import Any

import httpx

from benchmarks.load import SAMPLE
from benchmarks.servers import TOKEN, Server

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
# 39 s scenario at speed 100 ends in 0.39 s; ended calls are kept 60 emulated s (0.6 s wall)
CHURN_ARGS = ["--clock", "real", "--speed", "100", "--max-calls", "20000", "--rate-limits", "off"]


def run(seconds: float, rate: float) -> dict[str, Any]:
    server = Server("emulator", cpu=0, extra=CHURN_ARGS)
    server.start()
    samples: list[tuple[float, int]] = []
    counts = {"created": 0, "polled": 0, "cancelled": 0, "errors": 0}
    try:
        with httpx.Client(base_url=server.url, headers={"Authorization": TOKEN}) as client:
            _drive(client, server, seconds, rate, samples, counts)
    finally:
        server.stop()
    return _summary(samples, counts, seconds, rate)


def _drive(
    client: httpx.Client,
    server: Server,
    seconds: float,
    rate: float,
    samples: list[tuple[float, int]],
    counts: dict[str, int],
) -> None:
    start = time.perf_counter()
    next_sample = start
    recent: list[str] = []
    tick = 0
    while (now := time.perf_counter()) - start < seconds:
        if now >= next_sample:
            samples.append((now - start, server.rss_kib()))
            next_sample += 1.0
        created = client.post(RINGOUT, json=SAMPLE)
        counts["errors"] += created.status_code != 200
        if created.status_code == 200:
            counts["created"] += 1
            recent = [*recent[-50:], created.json()["id"]]
        if recent:
            polled = client.get(f"{RINGOUT}/{recent[0]}")
            counts["polled"] += 1
            counts["errors"] += polled.status_code not in (200, 404)  # 404: past retention
        if tick % 3 == 0 and recent:
            cancelled = client.delete(f"{RINGOUT}/{recent[-1]}")
            counts["cancelled"] += cancelled.status_code == 204
            counts["errors"] += cancelled.status_code not in (204, 404)
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
