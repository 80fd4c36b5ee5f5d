"""Tables of the Retention & profit page: the metric frames' numbers with their column titles and formats in the
chosen language (the numbers stay numbers: they sort as numbers and download as numbers)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from dashboard.i18n import money_title, t
from metrics.retention_value import RetentionInputs

Table = tuple[pl.DataFrame, dict]


def _text(ctx: PageContext, key: str):
    return st.column_config.TextColumn(t(key, ctx.lang))


def _count(ctx: PageContext, key: str, fmt: str = "localized"):
    return st.column_config.NumberColumn(t(key, ctx.lang), format=fmt)


def _share(ctx: PageContext, key: str):
    return st.column_config.NumberColumn(t(key, ctx.lang), format="percent")


def _money(ctx: PageContext, key: str):
    return st.column_config.NumberColumn(money_title(t(key, ctx.lang), ctx.currency), format="%.0f")


def _labelled(ctx: PageContext, frame: pl.DataFrame, column: str, prefix: str) -> pl.DataFrame:
    """``column``'s codes replaced by their names in the view's language (the message ``prefix + code``)."""
    names = {code: t(f"{prefix}{code}", ctx.lang) for code in frame[column].unique().to_list()}
    return frame.with_columns(pl.col(column).replace_strict(names, return_dtype=pl.String))


def segments(ctx: PageContext, table: pl.DataFrame) -> Table:
    """The status table: labels, counts, shares and CLVs."""
    config = {
        "status_label": _text(ctx, "col.status"), "action_label": _text(ctx, "col.action"),
        "customers": _count(ctx, "col.customers"), "customer_share": _share(ctx, "col.customer_share"),
        "revenue_share": _share(ctx, "col.revenue_share"),
        "gross_profit_share": _share(ctx, "col.gross_profit_share"),
        "historical_clv": _money(ctx, "col.historical_clv"), "predicted_clv": _money(ctx, "col.predicted_clv"),
    }
    return table.select(list(config)), config


def projection_inputs(ctx: PageContext, inputs: RetentionInputs) -> Table:
    """Retention, base and margin by tenure: every input of the projection."""
    frame = _labelled(ctx, inputs.tenure, "tenure", "tenure.")
    config = {
        "tenure": _text(ctx, "col.tenure"), "active_prev": _count(ctx, "col.active_prev"),
        "retained": _count(ctx, "col.retained"), "retention": _share(ctx, "col.retention"),
        "active_now": _count(ctx, "col.active_now"), "margin_per_active": _money(ctx, "col.margin_per_active"),
    }
    return frame.select(list(config)), config


def nps_value(ctx: PageContext, frame: pl.DataFrame) -> Table:
    shown = _labelled(ctx, frame, "nps_group", "nps.")
    config = {
        "nps_group": _text(ctx, "col.nps_group"), "customers": _count(ctx, "col.customers"),
        "repeat_rate": _share(ctx, "col.repeat_rate"), "gross_profit_12m": _money(ctx, "col.gross_profit_12m"),
        "referrals_per_customer": _count(ctx, "col.referrals", "%.3f"), "value": _money(ctx, "col.value"),
    }
    return shown.select(list(config)), config


def complaint_value(ctx: PageContext, frame: pl.DataFrame) -> Table:
    shown = _labelled(ctx, frame, "speed", "speed.")
    config = {
        "speed": _text(ctx, "col.speed"), "complaints": _count(ctx, "col.complaints"),
        "ordered_again": _share(ctx, "col.ordered_again"), "gross_profit_12m": _money(ctx, "col.gp_after"),
    }
    return shown.select(list(config)), config


def difference(frame: pl.DataFrame, key: str, first: str, second: str, column: str) -> float | None:
    """Value of ``column`` for row ``key == first`` minus for ``key == second`` (None when either is missing)."""
    a = frame.filter(pl.col(key) == first)[column]
    b = frame.filter(pl.col(key) == second)[column]
    if a.len() == 0 or b.len() == 0 or a[0] is None or b[0] is None:
        return None
    return float(a[0]) - float(b[0])
