"""Start a server in its own process, pinned to a core, and wait until it answers 200. The emulator
runs from a given source tree (``benchmarks.trees``); the references always from this checkout."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.trees import CURRENT, Tree

READY_PATH = "/__emulator/ready"
TOKEN = "Bearer bench-token"
# The settings the README recommends for speed: manual clock (no wall-clock reads), lenient auth,
# warnings only (no access log). max_calls is raised so a POST run never fills the store.
EMULATOR_ARGS = [
    "--clock",
    "manual",
    "--auth",
    "lenient",
    "--log-level",
    "warning",
    "--max-calls",
    "10000000",
]
# The same emulator as users run it by default: strict auth, a real token from the OAuth endpoint.
STRICT_ARGS = ["--auth", "strict"]
UVICORN_ARGS = ["--log-level", "warning", "--no-server-header", "--lifespan", "off"]


REFERENCE_APPS = {
    "fastapi": "benchmarks.refapps:fastapi_app",
    "starlette": "benchmarks.refapps:starlette_app",
    "starlette-rate-limit-headers": "benchmarks.refapps:starlette_rate_limit_headers_app",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def pinned(cpu: int | None, argv: list[str]) -> list[str]:
    if cpu is None or shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
        return argv
    return ["taskset", "-c", str(cpu), *argv]


def is_emulator(target: str) -> bool:
    return target in ("emulator", "emulator-strict")


def command(target: str, port: int, extra: list[str] | None = None, tree: Tree = CURRENT) -> list[str]:
    if is_emulator(target):
        strict = STRICT_ARGS if target == "emulator-strict" else []
        return tree.python("-m", "emulator", "--port", str(port), *EMULATOR_ARGS, *strict, *(extra or []))
    app = REFERENCE_APPS[target]
    return CURRENT.python("-m", "uvicorn", app, "--port", str(port), *UVICORN_ARGS)


def get_status(port: int, path: str = READY_PATH, timeout: float = 1.0) -> int | None:
    """The status of one GET, or None while nothing listens."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Authorization": TOKEN})
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 20.0) -> float:
    """Seconds until the first 200 from the ready route (polled every ~2 ms)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if get_status(port) == 200:
            return time.perf_counter() - start
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        time.sleep(0.002)
    raise RuntimeError("server did not become ready")


@dataclass
class Server:
    target: str
    cpu: int | None = 0
    extra: list[str] = field(default_factory=list)
    tree: Tree = CURRENT  # whose emulator (the references ignore it)
    env: dict[str, str] = field(default_factory=dict)  # settings as variables: a tree without one ignores it
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        self.port = free_port()
        tree = self.tree if is_emulator(self.target) else CURRENT
        argv = pinned(self.cpu, command(self.target, self.port, self.extra, tree))
        started = time.perf_counter()
        out = subprocess.DEVNULL
        self.proc = subprocess.Popen(argv, cwd=tree.root, env={**tree.env(), **self.env}, stdout=out, stderr=out)
        wait_ready(self.port, self.proc)
        return time.perf_counter() - started

    def rss_kib(self) -> int:
        assert self.proc is not None
        pid = self.proc.pid  # taskset execs the command: the same pid
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def cpu_seconds(self) -> float:
        """CPU time the server's live threads have used so far (the scheduler's nanosecond count; the
        kernel's 10 ms ticks where that is missing): unlike its req/s, barely moved by other jobs on a
        shared machine, which take wall time from it, not CPU time."""
        assert self.proc is not None
        proc = Path(f"/proc/{self.proc.pid}")
        try:
            return sum(int((task / "schedstat").read_text().split()[0]) for task in (proc / "task").iterdir()) / 1e9
        except (OSError, ValueError, IndexError):
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
