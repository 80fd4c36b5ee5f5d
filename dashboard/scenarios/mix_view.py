"""The Budget scenarios page's default view: the budget boxes projected on the joint marketing-mix model, with
90% ranges, and the optimiser on the same model (``metrics.mmm.scenario``)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import streamlit as st

from dashboard.components import amount_input, delta_text, kpi, table
from dashboard.context import PageContext
from dashboard.i18n import CURRENCY_SYMBOLS, fmt_date, fmt_money, fmt_number, t
from dashboard.scenarios import data as S
from dashboard.scenarios.mix_data import MONEY_OUTCOMES, MixModel, mix_model
from dashboard.scenarios.view import flash
from metrics.mmm.scenario import Projection, SplitError, best_split, observed_range, project, split_bounds
from metrics.optimiser import whole_units

ROI_PER_COUNT = 1000  # a count outcome (orders, leads) per 1,000 of money; a money outcome per 1


def fmt_outcome(ctx: PageContext, outcome: str, value: float | None, *, compact: bool = True) -> str:
    if outcome in MONEY_OUTCOMES:
        return fmt_money(value, ctx.lang, ctx.currency, compact=compact)
    return fmt_number(value, ctx.lang, compact=compact)


def _range(ctx: PageContext, outcome: str, lo: float | None, hi: float | None) -> str:
    if lo is None or hi is None:
        return "—"
    return f"{fmt_outcome(ctx, outcome, lo)} – {fmt_outcome(ctx, outcome, hi)}"


def projections(mix: MixModel, inputs: S.Inputs, base: S.Inputs) -> tuple[Projection, Projection]:
    """The scenario and last period continued, on the model."""
    weeks = inputs.weeks
    return (project(mix.fit, mix.budgets(inputs.budgets, weeks), weeks),
            project(mix.fit, mix.budgets(base.budgets, weeks), weeks))


def compare_rows(ctx: PageContext, columns: list[S.Inputs], *, baseline: frozenset[int]) -> list[tuple[str, list[str]]]:
    """The model's rows of the side-by-side comparison, as (label, one cell per column): what each scenario
    maximises, then one row per outcome among them, holding the projection of the scenarios of that outcome only
    (a dash for the others: numbers of different outcomes never share a row). The ``baseline`` columns (last
    period continued, which maximises nothing) are projected on every row's model. No rows without a model."""
    lang = ctx.lang
    wanted = dict.fromkeys(c.outcome for i, c in enumerate(columns) if i not in baseline)
    models = {o: m for o in wanted if (m := mix_model(ctx, o)) is not None}
    if not models:
        return []
    rows = [(t("scn.col.outcome", lang), ["—" if i in baseline else t(f"scn.outcome.{c.outcome}", lang)
                                          for i, c in enumerate(columns)])]
    for outcome, mix in models.items():
        cells = []
        for i, c in enumerate(columns):
            if i not in baseline and c.outcome != outcome:
                cells.append("—")
                continue
            got = project(mix.fit, mix.budgets(c.budgets, c.weeks), c.weeks)
            cells.append(f"{fmt_outcome(ctx, outcome, got.outcome)} "
                         f"({_range(ctx, outcome, *(got.outcome_range or (None, None)))})")
        rows.append((t("scn.compare_projected", lang, outcome=t(f"scn.outcome.{outcome}", lang)), cells))
    return rows


def _roi_per(outcome: str) -> int:
    return 1 if outcome in MONEY_OUTCOMES else ROI_PER_COUNT


def channel_rows(ctx: PageContext, mix: MixModel, now: Projection, before: Projection) -> pl.DataFrame:
    """The projection by channel as shown: budget, change, contribution with its range, return per budget,
    the observed range over the period's weeks; uncertain channels tagged."""
    lang, outcome = ctx.lang, mix.outcome
    per = _roi_per(outcome)
    lo, hi = observed_range(mix.fit, now.weeks)
    roi_col = t("scn.mix.col.roi", lang, per=fmt_number(per, lang), currency=CURRENCY_SYMBOLS.get(ctx.currency,
                                                                                                   ctx.currency))
    rows = []
    for j, ch in enumerate(mix.fit.channels):
        b = float(now.budgets[j])
        tag = f" · {t('scn.mix.uncertain', lang)}" if ch in mix.uncertain else ""
        rows.append({
            t("scn.col.channel", lang): ctx.channel_name(ch) + tag,
            t("scn.col.budget", lang): fmt_money(b, lang, ctx.currency),
            t("scn.col.change", lang): delta_text(b, float(before.budgets[j]), lang) or "—",
            t("scn.mix.col.contribution", lang): fmt_outcome(ctx, outcome, float(now.contribution[j])),
            t("scn.mix.col.range", lang): "—" if now.contribution_lo is None else _range(
                ctx, outcome, float(now.contribution_lo[j]), float(now.contribution_hi[j])),
            roi_col: fmt_number(now.contribution[j] / b * per, lang, digits=2) if b > 0 else "—",
            t("scn.mix.col.observed", lang, weeks=now.weeks): (
                f"{fmt_money(lo[j], lang, ctx.currency)} – {fmt_money(hi[j], lang, ctx.currency)}"),
        })
    return pl.DataFrame(rows)


