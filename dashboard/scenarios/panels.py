"""Panels of the Budget scenarios page: the optimiser, saved scenarios side by side, the model's fit."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
import streamlit as st

from connectors.export import neutralise_formulas
from connectors.scenarios import MAX_AUTHOR, MAX_NAME, MAX_NOTE, delete_scenario, get_scenario, save_scenario
from connectors.roles import Forbidden
from connectors.store import StoreError
from dashboard import state
from dashboard.scenarios import data as S
from dashboard.scenarios import mix_view
from dashboard.context import PageContext
from dashboard.i18n import fmt_date, fmt_money, fmt_number, fmt_pct, t
from dashboard.scenarios.view import RESULTS, _label, flash, fmt_range, fmt_result
from dashboard.auth import access as auth
from dashboard.components import amount_input, table
from metrics.optimiser import InfeasibleBudget, optimise_budget, smallest_budget, whole_units
from metrics.response import fit_summary
from metrics.scenarios import HORIZONS, Planner, period_start

# --- the optimiser ----------------------------------------------------------------------------------


def _bounds_frame(ctx: PageContext, plan: Planner, inputs: S.Inputs, base: S.Inputs) -> pl.DataFrame:
    rows = []
    for ch, c in plan.channels.items():
        if c.kind != "curve":
            continue
        top = max(3 * base.budgets.get(ch, 0), 2 * inputs.budgets.get(ch, 0), 10_000)
        rows.append({"channel_id": ch, "channel": ctx.channel_name(ch), "min": 0, "max": int(round(top, -3))})
    return pl.DataFrame(rows, schema={"channel_id": pl.String, "channel": pl.String, "min": pl.Int64,
                                      "max": pl.Int64})


def _run_optimiser(ctx: PageContext, plan: Planner, inputs: S.Inputs, mode: str, amount_key: str,
                   bounds: dict) -> None:
    """Button callback: optimise, put the answer into the budget inputs, leave a note for the next run."""
    ss = st.session_state
    lang = ctx.lang
    amount = float(ss[amount_key])
    objective = inputs.objective
    try:
        if mode == "total":
            answer = optimise_budget(plan, total=amount, start=inputs.budgets, objective=objective, bounds=bounds)
        else:
            answer = smallest_budget(plan, target=amount, start=inputs.budgets, objective=objective, bounds=bounds)
    except InfeasibleBudget as exc:
        ss[S.FLASH] = ("error", "scn.opt_infeasible", {"low": fmt_money(exc.low, lang, ctx.currency),
                                                       "high": fmt_money(exc.high, lang, ctx.currency)}, "optimiser")
        return
    budgets = whole_units(answer.budgets)
    for ch, value in budgets.items():
        ss[S.budget_key(ch)] = value
    before = plan.total_value(inputs.budgets, objective)
    after = plan.total_value({**inputs.budgets, **budgets}, objective)
    kwargs = {"before": fmt_result(ctx, objective, before), "after": fmt_result(ctx, objective, after),
              "total": fmt_money(sum(budgets.values()), lang, ctx.currency),
              "target": fmt_result(ctx, objective, amount),
              "objective": t(f"scn.objective.{objective}", lang).lower()}
    if mode == "target" and not answer.reached:
        ss[S.FLASH] = ("warning", "scn.opt_unreachable", kwargs, "optimiser")
    else:
        ss[S.FLASH] = ("success", f"scn.opt_done.{mode}", kwargs, "optimiser")


def optimiser(ctx: PageContext, plan: Planner, inputs: S.Inputs, base: S.Inputs, total: dict) -> None:
    lang = ctx.lang
    objective = inputs.objective
    st.caption(t("scn.opt_intro", lang, objective=t(f"scn.objective.{objective}", lang).lower()))
    mode = st.radio(t("scn.opt_mode", lang), ("total", "target"), **state.translated(S.OPT_MODE), horizontal=True,
                    format_func=lambda m: t(f"scn.opt_mode.{m}", lang))
    current_total = int(sum(inputs.budgets.get(ch, 0) for ch in plan.channels))  # the curves' channels only
    if mode == "total":
        amount_key = f"{S.OPT_TOTAL}_{current_total}"
        amount_input(st, t("scn.opt_total", lang), max_value=S.MAX_BUDGET, value=current_total, step=50_000,
                     key=amount_key)
    else:
        now = plan.total_value(inputs.budgets, objective)
        amount_key = f"{S.OPT_TARGET}_{objective}_{int(now)}"
        unit = t("scn.opt_target_unit.leads", lang) if objective == "leads" else ctx.currency
        amount_input(st, t("scn.opt_target", lang, objective=t(f"scn.objective.{objective}", lang).lower(), unit=unit),
                     value=int(round(now * 1.1)), step=10_000 if objective != "leads" else 10, key=amount_key)
    frame = _bounds_frame(ctx, plan, inputs, base)
    st.caption(t("scn.opt_bounds", lang))
    edited = st.data_editor(
        frame.with_columns(neutralise_formulas(frame.select("channel"), keep_signed_numbers=True)), key=f"{S.OPT_BOUNDS}_{inputs.weeks}", hide_index=True, width="stretch", disabled=["channel"],
        column_order=["channel", "min", "max"],
        column_config={
            "channel": st.column_config.TextColumn(t("scn.col.channel", lang)),
            "min": st.column_config.NumberColumn(t("scn.col.min", lang), min_value=0, step=10_000, format="%d"),
            "max": st.column_config.NumberColumn(t("scn.col.max", lang), min_value=0, step=10_000, format="%d"),
        },
    )
    edited = pl.from_pandas(edited) if not isinstance(edited, pl.DataFrame) else edited
    bounds = {r["channel_id"]: (float(r["min"] or 0), float(r["max"] if r["max"] is not None else 0))
              for r in edited.iter_rows(named=True)}
    fixed = [ctx.channel_name(ch) for ch, c in plan.channels.items() if c.kind != "curve"]
    if fixed:
        st.caption(t("scn.opt_fixed", lang, channels=", ".join(fixed)))
    st.button(t("scn.opt_run", lang), type="primary", icon=":material/auto_graph:", on_click=_run_optimiser,
              args=(ctx, plan, inputs, mode, amount_key, bounds))
    flash(lang, "optimiser")


# --- saving, opening, comparing, deleting ---------------------------------------------------------------


def _refused(ctx: PageContext, action: str) -> bool:
    """True (and the refusal left for the next run) when the user's role may not do ``action``."""
    try:
        auth.require(ctx, action)
    except Forbidden as exc:
        st.session_state[S.FLASH] = ("error", "auth.forbidden", {
            "action": t(f"auth.action.{exc.action}", ctx.lang), "role": auth.role_label(exc.role, ctx.lang),
            "needed": auth.role_label(exc.needed, ctx.lang)}, "saved")
        return True
    return False


