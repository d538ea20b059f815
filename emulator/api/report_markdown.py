"""The readiness report as Markdown (``GET /__emulator/report?format=markdown``)."""

from __future__ import annotations

from typing import Any


def markdown(report: dict[str, Any]) -> str:
    coverage = report["coverage"]
    lines = [
        f"# Production readiness: {report['verdict']}",
        "",
        "RingCentral's production-access criteria: no 429, under 5 % 4xx responses, at least 5 successful calls "
        "per endpoint used.",
        f"Covers: {coverage['note']} (from {coverage['from'] or '-'} to {coverage['until']}).",
        "",
    ]
    if report["failures"]:
        lines += ["## What to change", "", *[f"- {line}" for line in report["failures"]], ""]
    for app in report["apps"]:
        lines += [
            f"## App `{app['app']}`: {app['verdict']}",
            "",
            f"{app['requests']} requests, {app['successes']} successful, "
            f"{app['clientErrors']} 4xx ({app['clientErrorRate']:.1%}).",
            "",
            "| endpoint | requests | successful | 4xx | 429 |",
            "| --- | --- | --- | --- | --- |",
            *[
                f"| `{e['endpoint']}` | {e['requests']} | {e['successes']} | {e['clientErrors']} | {e['throttled']} |"
                for e in app["endpoints"]
            ],
            "",
        ]
        if app["buckets"]:
            lines += [
                "| bucket (user, group) | limit | peak in a window | share | refused |",
                "| --- | --- | --- | --- | --- |",
                *[
                    f"| {b['user']}, {b['group']} | {b['limit']} per {b['windowSeconds']:g} s | {b['peak']} "
                    f"| {b['peakShare']:.0%} | {b['refused']} |"
                    for b in app["buckets"]
                ],
                "",
            ]
    return "\n".join(lines)