def section(ctx: PageContext, mix: MixModel, inputs: S.Inputs, base: S.Inputs, boxes: list[str]) -> None:
    """Headline, table by channel and the optimiser, all on the model (``boxes``: the channels with a budget
    box; a channel of the model without one keeps its last period's budget)."""
    lang, outcome, fit = ctx.lang, mix.outcome, mix.fit
    now, before = projections(mix, inputs, base)
    first = fit.data.weeks[-inputs.weeks].astype(dt.date)
    last = fit.data.weeks[-1].astype(dt.date) + dt.timedelta(days=6)
    st.caption(t("scn.mix.caption", lang, of=t(f"scn.outcome_of.{outcome}", lang), weeks=inputs.weeks,
                 start=fmt_date(first, lang), end=fmt_date(last, lang)))
    if fit.lift_tests:
        st.caption(t("scn.mix.calibrated", lang, n=len(fit.lift_tests)))
    c1, c2, c3 = st.columns(3)
    with c1:
        kpi(t("scn.mix.kpi.budget", lang), fmt_money(now.budgets.sum(), lang, ctx.currency),
            delta=delta_text(float(now.budgets.sum()), float(before.budgets.sum()), lang))
        st.caption(t("scn.mix.vs_last", lang, value=fmt_money(before.budgets.sum(), lang, ctx.currency)))
    with c2:
        kpi(t("scn.mix.kpi.outcome", lang, outcome=t(f"scn.outcome.{outcome}", lang)),
            fmt_outcome(ctx, outcome, now.outcome), delta=delta_text(now.outcome, before.outcome, lang))
        st.caption(t("scn.mix.range", lang, range=_range(ctx, outcome, *(now.outcome_range or (None, None)))))
    with c3:
        media, media_before = float(now.contribution.sum()), float(before.contribution.sum())
        kpi(t("scn.mix.kpi.media", lang), fmt_outcome(ctx, outcome, media), delta=delta_text(media, media_before,
                                                                                            lang))
        st.caption(t("scn.mix.vs_last", lang, value=fmt_outcome(ctx, outcome, media_before)))
    table(channel_rows(ctx, mix, now, before), hide_index=True, width="stretch")
    st.caption(t("scn.mix.table_note", lang))
    optimiser(ctx, mix, inputs, boxes)


def _bounds(mix: MixModel, weeks: int, allow_outside: bool, start: np.ndarray, boxes: set[str]):
    lo, hi = split_bounds(mix.fit, weeks, uncertain=mix.uncertain, allow_outside=allow_outside)
    fixed = np.array([ch not in boxes for ch in mix.fit.channels])  # no box to show a change in: held
    return np.where(fixed, start, lo), np.where(fixed, start, hi)


def _run(ctx: PageContext, mix: MixModel, inputs: S.Inputs, total_key: str, boxes: tuple[str, ...]) -> None:
    """Button callback: split the total on the model, put it into the budget boxes, leave a note."""
    ss = st.session_state
    lang, weeks, fit = ctx.lang, inputs.weeks, mix.fit
    start = mix.budgets(inputs.budgets, weeks)
    lo, hi = _bounds(mix, weeks, bool(ss.get(S.MIX_OUTSIDE)), start, set(boxes))
    try:
        best = best_split(fit, total=float(ss[total_key]), weeks=weeks, lo=lo, hi=hi, start=start)
    except SplitError as exc:
        ss[S.FLASH] = ("error", "scn.mix.opt_infeasible", {"low": fmt_money(exc.low, lang, ctx.currency),
                                                           "high": fmt_money(exc.high, lang, ctx.currency)}, "mix")
        return
    budgets = whole_units(dict(zip(fit.channels, best)))
    for ch, value in budgets.items():
        if ch in boxes:
            ss[S.budget_key(ch)] = value
    after = project(fit, np.array([float(budgets[ch]) for ch in fit.channels]), weeks)
    was = project(fit, start, weeks)
    ss[S.FLASH] = ("success", "scn.mix.opt_done", {
        "objective": t(f"scn.outcome.{mix.outcome}", lang).lower(), "before": fmt_outcome(ctx, mix.outcome, was.outcome),
        "after": fmt_outcome(ctx, mix.outcome, after.outcome),
        "range": _range(ctx, mix.outcome, *(after.outcome_range or (None, None))),
        "total": fmt_money(sum(budgets.values()), lang, ctx.currency)}, "mix")


def optimiser(ctx: PageContext, mix: MixModel, inputs: S.Inputs, boxes: list[str]) -> None:
    lang = ctx.lang
    st.markdown(f"**{t('scn.mix.opt_title', lang)}**")
    start = mix.budgets(inputs.budgets, inputs.weeks)
    current = int(round(start.sum()))
    total_key = f"{S.MIX_TOTAL}_{current}"  # starts again from the scenario's total when the budgets change
    c1, c2 = st.columns([2, 3], vertical_alignment="bottom")
    amount_input(c1, t("scn.mix.opt_total", lang, currency=CURRENCY_SYMBOLS.get(ctx.currency, ctx.currency)),
                max_value=S.MAX_BUDGET, value=current, step=50_000, key=total_key)
    allow = c2.checkbox(t("scn.mix.opt_outside", lang), key=S.MIX_OUTSIDE, help=t("scn.mix.opt_outside_help", lang))
    boxes = tuple(ch for ch in mix.fit.channels if ch in boxes)
    lo, hi = _bounds(mix, inputs.weeks, allow, start, set(boxes))
    st.caption(t("scn.mix.opt_feasible", lang, low=fmt_money(lo.sum(), lang, ctx.currency),
                 high=fmt_money(hi.sum(), lang, ctx.currency)))
    st.button(t("scn.mix.opt_run", lang), type="primary", icon=":material/auto_graph:", on_click=_run,
              args=(ctx, mix, inputs, total_key, boxes))
    flash(lang, "mix")
