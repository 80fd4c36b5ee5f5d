"""CLV fits and the Retention & profit computation: our code vs the ``lifetimes`` package.

    python -m benchmarks.retention                       # builds data/large.duckdb on first use
    python -m benchmarks.retention --db /tmp/large.duckdb --repeat 3
    python -m benchmarks.retention --skip-large          # CDNOW only
    python -m benchmarks.retention --db /work/large.duckdb --pages   # rows moved and cold time per page

Prints median times (seconds) of: the RFM summary, the BG/NBD fit, the Gamma-Gamma fit and
the customers' CLV over the horizon — ours next to ``lifetimes`` on the same summary (the
ratio is lifetimes / ours) — on the public CDNOW sample and on the large demo's customers;
then, for the Overview's value model and contributions, the Retention & profit page and the
Budget scenarios, the rows the database returns and the computation time on the large demo,
cold (caches cleared) and warm, for the last 90 days, 12 months and all data. ``lifetimes`` is a
test-only dependency; without it those columns are skipped. On the large demo ``lifetimes`` runs once (it takes minutes); CLV by
``lifetimes`` is timed on a random sample of ``--lifetimes-sample`` customers and scaled.
The machine is shared: figures are medians and still noisy.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import inspect
import time
import warnings
from importlib.resources import files
from pathlib import Path

import polars as pl

from connectors.store import DuckDBStore
from metrics import clv
from benchmarks.loaders import DEFAULT_DB, ensure_large
from benchmarks.loaders import median_time

CDNOW_END = dt.date(1997, 9, 30)


def _lifetimes():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import lifetimes
    except ImportError:
        return None
    return lifetimes


def cdnow_orders() -> pl.DataFrame:
    _lifetimes()
    rows = [r.split() for r in (files("lifetimes.datasets") / "CDNOW_sample.txt").read_text().splitlines() if r]
    return pl.DataFrame({"customer_id": [int(r[1]) for r in rows],
                         "ordered_at": [dt.datetime.strptime(r[2], "%Y%m%d") for r in rows],
                         "revenue": [float(r[4]) for r in rows]})


def row(name: str, ours: float, theirs: float | None) -> None:
    ratio = f"{theirs / ours:8.1f}x" if theirs is not None and ours > 0 else "        —"
    ref = f"{theirs:10.3f}" if theirs is not None else "         —"
    print(f"  {name:28s} {ours:10.3f} {ref} {ratio}")


def compare_fits(orders: pl.DataFrame, end: dt.date, *, value_col: str, repeat: int, lt_repeat: int,
                 lt_sample: int | None, months: int, rate: float) -> None:
    lt = _lifetimes()
    t_rfm, summary = median_time(lambda: clv.rfm_summary(orders, end, "week", value_col=value_col), repeat)
    t_bg, bg = median_time(lambda: clv.fit_bgnbd(summary), repeat)
    t_gg, gg = median_time(lambda: clv.fit_gamma_gamma(summary), repeat)
    t_pred, _ = median_time(lambda: clv.customer_predictions(summary, bg, gg, horizon_months=months,
                                                              annual_discount_rate=rate), repeat)
    lt_bg = lt_gg = lt_pred = None
    if lt is not None:
        data = summary.to_pandas().set_index("customer_id")
        rep = data[data["frequency"] > 0]
        lt_bg, bgf = median_time(lambda: lt.BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"]),
                                 lt_repeat)
        lt_gg, ggf = median_time(lambda: lt.GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"]),
                                 lt_repeat)
        sample = data.sample(lt_sample, random_state=1) if lt_sample and lt_sample < len(data) else data
        monthly = (1 + rate) ** (1 / 12) - 1
        t, _ = median_time(lambda: ggf.customer_lifetime_value(
            bgf, sample["frequency"], sample["recency"], sample["T"], sample["monetary_value"], time=months,
            discount_rate=monthly, freq="W"), lt_repeat)
        lt_pred = t * len(data) / len(sample)
        print(f"  lifetimes BG/NBD r={bgf.params_['r']:.4f} alpha={bgf.params_['alpha']:.4f} "
              f"a={bgf.params_['a']:.4f} b={bgf.params_['b']:.4f}")
    print(f"  ours      BG/NBD r={bg.r:.4f} alpha={bg.alpha:.4f} a={bg.a:.4f} b={bg.b:.4f}; "
          f"Gamma-Gamma p={gg.p:.4f} q={gg.q:.4f} v={gg.v:.4f}; {summary.height:,} customers")
    print(f"  {'step (seconds, median)':28s} {'ours':>10s} {'lifetimes':>10s} {'ratio':>9s}")
    row("RFM summary", t_rfm, None)
    row("BG/NBD fit", t_bg, lt_bg)
    row("Gamma-Gamma fit", t_gg, lt_gg)
    row(f"CLV, {months} months" + (" (lt scaled)" if lt_sample else ""), t_pred, lt_pred)


class RowCount:
    """Rows the store returns, by the dashboard function that asked (``store.query`` wrapped)."""

    def __init__(self, store: DuckDBStore) -> None:
        self.store, self.rows, self.seconds = store, collections.Counter(), collections.Counter()
        self._real = store.query

    def __enter__(self) -> RowCount:
        def query(stmt):
            t0 = time.perf_counter()
            frame = self._real(stmt)
            caller = self._caller()
            self.seconds[caller] += time.perf_counter() - t0
            self.rows[caller] += frame.height
            return frame

        self.store.query = query  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc) -> None:
        del self.store.query

    @staticmethod
    def _caller() -> str:
        for frame in inspect.stack()[2:]:
            module = frame.frame.f_globals.get("__name__", "")
            if module.startswith("dashboard.") and module != "dashboard.context":
                return f"{module}.{frame.function}"
        return "?"


def _overview_value(ctx) -> None:
    from dashboard.overview import contribution
    from dashboard.retention import data as rd

    model = rd.value_model(ctx)
    contribution.contributions(ctx, model)
    contribution.retention_headline(ctx, model)


def _retention(ctx) -> None:
    from dashboard.retention import data as rd
    from metrics.cohorts import historical_clv_curve

    model = rd.customer_model(ctx)
    fits = rd.clv_model(ctx)
    rd.churn(ctx)
    rd.sensitivity(ctx, model)
    rd.segment_table(model, fits, "en")
    historical_clv_curve(model.clv_by_cohort)
    fits.distribution()


def _scenarios(ctx) -> None:
    from dashboard.scenarios import data as scn

    data = scn.scenario_data(ctx)
    plan = scn.planner(ctx, data, scn.DEFAULT_HORIZON, scn.DEFAULT_WEEKS)
    plan.project(scn.baseline_budgets(data, scn.DEFAULT_WEEKS))


PAGES = {"overview": _overview_value, "retention": _retention, "scenarios": _scenarios}


def bench_pages(store: DuckDBStore, repeat: int, pages: list[str]) -> None:
    """Rows moved and cold / warm time of each page's computation, for three periods.

    Cold: every cache emptied first (the first view after new data, without the warm-up). The Overview part is
    the value model, the contributions and the retention headline (the contributions' Markov credit is the Sales
    page's attribution: its rows are listed apart). Scenarios read the whole history, whatever the period.
    """
    import streamlit as st

    from dashboard import context as app_data
    from dashboard.filters import ViewState

    version, channels, campaigns, regions, bounds = app_data.base_context(store)
    views = (("90 days", ViewState()), ("12 months", ViewState(period="last_12_months")),
             ("all data", ViewState(period="all")))
    print(f"\n{'page':10s} {'view':10s} {'rows moved':>11s} {'of which sales':>15s} {'cold':>8s} {'warm':>9s}")
    for page in pages:
        for label, view in views:
            ctx = app_data.build_context(store, view, version, channels, campaigns, regions, bounds)
            st.cache_resource.clear()
            with RowCount(store) as count:
                t0 = time.perf_counter()
                PAGES[page](ctx)
                cold = time.perf_counter() - t0
            warm, _ = median_time(lambda: PAGES[page](ctx), repeat)
            sales = sum(v for k, v in count.rows.items() if k.startswith("dashboard.sales."))
            print(f"{page:10s} {label:10s} {sum(count.rows.values()):>11,} {sales:>15,} {cold:>7.1f}s "
                  f"{warm * 1000:>7.1f}ms", flush=True)
            for name, rows in count.rows.most_common(8):
                print(f"{'':22s}{rows:>11,}  {name} ({count.seconds[name]:.1f} s in the database)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lifetimes-sample", type=int, default=50_000)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--pages", nargs="*", choices=sorted(PAGES),
                        help="only the pages' rows moved and cold / warm times on the large demo (default: all three)")
    args = parser.parse_args(argv)
    if args.pages is not None:
        bench_pages(ensure_large(args.db), args.repeat, args.pages or list(PAGES))
        return

    print("CDNOW sample (2,357 customers, 39-week calibration), CLV over 12 months at 12%/year:")
    compare_fits(cdnow_orders(), CDNOW_END, value_col="revenue", repeat=args.repeat, lt_repeat=args.repeat,
                 lt_sample=None, months=12, rate=0.12)
    if args.skip_large:
        return
    store = ensure_large(args.db)
    with store.reading() as con:
        orders = con.sql("SELECT customer_id, ordered_at, revenue - cost_of_goods AS gross_profit FROM orders").pl()
        end = con.sql("SELECT CAST(MAX(ordered_at) AS DATE) FROM orders").fetchall()[0][0]
    print(f"\nLarge demo ({orders.height:,} orders), gross profit per purchase, CLV over 36 months at 12%/year:")
    compare_fits(orders, end, value_col="gross_profit", repeat=max(1, args.repeat // 2), lt_repeat=1,
                 lt_sample=args.lifetimes_sample, months=36, rate=0.12)
    del orders
    bench_pages(store, args.repeat, list(PAGES))


if __name__ == "__main__":
    main()
