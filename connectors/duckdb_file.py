"""One DuckDB file shared by the threads of this process, politely shared with other processes.

DuckDB lets one process hold a file read-write, or several read-only, never both,
and one process cannot mix read-only and read-write handles on a file. So:

- readers share one read-only connection (each gets its own cursor); it keeps
  DuckDB's buffer cache warm between queries, which matters on large data;
- that connection is closed after ``idle_close_s`` without reads, so another
  process (a scheduled import) can take the write lock while the app is idle;
- a writer in this process waits for readers, closes the shared connection and
  opens the file read-write for one transaction;
- opening a file another process has locked is retried until ``busy_timeout_s``.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

class FileBusy(RuntimeError):
    """Another process holds the DuckDB file for longer than we wait."""


class FileUnusable(RuntimeError):
    """The path is not a DuckDB database this process can open (another kind of file, a folder, no access)."""


def _holder(message: str) -> str:
    """' (process 1234)' when DuckDB's lock error names the process holding the file, else ''."""
    hit = re.search(r"\(PID (\d+)\)", message)
    return f" (process {hit.group(1)})" if hit else ""


def _unusable(path: Path, exc: Exception) -> FileUnusable:
    text = str(exc)
    if "not a valid DuckDB database" in text:
        why = "it is not a DuckDB database"
    elif "Is a directory" in text:
        why = "it is a folder"
    elif "does not exist" in text or "No such file" in text:
        why = "it does not exist"
    elif "Permission denied" in text or "permission" in text.lower():
        why = "this program may not read it"
    else:
        why = "DuckDB cannot open it"
    log.warning("cannot open the DuckDB file %s: %s", path, text)  # the full path for the operator's log only
    return FileUnusable(f"The database file '{path.name}' cannot be used: {why}. Check the setting "
                        "DASHBOARD_DB_URL (or DASHBOARD_DATA_DIR and DASHBOARD_DUCKDB_FILE).")


class ReadWriteLock:
    """Many readers or one writer, inside this process."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._readers:
                self._cond.wait()
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


def connect_with_retry(path: Path, *, read_only: bool, busy_timeout_s: float,
                       on_wait: Callable[[], None] | None = None) -> Any:
    """Open the file, retrying while another process holds its lock; ``on_wait`` is told once."""
    import duckdb

    deadline = time.monotonic() + busy_timeout_s
    delay = 0.05
    told = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            locked = isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()
            if not locked:
                raise _unusable(path, exc) from None
            if on_wait is not None and not told:
                on_wait()
                told = True
            if time.monotonic() > deadline:
                raise FileBusy(
                    f"The database file '{path.name}' is in use by another program{_holder(str(exc))} and stayed "
                    f"locked for {busy_timeout_s:.0f} s. Try again when it has finished."
                ) from None
            # short, jittered polls: a reader that reads now and then leaves short gaps to catch
            time.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, 0.25)


class DuckDBFile:
    """Connections to one DuckDB file for this process (get it with :func:`duckdb_file`)."""

    def __init__(self, path: Path, *, idle_close_s: float = 5.0) -> None:
        self.path = path
        self.idle_close_s = idle_close_s
        self.lock = ReadWriteLock()
        self._guard = threading.Lock()
        self._shared: Any = None
        self._last_use = 0.0
        self._closer: threading.Thread | None = None

    @contextlib.contextmanager
    def reading(self, *, busy_timeout_s: float, on_wait: Callable[[], None] | None = None) -> Iterator[Any]:
        """A cursor on the shared read-only connection."""
        with self.lock.read():
            with self._guard:
                if self._shared is None:
                    self._shared = connect_with_retry(self.path, read_only=True, busy_timeout_s=busy_timeout_s,
                                                      on_wait=on_wait)
                    self._start_closer()
                cursor = self._shared.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
                self._last_use = time.monotonic()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """No reader of this process holds the file meanwhile (the shared connection is closed)."""
        with self.lock.write():
            self._close_shared()
            yield

    @contextlib.contextmanager
    def writing(self, *, busy_timeout_s: float, on_wait: Callable[[], None] | None = None) -> Iterator[Any]:
        """A read-write connection inside one transaction: all or nothing."""
        with self.exclusive():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise _unusable(self.path, exc) from None
            con = connect_with_retry(self.path, read_only=False, busy_timeout_s=busy_timeout_s, on_wait=on_wait)
            try:
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
            finally:
                con.close()

    def _close_shared(self) -> None:
        with self._guard:
            if self._shared is not None:
                self._shared.close()
                self._shared = None

    def _start_closer(self) -> None:
        if self._closer is not None and self._closer.is_alive():
            return
        self._last_use = time.monotonic()
        self._closer = threading.Thread(target=self._close_when_idle, name=f"duckdb-idle-{self.path.name}",
                                        daemon=True)
        self._closer.start()

    def _close_when_idle(self) -> None:
        while True:
            time.sleep(max(self.idle_close_s / 4, 0.05))
            if time.monotonic() - self._last_use < self.idle_close_s:
                continue
            with self.lock.write():
                if time.monotonic() - self._last_use >= self.idle_close_s:
                    self._close_shared()
                    return


_FILES: dict[str, DuckDBFile] = {}
_FILES_GUARD = threading.Lock()


def duckdb_file(path: Path) -> DuckDBFile:
    """The process-wide handle of a DuckDB file (one per resolved path)."""
    key = str(path.resolve())
    with _FILES_GUARD:
        if key not in _FILES:
            _FILES[key] = DuckDBFile(Path(key))
        return _FILES[key]


@atexit.register
def _close_all() -> None:
    """Close shared connections at exit (DuckDB checkpoints on close)."""
    with _FILES_GUARD:
        files = list(_FILES.values())
    for f in files:
        f._close_shared()
