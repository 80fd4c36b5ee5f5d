"""Cached access to the data: the store, the first-start demo build, and loaders.

Loaders are cached per (store, data version, family, filters, columns). The data
version changes with every write, so an import shows up on the next rerun without
a restart, and stale entries simply stop being asked for. ``st.cache_resource`` is
used rather than ``st.cache_data`` because polars frames are immutable: sharing one
object between sessions is safe and skips a pickle round-trip of millions of rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import polars as pl
import streamlit as st

from connectors import measures as measures_sql
from connectors import query_log, read
from connectors.read import Filters
from connectors.store import Store, StoreError, open_store
from dashboard.filters import Bounds, ViewState, resolve_comparison, resolve_period
from dashboard.i18n import t
from connectors.settings import Settings

log = logging.getLogger(__name__)
_BUILD_LOCK = threading.Lock()


def app_secrets() -> dict:
    """The app's ``secrets.toml`` as a dict (empty without one)."""
    try:
        return dict(st.secrets)
    except Exception:  # no secrets file: environment only
        return {}


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    cfg = Settings.from_env(secrets=app_secrets())
    query_log.configure(cfg.query_log or None)
    from dashboard.data.uploads import hold_upload_limit

    hold_upload_limit(cfg.max_upload_mb)  # the server refuses larger uploads from any client
    return cfg


@st.cache_resource(show_spinner=False)
def _open(url: str, path: str, read_only: bool = False) -> Store:
    return open_store(url or None, default_path=path, read_only=read_only)


def store() -> Store:
    s = settings()
    return _open(s.db_url, str(s.duckdb_path), bool(s.read_only))


def store_id(st_: Store) -> str:
    return st_.display_url


def ensure_data() -> Store:
    """The store, with the demo company built into it first if the embedded file is new."""
    s = settings()
    query_log.end_view()  # a run starts: its queries belong to no page until the page is known
    st_ = store()
    if st_.exists():
        if getattr(st_, "writable", False):
            _app_tables(st_, store_id(st_))
        _review_labels(st_, store_id(st_))
        return st_
    if s.start_empty and getattr(st_, "writable", False):
        with _BUILD_LOCK:
            st_.ensure_schema()  # the tables, no rows: the company loads its own files
        return st_
    if not st_.can_build_demo:
        raise StoreError(
            f"The database {st_.display_url} has no dashboard tables yet. Create them with "
            "python -m connectors.init --empty --url <URL> (or load the demo: python -m connectors.demo --url <URL>)"
        )
    with _BUILD_LOCK:
        if st_.exists():  # another session built it meanwhile
            return st_
        from connectors.demo import load_demo

        lang = s.language
        with st.status(t("build.title", lang), expanded=True) as status:
            st.write(t("build.intro", lang))
            bar = st.progress(0.0)

            def progress(fraction: float, message: str) -> None:
                bar.progress(min(max(fraction, 0.0), 1.0), text=message)

            load_demo(st_, s.demo_scale, s.demo_seed, progress=progress, settings=s)
            status.update(label=t("build.done", lang), state="complete", expanded=False)
    return st_


@st.cache_resource(show_spinner=False, max_entries=8)
def _app_tables(_store: Store, sid: str) -> bool:
    """The app's own tables (saved scenarios, import log) in the configured database, once per process."""
    _store.ensure_app_tables()
    return True


@st.cache_resource(show_spinner=False, max_entries=8)
def _review_labels(_store: Store, sid: str) -> int:
    """A database written before review sentiment was stored gets its label columns, once per process."""
    from connectors import review_labels

    try:
        classifier = review_labels.load_classifier(settings().sentiment_classifier)
    except review_labels.ClassifierError:
        classifier = None  # the built-in one; the Reputation page reports the setting
    return review_labels.upgrade(_store, classifier)


@st.cache_resource(show_spinner=False, max_entries=8)
def _dimension(_store: Store, sid: str, version: str, name: str) -> pl.DataFrame:
    return read.read_dimension(_store, name)  # type: ignore[arg-type]


@st.cache_resource(show_spinner=False, max_entries=8)
def _freshness(_store: Store, sid: str, version: str) -> pl.DataFrame:
    return read.freshness(_store)


@st.cache_resource(show_spinner=False, max_entries=8)
def _regions(_store: Store, sid: str, version: str) -> list[str]:
    return read.regions(_store)


@st.cache_resource(show_spinner=False, max_entries=128)
def _fact(_store: Store, sid: str, version: str, family: str, filters: Filters,
          columns: tuple[str, ...] | None) -> pl.DataFrame:
    return read.read_fact(_store, family, filters, columns)


@st.cache_resource(show_spinner=False, max_entries=256)
def _measures(_store: Store, sid: str, version: str, family: str, names: tuple[str, ...], filters: Filters,
              grain: str | None, by: tuple[str, ...], params: tuple[tuple[str, Any], ...]) -> pl.DataFrame:
    return measures_sql.measure_frame(_store, family, names, filters, grain=grain, by=by,  # type: ignore[arg-type]
                                      params=dict(params))


