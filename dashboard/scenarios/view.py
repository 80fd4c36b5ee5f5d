"""Sections of the Budget scenarios page: controls, budget editor, projections, curves, what-if."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
import streamlit as st

from dashboard import state
from dashboard.scenarios import data as S
from dashboard.components import amount_input, chart, delta_text, kpi, metric_help, table
from dashboard.context import PageContext
from dashboard.filters import escape_markdown
from dashboard.i18n import CURRENCY_SYMBOLS, fmt_date, fmt_money, fmt_number, fmt_pct, t
from dashboard.scenarios.charts import channel_color, response_curves_chart, what_if_chart
from metrics.scenarios import HORIZONS, OBJECTIVES, Planner, period_start

RESULTS = ("leads", "customers", "revenue", "gross_profit", "romi")
SPEC_OF = {"leads": "projected_leads", "customers": "projected_customers", "revenue": "projected_revenue",
           "gross_profit": "projected_gross_profit", "romi": "projected_romi", "budget": "spend"}


def money_title(ctx: PageContext, key: str) -> str:
    return t(key, ctx.lang, currency=CURRENCY_SYMBOLS.get(ctx.currency, ctx.currency))


def fmt_result(ctx: PageContext, name: str, value: float | None, *, compact: bool = True) -> str:
    """A projected result in its unit: money, a count or ROMI as %."""
    if name in ("revenue", "gross_profit", "budget"):
        return fmt_money(value, ctx.lang, ctx.currency, compact=compact)
    if name == "romi":
        return fmt_pct(value, ctx.lang, digits=0)
    return fmt_number(value, ctx.lang, compact=compact)


def fmt_range(ctx: PageContext, name: str, lo: float | None, hi: float | None) -> str:
    if lo is None or hi is None:
        return "—"
    return f"{fmt_result(ctx, name, lo)} – {fmt_result(ctx, name, hi)}"


def with_range(value: str, ctx: PageContext, name: str, lo: float | None, hi: float | None) -> str:
    """'250% (180% – 320%)': a value with its 90% range in brackets (the value alone when there is no range)."""
    return value if lo is None or hi is None or value == "—" else f"{value} ({fmt_range(ctx, name, lo, hi)})"


def flash(lang: str, where: str) -> None:
    """A message left by a button's callback for the run that follows it, shown next to that button."""
    note = st.session_state.get(S.FLASH)
    if note and note[3] == where:
        del st.session_state[S.FLASH]
        kind, key, kwargs, _ = note
        getattr(st, kind)(t(key, lang, **kwargs), icon=":material/check_circle:" if kind == "success" else None)


def link_error(lang: str, inputs: S.Inputs) -> None:
    """The bad-scenario-link message, kept until the user changes something."""
    ss = st.session_state
    err = ss.get(S.LINK_ERROR)
    if err and inputs != ss.get(S.SEED_INPUTS):
        ss[S.LINK_ERROR] = err = None
    if err:
        key, value = err
        st.error(t(key, lang, id=escape_markdown(value, limit=80)), icon=":material/link_off:")


# --- controls ------------------------------------------------------------------------------------


def _on_weeks_change(data: S.ScenarioData) -> None:
    ss = st.session_state
    old, new = ss.get(S.WEEKS_PREV, S.DEFAULT_WEEKS), ss[S.WEEKS]
    before = replace(S.current_inputs(data), weeks=old)
    if before.budgets == S.baseline_budgets(data, old):
        after = replace(before, weeks=new, budgets=S.baseline_budgets(data, new))
    else:
        after = S.with_weeks(before, new)
    S.set_inputs(after)