def _save(ctx: PageContext, data: S.ScenarioData, inputs: S.Inputs, total: dict) -> None:
    ss = st.session_state
    if _refused(ctx, "save_scenario"):
        return
    name = (ss.get(S.SAVE_NAME) or "").strip()
    if not name:
        ss[S.FLASH] = ("error", "scn.save_no_name", {}, "saved")
        return
    payload = inputs.payload()
    payload["data_version"] = ctx.version
    payload["start"] = period_start(data.last_day).isoformat()
    payload["projected"] = {k: total[k] for k in ("budget", "leads", "customers", "revenue", "gross_profit", "romi")}
    try:
        sid = save_scenario(ctx.store, name=name, author=ss.get(S.SAVE_AUTHOR), note=ss.get(S.SAVE_NOTE),
                            payload=payload)
    except (StoreError, ValueError) as exc:
        ss[S.FLASH] = ("error", "scn.save_failed", {"message": str(exc)}, "saved")
        return
    ss[S.LOADED] = get_scenario(ctx.store, sid)
    ss[S.LOADED_OUTCOME] = inputs.outcome
    ss[S.FLASH] = ("success", "scn.saved", {"id": sid}, "saved")


def _open(ctx: PageContext, data: S.ScenarioData) -> None:
    ss = st.session_state
    sid = ss.get(S.OPEN_CHOICE)
    got = S.saved_inputs(ctx, data, sid) if sid else None
    if got is None:
        ss[S.FLASH] = ("error", "scn.bad_id", {"id": sid or ""}, "saved")
        return
    S.open_saved(*got)


