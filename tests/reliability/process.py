"""``python -m emulator`` in a subprocess (port 0), its log read line by line with bounded waits:
no sleeps, the start-up line tells the real port."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

STARTED = re.compile(r"^ringout-emulator \S+ listening on http://127\.0\.0\.1:(\d+) \(clock (\w+), auth (\w+)\)$")


@dataclass
class Emulator:
    proc: subprocess.Popen[str]
    lines: queue.Queue[str] = field(default_factory=queue.Queue)
    seen: list[str] = field(default_factory=list)
    port: int = 0
    started: str = ""  # the start-up line
    access_log: bool = True  # until a request's line fails to show up

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for(self, pattern: re.Pattern[str] | str, timeout: float = 10.0) -> re.Match[str]:
        """Read log lines until one matches; fail after ``timeout`` seconds (at once if it exited)."""
        wanted = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=min(left, 0.1))
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break  # exited: no line will come
                continue
            self.seen.append(line)
            if match := wanted.search(line.rstrip("\n")):
                return match
        raise AssertionError(f"no log line matching {wanted.pattern!r} in {timeout} s; log so far: {self.seen}")

    def log(self) -> str:
        while True:
            try:
                self.seen.append(self.lines.get_nowait())
            except queue.Empty:
                return "".join(self.seen)

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS line")


def _pump(stream: object, lines: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)


def subprocess_env() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if not name.upper().startswith("RINGOUT_EMULATOR_")}


@contextmanager
def running_emulator(*args: str, preexec_fn: Callable[[], None] | None = None) -> Iterator[Emulator]:
    """The emulator on port 0 with ``args``; stdout and stderr as one log; killed at the end."""
    argv = [sys.executable, "-m", "emulator", "--port", "0", *args]
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=subprocess_env(), preexec_fn=preexec_fn
    )
    running = Emulator(proc)
    pump = threading.Thread(target=_pump, args=(proc.stdout, running.lines), daemon=True)
    pump.start()
    try:
        started = running.wait_for(STARTED)
        running.port, running.started = int(started.group(1)), started.group(0)
        yield running
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        pump.join(timeout=10)  # the pipe ends with the process
        assert proc.stdout is not None
        proc.stdout.close()