def main_controls(ctx: PageContext, data: S.ScenarioData, outcomes: tuple[str, ...]) -> None:
    """The scenario's main inputs, at the top: the period to plan and what the marketing-mix model maximises
    (``?outcome=``; an outcome the data does not support falls back to the default). Without an outcome the
    data supports there is no model, and no outcome to choose."""
    lang, ss = ctx.lang, st.session_state
    start = period_start(data.last_day)
    c1, c2 = st.columns(2)
    with c1:
        st.selectbox(
            t("scn.weeks", lang), S.WEEK_CHOICES, **state.translated(S.WEEKS, on_change=_on_weeks_change, args=(data,)),
            format_func=lambda w: t("scn.weeks_option", lang, weeks=w, start=fmt_date(start, lang),
                                    end=fmt_date(start + dt.timedelta(days=7 * w - 1), lang)),
            help=t("scn.weeks_help", lang),
        )
    ss[S.WEEKS_PREV] = ss[S.WEEKS]
    if outcomes:
        shown = S.available_outcome(ss.get(S.OUTCOME, S.DEFAULT_OUTCOME), outcomes)
        if ss.get(S.OUTCOME) != shown:
            ss[S.OUTCOME] = shown
        with c2:
            st.selectbox(t("scn.outcome", lang), outcomes, **state.translated(S.OUTCOME),
                         format_func=lambda o: t(f"scn.outcome.{o}", lang), help=t("scn.outcome_help", lang))


def lead_controls(ctx: PageContext) -> None:
    """The lead-source view's own inputs, drawn inside that view: what its curves and its optimiser count, and
    the value of a new customer they count it with. The marketing-mix model reads neither."""
    lang = ctx.lang
    c1, c2 = st.columns(2)
    with c1:
        st.selectbox(t("scn.objective", lang), OBJECTIVES, **state.translated(S.OBJECTIVE),
                     format_func=lambda o: t(f"scn.objective.{o}", lang), help=t("scn.objective_help", lang))
    with c2:
        st.selectbox(t("scn.horizon", lang), tuple(HORIZONS), **state.translated(S.HORIZON),
                     format_func=lambda h: t(f"scn.horizon.{h}", lang), help=t("scn.horizon_help", lang))


def loaded_banner(ctx: PageContext, data: S.ScenarioData, inputs: S.Inputs, outcomes: tuple[str, ...]) -> None:
    """Which saved scenario is open; whether it was changed since, whether the data was; and, when the data no
    longer supports the outcome it was saved for, which one it is shown on instead."""
    saved = st.session_state.get(S.LOADED)
    if saved is None:
        return
    lang = ctx.lang
    opened = S.loaded_inputs(data, outcomes)
    changed = opened != inputs
    text = t("scn.loaded", lang, name=escape_markdown(saved.name, limit=80),
             author=escape_markdown(saved.author or t("scn.no_author", lang), limit=80),
             date=fmt_date(saved.created_at.date(), lang))
    if saved.note:
        text += "\n\n" + escape_markdown(saved.note, limit=500)
    kept = S.saved_outcome(saved.payload)
    if opened is not None and kept is not None and kept != opened.outcome:
        text += "\n\n" + t("scn.outcome_gone", lang, saved=t(f"scn.outcome.{kept}", lang),
                            shown=t(f"scn.outcome.{opened.outcome}", lang))
    if changed:
        text += "\n\n" + t("scn.loaded_changed", lang)
    if str(saved.payload.get("data_version")) not in ("None", ctx.version):
        text += "\n\n" + t("scn.data_changed", lang)
    st.info(text, icon=":material/bookmark:")


# --- the budget editor and the headline ------------------------------------------------------------


def _reset_to_baseline(data: S.ScenarioData) -> None:
    weeks = st.session_state.get(S.WEEKS, S.DEFAULT_WEEKS)
    for ch, value in S.baseline_budgets(data, weeks).items():
        st.session_state[S.budget_key(ch)] = value


BUDGET_REFUSED = "scn_budget_refused"


def _budget_ok_key(ch: str) -> str:
    return S.budget_key(ch) + "_ok"


def _check_budget(ch: str, limit: int, ctx_lang: str, currency: str, channel: str) -> None:
    """A typed budget beyond the limit is not taken: the box goes back to its last value and the page says why."""
    key = S.budget_key(ch)
    value = st.session_state.get(key)
    if value is not None and value > limit:
        previous = st.session_state.get(_budget_ok_key(ch), 0)
        st.session_state[key] = previous
        st.session_state[BUDGET_REFUSED] = t(
            "scn.budget_refused", ctx_lang, channel=escape_markdown(channel, limit=60),
            value=fmt_money(value, ctx_lang, currency, compact=False),
            limit=fmt_money(limit, ctx_lang, currency, compact=False),
            kept=fmt_money(previous, ctx_lang, currency, compact=False))