def _ask_delete() -> None:
    st.session_state[S.CONFIRM_DELETE] = st.session_state.get(S.DELETE_CHOICE)


def _delete(ctx: PageContext, sid: str) -> None:
    ss = st.session_state
    ss[S.CONFIRM_DELETE] = None
    if _refused(ctx, "delete_scenario"):
        return
    try:
        deleted = delete_scenario(ctx.store, sid)
    except StoreError as exc:
        ss[S.FLASH] = ("error", "scn.save_failed", {"message": str(exc)}, "saved")
        return
    loaded = ss.get(S.LOADED)
    if loaded is not None and loaded.scenario_id == sid:
        ss[S.LOADED] = None
    ss[S.COMPARE] = [i for i in ss.get(S.COMPARE, []) if i != sid]
    ss[S.FLASH] = ("success" if deleted else "warning", "scn.deleted" if deleted else "scn.bad_id", {"id": sid},
                   "saved")


def _cancel_delete() -> None:
    st.session_state[S.CONFIRM_DELETE] = None


def saved_panel(ctx: PageContext, data: S.ScenarioData, inputs: S.Inputs, total: dict, saved: pl.DataFrame) -> None:
    lang = ctx.lang
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(f"**{t('scn.save_title', lang)}**")
        with st.form(S.SAVE_FORM, clear_on_submit=True, border=True):
            st.text_input(t("scn.save_name", lang), key=S.SAVE_NAME, max_chars=MAX_NAME)
            st.text_input(t("scn.save_author", lang), key=S.SAVE_AUTHOR, max_chars=MAX_AUTHOR)
            st.text_area(t("scn.save_note", lang), key=S.SAVE_NOTE, max_chars=MAX_NOTE, height=80)
            st.form_submit_button(t("scn.save", lang), icon=":material/save:", on_click=_save,
                                  args=(ctx, data, inputs, total), disabled=not auth.can(ctx, "save_scenario"))
        st.caption(t("scn.save_help", lang))
        flash(lang, "saved")
    with right:
        st.markdown(f"**{t('scn.saved_title', lang)}**")
        if saved.height == 0:
            st.caption(t("scn.none_saved", lang))
            return
        names = {r["scenario_id"]: f"{r['name']} · {fmt_date(r['created_at'].date(), lang)}"
                 for r in saved.iter_rows(named=True)}
        ids = list(names)
        table(_saved_table(ctx, saved), hide_index=True, width="stretch",
                     column_config={t("scn.col.link", lang): st.column_config.LinkColumn(
                         t("scn.col.link", lang), display_text=r"\?scenario=(.*)")})
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        if st.session_state.get(S.OPEN_CHOICE) not in ids:
            st.session_state[S.OPEN_CHOICE] = ids[0]
        c1.selectbox(t("scn.open_choice", lang), ids, key=S.OPEN_CHOICE, format_func=names.get)
        c2.button(t("scn.open", lang), on_click=_open, args=(ctx, data), icon=":material/folder_open:")
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        if st.session_state.get(S.DELETE_CHOICE) not in ids:
            st.session_state[S.DELETE_CHOICE] = ids[0]
        c1.selectbox(t("scn.delete_choice", lang), ids, key=S.DELETE_CHOICE, format_func=names.get)
        c2.button(t("scn.delete", lang), on_click=_ask_delete, icon=":material/delete:",
                  disabled=not auth.can(ctx, "delete_scenario"))
        pending = st.session_state.get(S.CONFIRM_DELETE)
        if pending in names:
            st.warning(t("scn.delete_confirm", lang, name=S.escape(names[pending])), icon=":material/warning:")
            d1, d2 = st.columns(2)
            d1.button(t("scn.delete_yes", lang), type="primary", on_click=_delete, args=(ctx, pending))
            d2.button(t("scn.delete_no", lang), on_click=_cancel_delete)


