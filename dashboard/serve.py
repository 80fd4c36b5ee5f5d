"""The app run the way the README starts it (``streamlit run streamlit_app.py``) on a local port, for as long as
a block needs it: the report command's own app, the browser tests' servers and the benchmarks'.

The app's output goes to a file. A pipe that is read only at the end fills up at 64 KB, and the app then blocks on
its next log line, answering nothing.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


class AppDidNotStart(RuntimeError):
    """The app exited, or did not answer its health check in time; the message ends with its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class RunningApp:
    proc: subprocess.Popen
    url: str
    healthy_s: float  # seconds from the start to the first healthy answer
    log: IO[bytes]  # the app's output (stdout and stderr)
    log_path: Path | None  # where that is, when the caller named a file

    def log_tail(self, chars: int = 5000) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-chars:]

    def stop(self, timeout_s: float = 15.0) -> None:
        """SIGTERM, then SIGKILL if the app has not exited after ``timeout_s``."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def start_app(*, port: int | None = None, env: Mapping[str, str] | None = None, log_path: Path | None = None,
              timeout_s: float = 180.0) -> RunningApp:
    """Start the app on ``port`` (a free one by default) with ``env`` (default: this process's) and wait until it
    is healthy; raises :class:`AppDidNotStart` (and stops it) when it exits or stays silent for ``timeout_s``."""
    port = port or free_port()
    log: IO[bytes] = open(log_path, "w+b") if log_path else tempfile.TemporaryFile()  # noqa: SIM115 - stop() closes
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.address", HOST, "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=dict(env if env is not None else os.environ), stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    app = RunningApp(proc, f"http://{HOST}:{port}", 0.0, log, log_path)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{app.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    app.healthy_s = time.perf_counter() - started
                    return app
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = app.log_tail()
            app.stop(timeout_s=5)
            raise AppDidNotStart(f"the app did not start (exit code {proc.returncode}):\n{tail}")
        time.sleep(0.1)


@contextlib.contextmanager
def running_app(**kwargs) -> Iterator[RunningApp]:
    """:func:`start_app` for the length of the block; stopped afterwards, whatever happens."""
    app = start_app(**kwargs)
    try:
        yield app
    finally:
        app.stop()