def budget_editor(ctx: PageContext, data: S.ScenarioData, base: S.Inputs) -> None:
    """One row per channel: name, last period's spend, the editable budget (money, from 0 to the limit), the
    change. A budget beyond the limit is refused with a message naming it (``_check_budget``)."""
    lang = ctx.lang
    weeks = st.session_state.get(S.WEEKS, S.DEFAULT_WEEKS)
    limit = S.budget_limit(data, weeks)
    st.markdown(f"**{t('scn.budgets', lang)}**")
    refused = st.session_state.pop(BUDGET_REFUSED, None)
    if refused:
        st.error(refused, icon=":material/block:")
    head = st.columns([4, 3, 4, 3])
    symbol = CURRENCY_SYMBOLS.get(ctx.currency, ctx.currency)
    for col, key in zip(head, ("scn.col.channel", "scn.col.last", "scn.col.budget", "scn.col.change")):
        col.caption(t(key, lang) + (f", {symbol}" if key == "scn.col.budget" else ""))
    for ch in data.budget_channels():
        fit = data.model.fits.get(ch)
        constant = fit is not None and fit.kind == "constant"
        c1, c2, c3, c4 = st.columns([4, 3, 4, 3], vertical_alignment="center")
        c1.markdown(escape_markdown(ctx.channel_name(ch), limit=60) + (" ·  :gray[*" + t("scn.constant_tag", lang)
                                                                         + "*]" if constant else ""))
        c2.markdown(fmt_money(base.budgets[ch], lang, ctx.currency))
        amount_input(c3, t("scn.budget_of", lang, channel=ctx.channel_name(ch)), key=S.budget_key(ch), step=10_000,
                    label_visibility="collapsed",
                    help=t("scn.budget_help", lang, limit=fmt_money(limit, lang, ctx.currency, compact=False)),
                    on_change=_check_budget, args=(ch, limit, lang, ctx.currency, ctx.channel_name(ch)))
        now = st.session_state.get(S.budget_key(ch), 0)
        if now is not None and now <= limit:
            st.session_state[_budget_ok_key(ch)] = now
        c4.markdown((delta_text(float(now or 0), float(base.budgets[ch]), lang) or "—")  # the box's number as money
                    + "  \n:gray[" + fmt_money(now or 0, lang, ctx.currency, compact=False) + "]")
    st.caption(t("scn.budget_limit", lang, limit=fmt_money(limit, lang, ctx.currency, compact=False), weeks=weeks))
    st.button(t("scn.reset", lang), icon=":material/restart_alt:", on_click=_reset_to_baseline, args=(data,))


def headline(ctx: PageContext, total: dict, base_total: dict, inputs: S.Inputs) -> None:
    """Six KPI cards: budget and each projected result with its change vs the baseline and its range."""
    lang = ctx.lang
    st.markdown(f"**{t('scn.projection', lang, weeks=inputs.weeks)}**")
    names = ("budget", *RESULTS)
    cells = [c for _ in range(2) for c in st.columns(3)]  # two rows: room for long Russian money formats
    for col, name in zip(cells, names):
        with col:
            value, before = total[name], base_total[name]
            label = t("scn.kpi.budget", lang) if name == "budget" else _label(name, lang, inputs.horizon)
            delta = delta_text(value, before, lang, points=name == "romi", scale=100.0)
            kpi(label, fmt_result(ctx, name, value), delta=delta, help=metric_help(SPEC_OF[name], lang))
            if name == "budget":
                st.caption(t("scn.vs_last", lang, value=fmt_money(before, lang, ctx.currency)))
            else:
                st.caption(t("scn.range", lang, range=fmt_range(ctx, name, total[f"{name}_lo"], total[f"{name}_hi"])))


def _label(name: str, lang: str, horizon: str | None = None) -> str:
    """The short name of a projected result (the full definition is in the help); ROMI names the value of a new
    customer it counts (first 12 months or first order), as on the Sales page and the Overview."""
    if name == "romi":
        return t(f"scn.short.romi.{horizon}", lang)
    return t(f"scn.short.{name}", lang)