def _saved_table(ctx: PageContext, saved: pl.DataFrame) -> pl.DataFrame:
    lang = ctx.lang
    rows = []
    for r in saved.iter_rows(named=True):
        payload = S.parse_payload(r["payload"])
        budget = sum(payload.get("budgets", {}).values()) if isinstance(payload.get("budgets"), dict) else None
        rows.append({
            t("scn.save_name", lang): r["name"],
            t("scn.save_author", lang): r["author"] or "",
            t("scn.col.saved_at", lang): fmt_date(r["created_at"].date(), lang),
            t("scn.col.weeks", lang): str(payload.get("weeks", "—")),
            t("scn.col.outcome", lang): t(f"scn.outcome.{_kept_outcome(payload)}", lang),
            t("scn.col.budget", lang): fmt_money(budget, lang, ctx.currency) if isinstance(budget, (int, float)) else "—",
            t("scn.save_note", lang): r["note"] or "",
            t("scn.col.link", lang): f"?scenario={r['scenario_id']}",
        })
    return pl.DataFrame(rows)


def _kept_outcome(payload: dict) -> str:
    """What a saved scenario maximises: its own outcome, or the default for one saved before scenarios held one."""
    kept = S.saved_outcome(payload)
    return kept if kept in S.OUTCOMES else S.DEFAULT_OUTCOME


def compare_panel(ctx: PageContext, data: S.ScenarioData, inputs: S.Inputs, total: dict, base_total: dict,
                  saved: pl.DataFrame) -> pl.DataFrame | None:
    """The current scenario next to up to three saved ones, with the baseline as reference."""
    lang = ctx.lang
    ids = saved["scenario_id"].to_list()
    names = {r["scenario_id"]: r["name"] for r in saved.iter_rows(named=True)}
    ss = st.session_state
    ss[S.COMPARE] = [i for i in ss.get(S.COMPARE, []) if i in ids]
    st.multiselect(t("scn.compare", lang), ids, key=S.COMPARE, max_selections=S.MAX_COMPARE,
                   format_func=lambda i: names.get(i, i), placeholder=t("scn.compare_placeholder", lang))
    base = replace(inputs, budgets=S.baseline_budgets(data, inputs.weeks))
    columns = [(t("scn.point.last", lang), base, base_total), (t("scn.current", lang), inputs, total)]
    for sid in ss.get(S.COMPARE, []):
        got = S.saved_inputs(ctx, data, sid)
        if got is None:
            continue
        saved_one, other = got
        plan = S.planner(ctx, data, other.horizon, other.weeks)
        columns.append((saved_one.name, other, plan.project(other.budgets)[1].row(0, named=True)))
    titles = [title if title not in [c[0] for c in columns[:i]] else f"{title} ({i + 1})"
              for i, (title, _, _) in enumerate(columns)]
    head = t("scn.col.metric", lang)
    rows = [{head: t("scn.col.weeks", lang), **{k: str(c[1].weeks) for k, c in zip(titles, columns)}}]
    model = mix_view.compare_rows(ctx, [c[1] for c in columns], baseline=frozenset({0}))
    rows += [{head: label, **dict(zip(titles, cells))} for label, cells in model]
    horizons = [h for h in HORIZONS if any(c[1].horizon == h for c in columns)]
    shown_rows = [("budget", None), *((r, None) for r in RESULTS if r != "romi"), *(("romi", h) for h in horizons)]
    for name, horizon in shown_rows:
        # ROMI: one row per value of a new customer the scenarios count, each scenario's figure in its own row
        row = {head: t("scn.kpi.budget", lang) if name == "budget" else _label(name, lang, horizon)}
        for title, (_, scenario, tot) in zip(titles, columns):
            row[title] = fmt_money(tot["budget"], lang, ctx.currency) if name == "budget" else "—" if (
                horizon is not None and scenario.horizon != horizon) else (
                f"{fmt_result(ctx, name, tot[name])} ({fmt_range(ctx, name, tot[f'{name}_lo'], tot[f'{name}_hi'])})")
        rows.append(row)
    shown = pl.DataFrame(rows)
    table(shown, hide_index=True, width="stretch")
    if model and len({c[1].outcome for c in columns[1:]}) > 1:
        st.caption(t("scn.compare_outcomes", lang))
    st.caption(t("scn.compare_note", lang))
    return shown


