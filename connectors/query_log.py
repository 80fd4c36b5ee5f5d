"""A log of the queries the app sends to the database: page, label, rows, time, size.

Every store's ``query`` is wrapped with :func:`recorded` (one line per store); each
query that returns a frame becomes one :class:`QueryRecord`:

- ``page``: the page being shown (set by the dashboard for each run with
  :func:`begin_view`, or for a block of code with :func:`on_page`); ``None``
  outside a page (the shared frame's loaders, command-line tools);
- ``view``: a number per page view, so the queries of one view can be told apart;
- ``label``: what the query is for, set with :func:`labelled` (nested labels are
  joined with ``/``). Without a label it defaults to the calling function and the
  tables the statement reads, ``read.read_fact(orders)``: the first function
  outside the stores and this module (module path without ``connectors.``), then
  the tables of the statement's FROM clauses, CTEs and subqueries included;
- ``engine`` (the store's ``kind``: ``duckdb``, ``postgresql``...), ``rows``
  (rows returned to the app), ``ms`` (wall time of the call: compile, run, fetch),
  ``bytes`` (``frame.estimated_size()``) and ``ts`` (UTC, ISO 8601).

The most recent records of each page stay in memory (:func:`last_views`, always on;
:data:`RING_SIZE` per page). When a file is configured (setting ``query_log``) each
record is also appended to it as one JSON line, under a lock (safe from several
threads); the file is moved to ``FILE.1`` once it passes :data:`MAX_FILE_BYTES`.
Recording never breaks a query: a failure is logged once as a warning.

No streamlit here: command-line tools and tests use the same recorder.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import itertools
import json
import logging
import os
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

log = logging.getLogger(__name__)

RING_SIZE = 500
MAX_FILE_BYTES = 20 * 1024 * 1024

_PAGE: contextvars.ContextVar[str | None] = contextvars.ContextVar("query_log_page", default=None)
_VIEW: contextvars.ContextVar[int | None] = contextvars.ContextVar("query_log_view", default=None)
_LABEL: contextvars.ContextVar[str | None] = contextvars.ContextVar("query_log_label", default=None)
_VIEWS = itertools.count(1)

_SKIP_MODULES = {__name__, "connectors.store", "contextlib", "functools"}
_FROM = re.compile(r"\b(?:FROM|JOIN)\s+\"?([A-Za-z_][\w.]*)", re.IGNORECASE)


@dataclass(frozen=True)
class QueryRecord:
    ts: str
    page: str | None
    view: int | None
    label: str
    engine: str
    rows: int
    ms: float
    bytes: int


class _Log:
    """The ring of recent records per page and the optional file, behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.path: Path | None = None
        self.max_bytes = MAX_FILE_BYTES
        self.ring: dict[str | None, deque[QueryRecord]] = {}
        self.warned = False

    def add(self, record: QueryRecord) -> None:
        with self.lock:
            self.ring.setdefault(record.page, deque(maxlen=RING_SIZE)).append(record)
            if self.path is not None:
                self._write(record)

    def _write(self, record: QueryRecord) -> None:
        line = json.dumps(asdict(record), ensure_ascii=False) + "\n"
        path = self.path
        assert path is not None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_size + len(line) > self.max_bytes:
                    os.replace(path, path.with_name(path.name + ".1"))
            with path.open("a", encoding="utf-8") as fh:
                fh.write(line)
        except Exception as exc:  # the log must never break a page
            if not self.warned:
                self.warned = True
                log.warning("cannot write the query log %s: %s (further failures are not reported)", path, exc)


_LOG = _Log()


