"""Pieces of the Sales page: its controls (bound to the link), KPI cards and tables."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import state
from dashboard.components import delta_text
from dashboard.components import kpi, metric_help, table
from dashboard.context import PageContext
from dashboard.freshness import comparison_covered
from dashboard.i18n import fmt_money, fmt_number, fmt_pct, money_title, t
from dashboard.sales.data import (
    DEFAULT_MODEL, GRAIN, GRAIN_CHOICES, LOOKBACK, MAX_LOOKBACK, MODEL, Kpi, SalesResults, lookback_options,
    parse_grain, parse_lookback, parse_model,
)
from metrics.attribution import MODELS
from metrics.specs import spec

KPI_ROWS = (("sales_spend", "leads", "cpl", "conversion"), ("new_customers", "cac", "roas", "romi"),
            ("revenue", "gross_profit", "payback"))
# the decision numbers next to the channel's name, so a 1280 px screen shows them without scrolling sideways
CHANNEL_COLUMN_ORDER = ("channel_id", "spend", "roas", "romi", "revenue", "gross_profit", "new_customers", "cac",
                        "leads", "converted_leads", "cpl", "conversion")
MONEY_COLUMNS = ("spend", "cpl", "cac", "revenue", "gross_profit", "cost_per_customer", "cost_per_response")


def controls(ctx: PageContext) -> tuple[str, int, str]:
    """Model, look-back and trend grain, seeded from the link and written back to it."""
    lang = ctx.lang
    default_lookback = ctx.settings.lookback_days if 1 <= ctx.settings.lookback_days <= MAX_LOOKBACK else 30
    state.page_param("model", MODEL, parse=parse_model, default=DEFAULT_MODEL)
    state.page_param("lookback", LOOKBACK, parse=parse_lookback, default=default_lookback)
    state.page_param("grain", GRAIN, parse=parse_grain, default="week")
    left, mid, right = st.columns([2, 1, 1])
    half_life = ctx.settings.half_life_days
    with left:
        st.selectbox(t("sales.model", lang), MODELS, **state.translated(MODEL),
                     format_func=lambda m: t(f"model.{m}", lang), help=t("sales.model.help", lang))
    with mid:
        st.selectbox(t("sales.lookback", lang), lookback_options(default_lookback, st.session_state[LOOKBACK]),
                     **state.translated(LOOKBACK),
                     format_func=lambda n: t("sales.lookback.days", lang, n=n), help=t("sales.lookback.help", lang))
    with right:
        st.selectbox(t("sales.grain", lang), GRAIN_CHOICES, **state.translated(GRAIN),
                     format_func=lambda g: t(f"sales.grain.{g}", lang))
    state.write_page_param("model", MODEL, default=DEFAULT_MODEL)
    state.write_page_param("lookback", LOOKBACK, dump=str, default=default_lookback)
    state.write_page_param("grain", GRAIN, default="week")
    model = st.session_state[MODEL]
    st.caption(f"{t(f'model.{model}', lang)}: {t(f'model.{model}.help', lang, half_life=half_life)}")
    return model, int(st.session_state[LOOKBACK]), st.session_state[GRAIN]


def format_value(metric: str, value: float | None, ctx: PageContext, *, months_observed: int = 0) -> str:
    """A KPI value in its unit."""
    lang = ctx.lang
    unit = spec(metric).unit
    if metric == "payback":
        if value is None:
            return t("sales.payback.beyond", lang, n=months_observed) if months_observed else "—"
        return t("sales.payback.value", lang, n=int(value))
    if value is None:
        return "—"
    if unit == "money":
        return fmt_money(value, lang, ctx.currency)
    if unit == "ratio":
        return fmt_pct(value, lang)
    if unit == "multiple":
        return fmt_number(value, lang, digits=2) + "×"
    return fmt_number(value, lang, compact=True)


def kpi_delta(k: Kpi, lang: str, *, covered: bool = True) -> str | None:
    if not covered and k.value is not None:
        return t("fresh.no_comparison", lang)
    if k.previous is None or k.value is None:
        return None
    points = spec(k.metric).unit == "ratio"
    return delta_text(k.value, k.previous, lang, points=points, scale=100.0 if points else 1.0)


def kpi_cards(results: SalesResults, ctx: PageContext) -> None:
    lang = ctx.lang
    by_name = {k.metric: k for k in results.kpis}
    for row in KPI_ROWS:
        for column, name in zip(st.columns(len(KPI_ROWS[0])), row, strict=False):
            k = by_name[name]
            with column:
                extra = t("sales.payback.none", lang) if name == "payback" and results.cac is None else None
                kpi(spec(name).label_for(lang),
                    format_value(name, k.value, ctx, months_observed=results.months_observed),
                    delta=kpi_delta(k, lang, covered=comparison_covered(ctx.bounds, ctx.comparison, k.metric)),
                    delta_color="normal" if spec(name).higher_is_better else "inverse",
                    help=metric_help(name, lang, extra))


def _money_title(label: str, ctx: PageContext) -> str:
    return money_title(label, ctx.currency)


def shown_frame(frame: pl.DataFrame, ctx: PageContext, column: str = "channel_id") -> pl.DataFrame:
    """A table as displayed: channel names in the interface language, money rounded to whole units."""
    money = [c for c in MONEY_COLUMNS if c in frame.columns]
    return _channel_names(frame.with_columns(pl.col(money).round(0)), ctx, column)


def _channel_names(frame: pl.DataFrame, ctx: PageContext, column: str = "channel_id") -> pl.DataFrame:
    names = {row["channel_id"]: (row["name_ru"] if ctx.lang == "ru" and row["name_ru"] else row["name"])
             for row in ctx.channels.iter_rows(named=True)}
    return frame.with_columns(pl.col(column).replace_strict(names, default=pl.col(column)).alias(column))


def _money(label: str, ctx: PageContext, metric: str | None = None) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(_money_title(label, ctx), format="localized",
                                         help=metric_help(metric, ctx.lang) if metric else None)


def _count(label: str, ctx: PageContext, metric: str | None = None, fmt: str = "localized"):
    return st.column_config.NumberColumn(label, format=fmt, help=metric_help(metric, ctx.lang) if metric else None)


def _pct(label: str, ctx: PageContext, metric: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="percent", help=metric_help(metric, ctx.lang))


def channel_table(frame: pl.DataFrame, ctx: PageContext, model: str, lookback: int) -> None:
    lang = ctx.lang
    shown = shown_frame(frame.drop("pillar"), ctx)
    label = lambda m: spec(m).label_for(lang)  # noqa: E731
    table(
        shown, hide_index=True, width="stretch", export="sales_channels",
        column_order=CHANNEL_COLUMN_ORDER,
        export_lines=[t("sales.model", lang) + ": " + t(f"model.{model}", lang),
                      t("sales.lookback", lang) + ": " + t("sales.lookback.days", lang, n=lookback)],
        column_config={
            "channel_id": st.column_config.TextColumn(t("sales.col.channel", lang), pinned=True),
            "spend": _money(spec("spend").label_for(lang), ctx, "spend"),
            "leads": _count(label("leads"), ctx, "leads"),
            "converted_leads": _count(t("sales.col.converted_leads", lang), ctx, "conversion"),
            "cpl": _money(label("cpl"), ctx, "cpl"),
            "conversion": _pct(label("conversion"), ctx, "conversion"),
            "new_customers": _count(t("sales.col.attributed_customers", lang), ctx, "attributed_customers", "%.1f"),
            "cac": _money(label("cac"), ctx, "cac"),
            "revenue": _money(t("sales.col.attributed_revenue", lang), ctx, "attributed_revenue"),
            "gross_profit": _money(t("sales.col.attributed_gross_profit", lang), ctx, "attributed_gross_profit"),
            "roas": _count(label("roas"), ctx, "roas", "%.2f×"),
            "romi": _pct(label("romi"), ctx, "romi"),
        },
    )
    st.caption(t("sales.table.caption", lang, model=t(f"model.{model}", lang), lookback=lookback))


def campaign_table(frame: pl.DataFrame, ctx: PageContext) -> None:
    lang = ctx.lang
    label = lambda m: spec(m).label_for(lang)  # noqa: E731
    table(
        shown_frame(frame, ctx), hide_index=True, width="stretch", export="sales_campaigns",
        column_config={
            "campaign_id": None,
            "name": st.column_config.TextColumn(t("sales.col.campaign", lang), pinned=True),
            "channel_id": st.column_config.TextColumn(t("sales.col.channel", lang)),
            "region": st.column_config.TextColumn(t("sales.col.region", lang)),
            "spend": _money(spec("spend").label_for(lang), ctx, "spend"),
            "impressions": _count(t("sales.col.impressions", lang), ctx),
            "clicks": _count(t("sales.col.clicks", lang), ctx),
            "leads": _count(label("leads"), ctx, "leads"),
            "converted_leads": _count(t("sales.col.converted_leads", lang), ctx, "conversion"),
            "cpl": _money(label("cpl"), ctx, "cpl"),
            "conversion": _pct(label("conversion"), ctx, "conversion"),
            "cost_per_customer": _money(t("sales.col.cost_per_customer", lang), ctx),
        },
    )
    st.caption(t("sales.campaigns.caption", lang))


def attribution_table(frame: pl.DataFrame, ctx: PageContext, model: str) -> pl.DataFrame:
    """Channels × models (new customers credited), largest under the chosen model first."""
    wide = frame.pivot(on="model", index="channel", values="conversions").select("channel", *MODELS)
    return _channel_names(wide.sort([model, "channel"], descending=[True, False]), ctx, "channel")


def show_attribution_table(frame: pl.DataFrame, ctx: PageContext, model: str) -> None:
    lang = ctx.lang
    wide = attribution_table(frame, ctx, model)
    table(wide, hide_index=True, width="stretch", export="attribution_by_model", column_config={
        "channel": st.column_config.TextColumn(t("sales.col.channel", lang), pinned=True),
        **{m: st.column_config.NumberColumn(t(f"model.{m}", lang), format="%.1f",
                                            help=t(f"model.{m}.help", lang, half_life=ctx.settings.half_life_days))
           for m in MODELS},
    })


def first_channel_table(frame: pl.DataFrame, ctx: PageContext) -> None:
    lang = ctx.lang
    table(_channel_names(frame, ctx, "first_channel"), hide_index=True, width="stretch", column_config={
        "first_channel": st.column_config.TextColumn(t("sales.col.first_channel", lang)),
        "customers": _count(spec("new_customers").label_for(lang), ctx),
        "mean_touches": _count(t("sales.col.mean_touches", lang), ctx, "touches_to_sale", "%.1f"),
        "median_touches": _count(t("sales.col.median_touches", lang), ctx, "touches_to_sale", "%.0f"),
        "median_days": _count(t("sales.col.median_days", lang), ctx, "days_to_sale", "%.1f"),
    })


def selection_table(frame: pl.DataFrame, ctx: PageContext) -> None:
    lang = ctx.lang
    label = lambda m: spec(m).label_for(lang)  # noqa: E731
    table(shown_frame(frame, ctx), hide_index=True, width="stretch", export="channel_selection", column_config={
        "channel_id": st.column_config.TextColumn(t("sales.col.channel", lang), pinned=True),
        "impressions": _count(t("sales.col.impressions", lang), ctx),
        "reach": _count(label("journey_reach"), ctx, "journey_reach"),
        "responses": _count(t("sales.col.responses", lang), ctx, "leads"),
        "response_rate": _pct(label("response_rate"), ctx, "response_rate"),
        "spend": _money(spec("spend").label_for(lang), ctx, "spend"),
        "cost_per_response": _money(label("cost_per_response"), ctx, "cost_per_response"),
        "customers": _count(t("sales.col.customers", lang), ctx),
        "contact_stages": _count(label("contact_stages"), ctx, "contact_stages", "%.1f"),
    })


def touch_labels(edges) -> list[str]:
    """'1', '2', ..., '6–7', '8–9', '10+' for the touch buckets."""
    out = []
    for k, lo in enumerate(edges):
        hi = edges[k + 1] - 1 if k + 1 < len(edges) else None
        out.append(f"{lo}+" if hi is None else (str(lo) if hi == lo else f"{lo}–{hi}"))
    return out


def day_labels(edges) -> list[str]:
    """'<1', '1–3', ..., '≥60' for the day buckets."""
    fmt = lambda x: f"{x:g}"  # noqa: E731
    return [f"<{fmt(edges[0])}"] + [f"{fmt(a)}–{fmt(b)}" for a, b in zip(edges, edges[1:])] + [f"≥{fmt(edges[-1])}"]


def model_definitions(ctx: PageContext) -> str:
    """Every attribution model's definition, one bullet each (markdown of our own texts only)."""
    lang = ctx.lang
    half_life = ctx.settings.half_life_days
    return "\n".join(f"- **{t(f'model.{m}', lang)}** — {t(f'model.{m}.help', lang, half_life=half_life)}"
                     for m in MODELS)