# --- the model's fit ------------------------------------------------------------------------------------


def _warning_text(ctx: PageContext, code: str, values: dict) -> str:
    lang = ctx.lang
    money = {k: fmt_money(v, lang, ctx.currency) for k, v in values.items() if k in ("lo", "hi", "kappa", "max")}
    pct = {k: fmt_pct(v, lang, digits=0) for k, v in values.items() if k in ("spread", "needed")}
    other = {k: (fmt_number(v, lang, digits=2) if isinstance(v, float) else v) for k, v in values.items()
             if k not in money and k not in pct}
    return t(f"scn.warn.{code}", lang, **money, **pct, **other)


def model_fit(ctx: PageContext, data: S.ScenarioData, plan: Planner, horizon: str) -> None:
    lang = ctx.lang
    model = data.model
    summary = fit_summary(model)
    truth = S.demo_truth_curves(ctx)
    rows = []
    for r in summary.iter_rows(named=True):
        row = {
            t("scn.col.channel", lang): ctx.channel_name(r["channel_id"]),
            t("scn.col.kind", lang): t(f"scn.kind.{r['kind']}", lang),
            "θ": _with_range(r, "theta", lambda v: fmt_number(v, lang, digits=2)),
            "κ": _with_range(r, "kappa", lambda v: fmt_money(v, lang, ctx.currency)),
            "s": fmt_number(r["s"], lang, digits=2) if r["s"] is not None else "—",
            "β": fmt_number(r["beta"], lang, digits=1) if r["beta"] is not None else "—",
            "R²": fmt_number(r["r2"], lang, digits=2) if r["r2"] is not None else "—",
            t("scn.col.mape", lang): fmt_pct(r["mape_holdout"], lang, digits=0),
        }
        if truth:
            tv = truth.get(r["channel_id"])
            row[t("scn.col.true_theta", lang)] = fmt_number(tv["theta"], lang, digits=2) if tv else "—"
            row[t("scn.col.true_kappa", lang)] = fmt_money(tv["kappa"], lang, ctx.currency) if tv else "—"
        rows.append(row)
    table(pl.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(t("scn.fit_note", lang, weeks=model.weeks, start=fmt_date(model.first_week, lang),
                 end=fmt_date(model.last_week + dt.timedelta(days=6), lang), boot=model.n_boot,
                 r2=fmt_number(model.total_r2, lang, digits=2), seconds=fmt_number(model.seconds, lang, digits=1)))
    if truth:
        st.caption(t("scn.truth_note", lang))
    notes = [f"**{S.escape(ctx.channel_name(ch))}**: {_warning_text(ctx, code, values)}"
             for ch, f in model.fits.items() for code, values in f.warnings]
    if notes:
        st.warning("\n\n".join(notes), icon=":material/report:")
    st.markdown(f"**{t('scn.economics_title', lang)}**")
    eco = data.economics[horizon]
    table(pl.DataFrame([{
        t("scn.col.channel", lang): ctx.channel_name(r["channel_id"]),
        t("scn.col.conversion", lang): fmt_pct(r["conversion"], lang),
        t("scn.col.leads_seen", lang): fmt_number(r["leads"], lang),
        t("scn.col.revenue_per", lang): fmt_money(r["revenue_per_customer"], lang, ctx.currency, compact=False),
        t("scn.col.gp_per", lang): fmt_money(r["gross_profit_per_customer"], lang, ctx.currency, compact=False),
        t("scn.col.valued", lang): fmt_number(r["valued_customers"], lang) + (
            f" ({t('scn.all_channels', lang)})" if r["value_source"] == "all" else ""),
    } for r in eco.iter_rows(named=True) if r["channel_id"] in model.fits]), hide_index=True, width="stretch")
    st.caption(t(f"scn.economics_note.{horizon}", lang))
    st.markdown(t("scn.method", lang))


def _with_range(r: dict, name: str, fmt) -> str:
    if r[name] is None:
        return "—"
    return f"{fmt(r[name])} ({fmt(r[f'{name}_lo'])} – {fmt(r[f'{name}_hi'])})"