@dataclass(frozen=True)
class PageContext:
    """What every page needs, built once per run."""

    settings: Settings
    store: Store
    version: str
    view: ViewState
    bounds: Bounds
    period: tuple[dt.date, dt.date]
    comparison: tuple[dt.date, dt.date] | None
    channels: pl.DataFrame
    campaigns: pl.DataFrame
    regions: tuple[str, ...]

    @property
    def lang(self) -> str:
        return self.view.lang

    @property
    def currency(self) -> str:
        return self.settings.currency

    def filters(self, *, comparison: bool = False) -> Filters:
        start, end = self.comparison if comparison and self.comparison else self.period
        return Filters(start, end, self.view.channels, self.view.regions)

    def load(self, family: str, *, comparison: bool = False, columns: Sequence[str] | None = None,
             whole_history: bool = False) -> pl.DataFrame:
        """Rows of a fact family under the shared filters (or over all time)."""
        if comparison and self.comparison is None:
            raise ValueError("no comparison period chosen")
        flt = self.filters(comparison=comparison)
        if whole_history:
            flt = flt.with_period(None, None)
        return _fact(self.store, store_id(self.store), self.version, family, flt,
                     tuple(columns) if columns else None)

    def measures(self, family: str, names: Sequence[str], *, grain: str | None = None, by: Sequence[str] = (),
                 comparison: bool = False, whole_history: bool = False,
                 params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        """Measures of a fact family (:mod:`connectors.measures`) computed by the database under the shared
        filters, per period (``grain``) and ``by``; cached per data version."""
        if comparison and self.comparison is None:
            raise ValueError("no comparison period chosen")
        flt = self.filters(comparison=comparison)
        if whole_history:
            flt = flt.with_period(None, None)
        return _measures(self.store, store_id(self.store), self.version, family, tuple(names), flt, grain,
                         tuple(by), tuple(sorted((params or {}).items())))

    def cache_key(self) -> tuple:
        """Everything a page computation may depend on besides its own arguments: the database and its data
        version, every setting, the data's bounds and the view's period, comparison, channels and regions.
        (The language is not in it: a computation whose result depends on it takes it as an argument.)"""
        return (store_id(self.store), self.version, self.settings, self.bounds, self.period, self.comparison,
                self.view.channels, self.view.regions)

    def channel_name(self, channel_id: str) -> str:
        row = self.channels.filter(pl.col("channel_id") == channel_id)
        if row.height == 0:
            return channel_id
        name_ru = row["name_ru"][0]
        return name_ru if self.lang == "ru" and name_ru else row["name"][0]


def base_context(st_: Store) -> tuple[str, pl.DataFrame, pl.DataFrame, tuple[str, ...], Bounds]:
    """Dimensions and data bounds for the current data version."""
    version = st_.data_version()
    sid = store_id(st_)
    channels = _dimension(st_, sid, version, "channels")
    campaigns = _dimension(st_, sid, version, "campaigns")
    regions = tuple(_regions(st_, sid, version))
    fresh = _freshness(st_, sid, version)
    sources = tuple((r["table"], r["first"], r["last"]) for r in fresh.iter_rows(named=True))
    b = read.anchor_bounds(fresh)
    today = dt.date.today()
    bounds = Bounds(*b, sources=sources) if b else Bounds(today, today, sources=sources)
    return version, channels, campaigns, regions, bounds


def build_context(st_: Store, view: ViewState, version: str, channels: pl.DataFrame, campaigns: pl.DataFrame,
                  regions: tuple[str, ...], bounds: Bounds, *, page: str | None = None) -> PageContext:
    """The run's context; with ``page`` (its key, e.g. ``sales``), the run's queries are logged as that page's view."""
    if page is not None:
        query_log.begin_view(page)
    return PageContext(
        settings=settings(), store=st_, version=version, view=view, bounds=bounds,
        period=resolve_period(view, bounds), comparison=resolve_comparison(view, bounds),
        channels=channels, campaigns=campaigns, regions=regions,
    )


F = TypeVar("F", bound=Callable[..., Any])


def cached_on_context(*, max_entries: int = 16) -> Callable[[F], F]:
    """Cache ``fn(ctx, *args, **kwargs)`` on ``ctx.cache_key()`` plus the arguments.

    The key is derived from the context, not picked by hand, so a computation that starts to depend on
    another setting or filter can never serve a stale result. Results are shared between sessions
    (``st.cache_resource``): return immutable values (polars frames, frozen dataclasses).
    """
    def decorate(fn: F) -> F:
        name = f"{fn.__module__}.{fn.__qualname__}"

        def _run(_ctx: PageContext, _fn: Callable[..., Any], fn_name: str, key: tuple, args: tuple,
                 kwargs: tuple) -> Any:
            return _fn(_ctx, *args, **dict(kwargs))

        _run.__qualname__ = f"{fn.__qualname__}.cached"  # one cache (and max_entries) per function
        _run.__module__ = fn.__module__
        _run = st.cache_resource(show_spinner=False, max_entries=max_entries)(_run)

        @functools.wraps(fn)
        def wrapper(ctx: PageContext, *args: Any, **kwargs: Any) -> Any:
            return _run(ctx, fn, name, ctx.cache_key(), args, tuple(sorted(kwargs.items())))

        return wrapper  # type: ignore[return-value]

    return decorate