def channel_table(ctx: PageContext, by_channel: pl.DataFrame, total: dict, base: S.Inputs) -> pl.DataFrame:
    """The projection by channel as shown (strings in the interface's formats, a value's 90% range in brackets beside
    it), the return next to the budget so it shows without scrolling sideways; returns the shown frame. The total's change compares the budget of the
    same channels (those with a curve) in the baseline."""
    lang = ctx.lang
    paid = by_channel.filter(pl.col("kind") != "baseline")["channel_id"].to_list()
    base_budget = float(sum(base.budgets.get(ch, 0) for ch in paid))
    rows = []
    for r in by_channel.iter_rows(named=True):
        organic = r["kind"] == "baseline"
        rows.append({
            t("scn.col.channel", lang): ctx.channel_name(r["channel_id"]) + (
                f" · {t('scn.organic', lang)}" if organic else
                f" · {t('scn.constant_tag', lang)}" if r["kind"] == "constant" else ""),
            t("scn.col.budget", lang): "—" if organic else fmt_money(r["budget"], lang, ctx.currency),
            t("scn.col.change", lang): "—" if organic else (
                delta_text(r["budget"], float(base.budgets.get(r["channel_id"], 0)), lang) or "—"),
            _label("romi", lang, base.horizon): with_range(fmt_pct(r["romi"], lang, digits=0), ctx, "romi",
                                                           r["romi_lo"], r["romi_hi"]),
            t(f"scn.col.marginal.{base.horizon}", lang): fmt_pct(r["marginal_romi"], lang, digits=0),
            _label("leads", lang): with_range(fmt_number(r["leads"], lang), ctx, "leads", r["leads_lo"], r["leads_hi"]),
            _label("customers", lang): fmt_number(r["customers"], lang),
            _label("revenue", lang): fmt_money(r["revenue"], lang, ctx.currency),
            _label("gross_profit", lang): fmt_money(r["gross_profit"], lang, ctx.currency),
        })
    rows.append({
        t("scn.col.channel", lang): t("scn.total", lang),
        t("scn.col.budget", lang): fmt_money(total["budget"], lang, ctx.currency),
        t("scn.col.change", lang): delta_text(total["budget"], base_budget, lang) or "—",
        _label("romi", lang, base.horizon): with_range(fmt_pct(total["romi"], lang, digits=0), ctx, "romi",
                                                       total["romi_lo"], total["romi_hi"]),
        t(f"scn.col.marginal.{base.horizon}", lang): "—",
        _label("leads", lang): with_range(fmt_number(total["leads"], lang), ctx, "leads",
                                          total["leads_lo"], total["leads_hi"]),
        _label("customers", lang): fmt_number(total["customers"], lang),
        _label("revenue", lang): fmt_money(total["revenue"], lang, ctx.currency),
        _label("gross_profit", lang): fmt_money(total["gross_profit"], lang, ctx.currency),
    })
    shown = pl.DataFrame(rows)
    table(shown, hide_index=True, width="stretch")
    st.caption(t("scn.table_note", lang))
    return shown


# --- curves and the single-channel what-if ---------------------------------------------------------


def _y_of(objective: str) -> str:
    return {"gross_profit": "gross_profit", "revenue": "revenue", "leads": "leads"}[objective]


def _y_title(ctx: PageContext, objective: str, weeks: int) -> str:
    if objective == "leads":
        return t("scn.axis.leads", ctx.lang, weeks=weeks)
    return money_title(ctx, f"scn.axis.{objective}")


def curves(ctx: PageContext, plan: Planner, inputs: S.Inputs, base: S.Inputs) -> None:
    lang = ctx.lang
    channels = [ch for ch in plan.channels if plan.channels[ch].kind == "curve"]
    if not channels:
        st.info(t("scn.no_curves", lang))
        return
    upto = {ch: 1.1 * max(3.0 * base.budgets.get(ch, 0), 1.5 * inputs.budgets.get(ch, 0), 1.0) for ch in channels}
    frame = plan.response_curves(upto=upto).filter(pl.col("channel_id").is_in(channels))
    y = _y_of(inputs.objective)
    points = []
    for which, budgets in (("last", base.budgets), ("scenario", inputs.budgets)):
        for ch in channels:
            b = float(budgets.get(ch, 0))
            points.append({"channel_id": ch, "which": which, "budget": b,
                           "y": float(plan.value(ch, b, inputs.objective)[0])})
    fig = response_curves_chart(
        frame, pl.DataFrame(points), y=y, names={ch: ctx.channel_name(ch) for ch in channels},
        x_title=money_title(ctx, "scn.axis.budget"), y_title=_y_title(ctx, inputs.objective, inputs.weeks),
        point_names={"last": t("scn.point.last", lang), "scenario": t("scn.point.scenario", lang)},
    )
    st.markdown(f"**{t('scn.tab.curves', lang)}**")
    chart(fig, width="stretch", config={"displayModeBar": False})
    st.caption(t("scn.curves_note", lang, weeks=inputs.weeks))


