"""Fit the marketing-mix model to a weekly CSV file from the command line.

    python -m metrics.mmm FILE.csv --date week --outcome sales --spend search,social [--controls price] [--json]

With ``--json`` exactly one JSON object is printed: ``{"channels": {NAME: {"decay", "contribution_share",
"roi", "roi_interval": [lo, hi]}}, "r2", "fit_seconds"}``; without it, a readable table.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small matrices: threads only cost time

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402

import polars as pl  # noqa: E402

from metrics.mmm.data import MMMInputError, mmm_input  # noqa: E402
from metrics.mmm.diagnostics import r_squared  # noqa: E402
from metrics.mmm.fit import fit_mmm  # noqa: E402
from metrics.mmm.summary import channel_summary, cli_report  # noqa: E402


def _columns(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics.mmm", description=__doc__.splitlines()[0])
    parser.add_argument("file", help="weekly CSV file, one row per week")
    parser.add_argument("--date", required=True, help="column with the week's date (YYYY-MM-DD)")
    parser.add_argument("--outcome", required=True, help="column with the weekly outcome (sales, leads ...)")
    parser.add_argument("--spend", required=True, help="comma-separated spend columns, one per channel")
    parser.add_argument("--controls", default="", help="comma-separated control columns (price, promotions, events)")
    parser.add_argument("--draws", type=int, default=200, help="posterior draws for the 90%% intervals (default 200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        frame = pl.read_csv(args.file, try_parse_dates=False, infer_schema_length=10_000)
        data = mmm_input(frame, date=args.date, outcome=args.outcome, spend=_columns(args.spend),
                         controls=_columns(args.controls))
    except (OSError, pl.exceptions.PolarsError, MMMInputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    fit = fit_mmm(data, n_draws=args.draws, seed=args.seed)
    r2 = r_squared(data.outcome, fit.fitted)
    if args.json:
        print(json.dumps(cli_report(fit, r2)))
        return 0
    table = channel_summary(fit)
    print(f"{data.n_weeks} weeks, {len(data.channels)} channels, R² {r2:.3f}, fitted in {fit.fit_seconds:.1f} s")
    print(f"{'channel':<20}{'decay':>7}{'share':>8}{'ROI':>12}{'ROI 90% interval':>26}")
    for row in table.iter_rows(named=True):
        lo, hi = row["roi_lo"], row["roi_hi"]
        span = f"{lo:.4g} – {hi:.4g}" if lo is not None and hi is not None else "–"
        roi = f"{row['roi']:.4g}" if row["roi"] is not None else "–"
        print(f"{row['channel']:<20}{row['decay']:>7.2f}{row['contribution_share']:>8.1%}{roi:>12}{span:>26}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