def configure(path: str | Path | None, *, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Append records to this file from now on (``None``: memory only)."""
    with _LOG.lock:
        _LOG.path = Path(path) if path else None
        _LOG.max_bytes = max_bytes
        _LOG.warned = False


def log_file() -> Path | None:
    """The file records are appended to, if any."""
    return _LOG.path


def begin_view(page: str) -> int:
    """Start a view of ``page`` in the current context (a page run, a thread); its view number.

    Stays in force until the next call in this context: meant for a context that
    belongs to one run (Streamlit's script thread, a warm-up thread).
    """
    view = next(_VIEWS)
    _PAGE.set(page)
    _VIEW.set(view)
    return view


def end_view() -> None:
    """Queries in the current context belong to no page from now on."""
    _PAGE.set(None)
    _VIEW.set(None)


def current_view() -> int | None:
    return _VIEW.get()


@contextlib.contextmanager
def on_page(page: str) -> Iterator[int]:
    """Queries inside the block belong to a new view of ``page``."""
    page_token, view_token = _PAGE.set(page), _VIEW.set(next(_VIEWS))
    try:
        yield _VIEW.get()  # type: ignore[misc]
    finally:
        _VIEW.reset(view_token)
        _PAGE.reset(page_token)


@contextlib.contextmanager
def labelled(label: str) -> Iterator[None]:
    """Queries inside the block carry this label (inside another label: ``outer/label``)."""
    outer = _LABEL.get()
    token = _LABEL.set(f"{outer}/{label}" if outer else label)
    try:
        yield
    finally:
        _LABEL.reset(token)


def _caller() -> str:
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") in _SKIP_MODULES:
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return "?"
    module = str(frame.f_globals.get("__name__", "?")).removeprefix("connectors.")
    return f"{module}.{frame.f_code.co_qualname}"


def _tables(stmt: Any) -> str:
    if isinstance(stmt, str):
        names = _FROM.findall(stmt)
    else:
        try:
            import sqlalchemy as sa
            from sqlalchemy.sql.util import find_tables

            names = [t.name for t in find_tables(stmt, include_crud=True) if isinstance(t, sa.TableClause)]
        except Exception:  # a statement SQLAlchemy cannot walk: fall back to its text
            names = []
        if not names:
            names = _FROM.findall(str(getattr(stmt, "text", "")))
    return ",".join(sorted(set(names)))


def default_label(stmt: Any) -> str:
    """The label of a query run outside :func:`labelled`: ``caller(tables)``."""
    return f"{_caller()}({_tables(stmt)})"


def record(engine: str, frame: pl.DataFrame, seconds: float, stmt: Any = None, *, label: str | None = None) -> None:
    """Record one query that returned ``frame`` after ``seconds``; never raises."""
    try:
        rec = QueryRecord(
            ts=dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            page=_PAGE.get(), view=_VIEW.get(),
            label=label or _LABEL.get() or default_label(stmt),
            engine=engine, rows=frame.height, ms=round(seconds * 1000.0, 3), bytes=int(frame.estimated_size()),
        )
        _LOG.add(rec)
    except Exception as exc:
        if not _LOG.warned:
            _LOG.warned = True
            log.warning("cannot record a query in the query log: %s", exc)


F = TypeVar("F", bound=Callable[..., pl.DataFrame])


def recorded(method: F) -> F:
    """Decorate a store's ``query(self, stmt, ...)``: every call that returns is recorded.

    The engine name is the store's ``kind``.
    """

    @functools.wraps(method)
    def wrapper(self: Any, stmt: Any, *args: Any, **kwargs: Any) -> pl.DataFrame:
        started = time.perf_counter()
        frame = method(self, stmt, *args, **kwargs)
        record(str(getattr(self, "kind", type(self).__name__)), frame, time.perf_counter() - started, stmt)
        return frame

    return wrapper  # type: ignore[return-value]


def recent(page: str | None = None) -> list[QueryRecord]:
    """The records kept in memory for a page (oldest first)."""
    with _LOG.lock:
        return list(_LOG.ring.get(page, ()))


def last_views(*, exclude_view: int | None = None) -> dict[str | None, list[QueryRecord]]:
    """Per page, the records of its latest view that queried the database (``exclude_view`` skipped)."""
    with _LOG.lock:
        rings = {page: list(ring) for page, ring in _LOG.ring.items()}
    out: dict[str | None, list[QueryRecord]] = {}
    for page, records in rings.items():
        views = [r.view for r in records if exclude_view is None or r.view != exclude_view]
        if not views:
            continue
        last = views[-1]
        out[page] = [r for r in records if r.view == last]
    return out


def summary(records: list[QueryRecord]) -> dict[str, Any]:
    """Count, total rows, total ms, total bytes and time of the first query of a list of records."""
    return {
        "queries": len(records),
        "rows": sum(r.rows for r in records),
        "ms": round(sum(r.ms for r in records), 3),
        "bytes": sum(r.bytes for r in records),
        "started": records[0].ts if records else None,
    }


def clear() -> None:
    """Forget the records kept in memory (the file is left alone)."""
    with _LOG.lock:
        _LOG.ring.clear()