def _apply_what_if(ch: str, key: str) -> None:
    st.session_state[S.budget_key(ch)] = int(st.session_state[key])
    st.session_state[S.FLASH] = ("success", "scn.what_if_applied", {}, "what_if")


def what_if(ctx: PageContext, plan: Planner, inputs: S.Inputs, base: S.Inputs) -> None:
    """Move one channel's budget, keep the others: that channel's curve and the plan's totals."""
    lang = ctx.lang
    channels = [ch for ch in plan.channels if plan.channels[ch].kind == "curve"]
    if not channels:
        st.info(t("scn.no_curves", lang))
        return
    if st.session_state.get(S.WHATIF_CHANNEL) not in channels:
        st.session_state[S.WHATIF_CHANNEL] = channels[0]
    ch = st.selectbox(t("scn.what_if_channel", lang), channels, key=S.WHATIF_CHANNEL, format_func=ctx.channel_name)
    current = int(inputs.budgets.get(ch, 0))
    top = int(max(3 * base.budgets.get(ch, 0), 2 * current, 10_000))
    step = max(1_000, int(round(top / 200, -3)))
    key = f"{S.WHATIF_BUDGET}_{ch}_{inputs.weeks}_{current}"  # starts again from the plan when the plan changes
    if key not in st.session_state or st.session_state[key] > top:
        st.session_state[key] = min(current, top)
    budget = st.slider(t("scn.what_if_budget", lang, channel=ctx.channel_name(ch)), 0, top, key=key, step=step,
                       format="%d")
    objective = inputs.objective
    curve = plan.response_curves(upto={ch: top}, points=120).filter(pl.col("channel_id") == ch)
    idx = list(plan.channels).index(ch)
    fig = what_if_chart(
        curve, y=_y_of(objective), budget=budget, current=current,
        x_title=money_title(ctx, "scn.axis.budget"), y_title=_y_title(ctx, objective, inputs.weeks),
        romi_title=t(f"scn.col.marginal.{inputs.horizon}", lang),
        labels={"current": t("scn.point.scenario", lang), "what_if": t("scn.point.what_if", lang)},
        color=channel_color(idx),
    )
    left, right = st.columns([3, 2])
    with left:
        chart(fig, width="stretch", config={"displayModeBar": False})
    with right:
        changed = dict(inputs.budgets, **{ch: budget})
        before = plan.total_value(inputs.budgets, objective)
        after = plan.total_value(changed, objective)
        c = plan.channels[ch]
        gp = c.value_per_lead("gross_profit") * float(plan.leads(ch, budget)[0])
        marginal = float(plan.slope(ch, budget)[0]) * c.value_per_lead("gross_profit") - 1.0
        kpi(_label("leads", lang), fmt_number(float(plan.leads(ch, budget)[0]), lang),
            help=metric_help("projected_leads", lang))
        kpi(_label("gross_profit", lang), fmt_money(gp, lang, ctx.currency),
            help=metric_help("projected_gross_profit", lang))
        kpi(_label("romi", lang, inputs.horizon), fmt_pct((gp - budget) / budget, lang, digits=0) if budget else "—",
            help=metric_help("projected_romi", lang))
        kpi(t(f"scn.col.marginal.{inputs.horizon}", lang), fmt_pct(marginal, lang, digits=0),
            help=metric_help("marginal_romi", lang))
        st.caption(t("scn.what_if_total", lang, objective=t(f"scn.objective.{objective}", lang).lower(),
                     before=fmt_result(ctx, objective, before), after=fmt_result(ctx, objective, after),
                     change=delta_text(after, before, lang) or "0%"))
        st.button(t("scn.what_if_apply", lang), on_click=_apply_what_if, args=(ch, key), disabled=budget == current,
                  icon=":material/input:")
        flash(lang, "what_if")
