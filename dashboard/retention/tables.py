"""Tables of the Retention & profit page: metric frames formatted for display in the chosen language."""

from __future__ import annotations

import polars as pl

from dashboard.context import PageContext
from dashboard.i18n import fmt_money, fmt_number, fmt_pct, t
from metrics.retention_value import RetentionInputs


def _money(ctx: PageContext, x: float | None) -> str:
    return fmt_money(x, ctx.lang, ctx.currency)


def segments(ctx: PageContext, table: pl.DataFrame) -> pl.DataFrame:
    """The status table: labels, counts, shares and CLVs as text."""
    lang = ctx.lang
    rows = []
    for r in table.iter_rows(named=True):
        rows.append({
            t("col.status", lang): r["status_label"],
            t("col.action", lang): r["action_label"],
            t("col.customers", lang): fmt_number(r["customers"], lang),
            t("col.customer_share", lang): fmt_pct(r["customer_share"], lang),
            t("col.revenue_share", lang): fmt_pct(r["revenue_share"], lang),
            t("col.gross_profit_share", lang): fmt_pct(r["gross_profit_share"], lang),
            t("col.historical_clv", lang): _money(ctx, r["historical_clv"]),
            t("col.predicted_clv", lang): _money(ctx, r["predicted_clv"]),
        })
    return pl.DataFrame(rows)


def projection_inputs(ctx: PageContext, inputs: RetentionInputs) -> pl.DataFrame:
    """Retention, base and margin by tenure: every input of the projection."""
    lang = ctx.lang
    return pl.DataFrame([{
        t("col.tenure", lang): t(f"tenure.{r['tenure']}", lang),
        t("col.active_prev", lang): fmt_number(r["active_prev"], lang),
        t("col.retained", lang): fmt_number(r["retained"], lang),
        t("col.retention", lang): fmt_pct(r["retention"], lang),
        t("col.active_now", lang): fmt_number(r["active_now"], lang),
        t("col.margin_per_active", lang): _money(ctx, r["margin_per_active"]),
    } for r in inputs.tenure.iter_rows(named=True)])


def nps_value(ctx: PageContext, frame: pl.DataFrame) -> pl.DataFrame:
    lang = ctx.lang
    return pl.DataFrame([{
        t("col.nps_group", lang): t(f"nps.{r['nps_group']}", lang),
        t("col.customers", lang): fmt_number(r["customers"], lang),
        t("col.repeat_rate", lang): fmt_pct(r["repeat_rate"], lang),
        t("col.gross_profit_12m", lang): _money(ctx, r["gross_profit_12m"]),
        t("col.referrals", lang): fmt_number(r["referrals_per_customer"], lang, digits=3),
        t("col.value", lang): _money(ctx, r["value"]),
    } for r in frame.iter_rows(named=True)])


def complaint_value(ctx: PageContext, frame: pl.DataFrame) -> pl.DataFrame:
    lang = ctx.lang
    return pl.DataFrame([{
        t("col.speed", lang): t(f"speed.{r['speed']}", lang),
        t("col.complaints", lang): fmt_number(r["complaints"], lang),
        t("col.ordered_again", lang): fmt_pct(r["ordered_again"], lang),
        t("col.gp_after", lang): _money(ctx, r["gross_profit_12m"]),
    } for r in frame.iter_rows(named=True)])


def difference(frame: pl.DataFrame, key: str, first: str, second: str, column: str) -> float | None:
    """Value of ``column`` for row ``key == first`` minus for ``key == second`` (None when either is missing)."""
    a = frame.filter(pl.col(key) == first)[column]
    b = frame.filter(pl.col(key) == second)[column]
    if a.len() == 0 or b.len() == 0 or a[0] is None or b[0] is None:
        return None
    return float(a[0]) - float(b[0])
