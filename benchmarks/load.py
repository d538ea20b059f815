"""wrk (Debian's package, installed if missing) as the load generator, in its own process and
pinned to another core than the server."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.servers import TOKEN, pinned

SAMPLE = {"from": {"phoneNumber": "13445554444"}, "to": {"phoneNumber": "13455553434"}, "playPrompt": True}
POST_LUA = """wrk.method = "POST"
wrk.body = '{body}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "{token}"
"""
GET_LUA = """wrk.method = "GET"
wrk.headers["Authorization"] = "{token}"
"""
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass(frozen=True)
class LoadResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx answers plus socket errors
    server_cpu_s: float = 0.0  # the server's CPU time during the run, when measured


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return found


def lua_script(method: str, token: str = TOKEN) -> Path:
    text = POST_LUA if method == "POST" else GET_LUA
    body = json.dumps(SAMPLE, separators=(",", ":"))
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    with handle:
        handle.write(text.replace("{body}", body).replace("{token}", token))
    return Path(handle.name)


def run_wrk(
    url: str, method: str, seconds: float, connections: int, cpu: int | None = 1, token: str = TOKEN
) -> LoadResult:
    script = lua_script(method, token)
    try:
        argv = [ensure_wrk(), "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--latency", "-s", str(script), url]
        out = subprocess.run(pinned(cpu, argv), check=True, capture_output=True, text=True).stdout
    finally:
        script.unlink(missing_ok=True)
    return parse_wrk(out)


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"cannot read wrk duration {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(out: str) -> LoadResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _duration_ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _duration_ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(g) for g in socket.groups()) if socket else 0
    return LoadResult(rps, p50, p99, requests, errors)
