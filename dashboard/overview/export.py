"""The Overview's figures as one downloadable table (CSV and Excel): each pillar's spend and share of the budget, its
estimated profit contribution with its range, the marketing-mix model's estimate, its headline results, and the
total the one-line answer adds up — the answer itself written in the files' header, under the view's filters.

Every value is the one the page shows (a pillar the channel filter leaves out has no money, a comparison period
before the data has no comparison value); ratios are written in % and scores in points, so each value is rounded to
two decimals of its own unit by :func:`dashboard.components.export_frame`.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.components import download_buttons, export_frame
from dashboard.context import PageContext
from dashboard.freshness import comparison_covered
from dashboard.i18n import CURRENCY_SYMBOLS, t
from dashboard.overview.data import Headline, PillarSummary
from dashboard.overview.data import pillar_selected as is_selected
from dashboard.overview.mix import MixEstimate
from dashboard.overview.view import answer_text
from metrics.specs import spec

COLUMNS = ("group", "figure", "value", "low", "high", "margin", "previous", "unit")
SCHEMA = {"group": pl.String, "figure": pl.String, "value": pl.Float64, "low": pl.Float64, "high": pl.Float64,
          "margin": pl.Float64, "previous": pl.Float64, "unit": pl.String}


def _unit(metric: str, ctx: PageContext) -> tuple[str, float]:
    """The unit a metric's value is written in, and the factor from its stored value (a ratio is written in %)."""
    kind = spec(metric).unit
    if kind == "money":
        return CURRENCY_SYMBOLS.get(ctx.currency, ctx.currency), 1.0
    if kind == "ratio":
        return "%", 100.0
    if kind == "points":
        return t("overview.export.points", ctx.lang), 1.0
    return "", 1.0


def _scaled(x: float | None, factor: float) -> float | None:
    return None if x is None else x * factor


def _row(group: str, figure: str, value: float | None, unit: str, *, low: float | None = None,
         high: float | None = None, margin: float | None = None, previous: float | None = None) -> dict:
    return {"group": group, "figure": figure, "value": value, "low": low, "high": high, "margin": margin,
            "previous": previous, "unit": unit}


def headline_row(group: str, h: Headline, ctx: PageContext, *, shown: bool) -> dict:
    """A headline result as its card shows it: no value outside the channel filter (unless company-wide), no
    comparison value when the comparison period starts before the metric's source."""
    unit, factor = _unit(h.metric, ctx)
    visible = shown or h.company_wide
    covered = comparison_covered(ctx.bounds, ctx.comparison, h.metric)
    return _row(group, spec(h.metric).label_for(ctx.lang), _scaled(h.value, factor) if visible else None, unit,
                margin=_scaled(h.margin, factor) if visible else None,
                previous=_scaled(h.previous, factor) if visible and covered and ctx.comparison else None)


def pillar_rows(summary: PillarSummary, ctx: PageContext, mix: MixEstimate | None) -> list[dict]:
    lang = ctx.lang
    group = t(f"pillar.{summary.pillar}", lang)
    money = CURRENCY_SYMBOLS.get(ctx.currency, ctx.currency)
    shown = is_selected(ctx, summary.pillar)
    spend_covered = comparison_covered(ctx.bounds, ctx.comparison, "spend")
    rows = [
        _row(group, spec("spend").label_for(lang), summary.spend, money,
             previous=summary.spend_previous if spend_covered else None),
        _row(group, t("overview.export.share", lang), _scaled(summary.share, 100.0), "%"),
    ]
    c = summary.contribution
    rows.append(_row(group, spec("profit_contribution").label_for(lang),
                     c.contribution if c is not None and shown else None, money,
                     low=c.low if c is not None and shown else None, high=c.high if c is not None and shown else None))
    if mix is not None and mix.note is None:
        rows.append(_row(group, t("mix.label", lang), mix.contribution, money, low=mix.low, high=mix.high))
    rows.extend(headline_row(group, h, ctx, shown=shown) for h in summary.headlines)
    return rows


def total_rows(answer: dict, ctx: PageContext) -> list[dict]:
    """The one-line answer's figures: total spend, contribution and its range, ROMI on 12-month value, the change."""
    lang = ctx.lang
    group, money = t("overview.export.total", lang), CURRENCY_SYMBOLS.get(ctx.currency, ctx.currency)
    compared = ctx.comparison is not None and comparison_covered(ctx.bounds, ctx.comparison, "romi_12m")
    return [
        _row(group, spec("spend").label_for(lang), answer["spend"], money),
        _row(group, spec("profit_contribution").label_for(lang), answer["contribution"], money, low=answer["low"],
             high=answer["high"], previous=answer["previous"] if compared else None),
        _row(group, spec("romi_12m").label_for(lang), _scaled(answer["romi"], 100.0), "%"),
        _row(group, t("overview.export.change", lang), _scaled(answer["change"], 100.0) if compared else None, "%"),
    ]


def overview_frame(summaries: list[PillarSummary], answer: dict | None, ctx: PageContext,
                   mix: dict[str, MixEstimate | None]) -> pl.DataFrame:
    rows = [r for s in summaries for r in pillar_rows(s, ctx, mix.get(s.pillar))]
    if answer is not None:
        rows.extend(total_rows(answer, ctx))
    return pl.DataFrame(rows, schema=SCHEMA)


def overview_downloads(summaries: list[PillarSummary], answer: dict | None, ctx: PageContext,
                       mix: dict[str, MixEstimate | None]) -> None:
    """CSV and Excel of the page's figures, the view's filters and the one-line answer in their header."""
    lang = ctx.lang
    config = {c: st.column_config.Column(t(f"overview.export.col.{c}", lang)) for c in COLUMNS}
    frame = export_frame(overview_frame(summaries, answer, ctx, mix), config, lang)
    st.caption(t("overview.export", lang))
    download_buttons(frame, "overview", lang, extra_lines=[answer_text(answer, ctx)] if answer is not None else [])
