"""The Reputation page's computation time on the large demo.

    python -m benchmarks.reputation                          # data/large.duckdb, built on first use
    python -m benchmarks.reputation --db /tmp/large.duckdb --repeat 7

Prints, for a few views, the median time of everything the page computes
(``dashboard.reputation.data.compute_page``: every load, the review sentiment, every metric)
cold (loader caches cleared) and warm (caches filled, as when a user changes a page
control), and the Overview's Reputation column warm. Opens the database read-only.
Figures are medians; the machine is shared and noisy. Quality bar: warm < 2 s.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from connectors.store import truth_of
from benchmarks.loaders import DEFAULT_DB, ensure_large
from benchmarks.loaders import median_seconds as median_time



def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    store = ensure_large(args.db)

    from dashboard import context as app_data
    from dashboard.reputation import data as rep
    from dashboard.filters import ViewState
    from dashboard.overview.pillars import reputation as pillar

    rows = truth_of(store)["rows"]
    print(f"Large demo: {rows['nps_responses']:,} NPS answers, {rows['reviews']:,} reviews, "
          f"{rows['complaints']:,} complaints")
    version, channels, campaigns, regions, bounds = app_data.base_context(store)
    views = (
        ("last 90 days, vs previous", ViewState(), "auto"),
        ("last 12 months, vs last year", ViewState(period="last_12_months", compare="year"), "auto"),
        ("last 12 months, weekly, Tver", ViewState(period="last_12_months", regions=("Тверь",)), "week"),
    )
    print(f"\n{'view':34s} {'cold':>9s} {'warm':>9s} {'overview column':>16s}")
    worst = 0.0
    for label, view, grain in views:
        ctx = app_data.build_context(store, view, version, channels, campaigns, regions, bounds)

        def cold():
            app_data._fact.clear()
            rep._with_sentiment.clear()
            return rep.compute_page(ctx, grain_choice=grain)

        t_cold = median_time(cold, max(1, args.repeat // 2))
        t_warm = median_time(lambda: rep.compute_page(ctx, grain_choice=grain), args.repeat)
        t_pillar = median_time(lambda: pillar.headlines(ctx, "week"), args.repeat)
        worst = max(worst, t_warm)
        print(f"{label:34s} {t_cold * 1000:7.0f}ms {t_warm * 1000:7.0f}ms {t_pillar * 1000:14.0f}ms")
    print(f"\nslowest warm page computation: {worst:.2f}s (bar: < 2 s) -> {'OK' if worst < 2 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
