"""The Budget scenarios page in AppTest: its numbers are the metric functions' output; links, saving, optimising."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from connectors.read import read_fact
from connectors.scenarios import get_scenario
from dashboard.i18n import fmt_money, fmt_number, fmt_pct
from metrics.response import fit_response, weekly_series, weekly_sums
from metrics.scenarios import Planner, channel_economics, last_period_budgets, period_start
from tests.test_app import query, run_app

PAGE = "pages/scenarios.py"
LAST_DAY = dt.date(2026, 10, 31)
KPIS = ("Budget", "Leads", "New customers", "Revenue", "Gross profit", "ROMI (12-month value)")  # default horizon


@pytest.fixture(scope="module")
def planning(small_store):
    """The page's model rebuilt here from the metric functions on the raw facts."""
    spend = read_fact(small_store, "spend", columns=["day", "channel_id", "amount"])
    leads = read_fact(small_store, "leads", columns=["channel_id", "created_at", "customer_id"])
    weekly = weekly_series(weekly_sums(spend, time_col="day", value="amount", name="spend"),
                           weekly_sums(leads, time_col="created_at", value=None, name="leads"), last_day=LAST_DAY)
    model = fit_response(weekly, n_boot=100, seed=0)
    economics = channel_economics(
        leads, read_fact(small_store, "customers", columns=["customer_id", "first_seen", "acquisition_channel_id"]),
        read_fact(small_store, "orders", columns=["customer_id", "ordered_at", "revenue", "cost_of_goods"]),
        last_day=LAST_DAY, horizon_days=365)

    def plan(weeks: int = 13) -> Planner:
        return Planner(model, economics, weeks=weeks, start=period_start(LAST_DAY))

    def baseline(weeks: int = 13) -> dict[str, int]:
        got = last_period_budgets(weekly, weeks=weeks, channels=model.spend_channels())
        return {ch: int(round(v)) for ch, v in got.items()}

    return plan, baseline


def expected_kpis(plan: Planner, budgets: dict[str, int], lang: str = "en") -> list[str]:
    total = plan.project({k: float(v) for k, v in budgets.items()})[1].row(0, named=True)
    return [fmt_money(total["budget"], lang), fmt_number(total["leads"], lang, compact=True),
            fmt_number(total["customers"], lang, compact=True), fmt_money(total["revenue"], lang),
            fmt_money(total["gross_profit"], lang), fmt_pct(total["romi"], lang, digits=0)]


def kpis(at) -> list[str]:
    """The lead-source section's six cards (the marketing-mix model's three come first)."""
    shown = {m.label: m.value for m in at.metric[3:9]}
    assert list(shown) == list(KPIS), list(shown)
    return list(shown.values())


def test_the_page_shows_the_last_period_continued(app_env, planning) -> None:
    plan, baseline = planning
    at = run_app(page=PAGE)
    assert not at.exception, at.exception
    assert at.title[0].value == "Budget scenarios"
    assert not any("not built yet" in i.value for i in at.info)
    assert kpis(at) == expected_kpis(plan(), baseline())
    assert at.number_input(key="scn_budget_search_ads").value == baseline()["search_ads"]
    assert at.selectbox(key="scn_weeks.en").value == 13
    assert "budget" not in query(at)  # the baseline needs no parameter


def test_a_budget_link_reproduces_its_numbers_and_edits_go_into_the_link(app_env, planning) -> None:
    plan, baseline = planning
    budgets = dict(baseline(8), search_ads=400_000, display=0)
    link = ",".join(f"{k}:{v}" for k, v in budgets.items())
    at = run_app({"budget": link, "weeks": "8", "objective": "leads"}, page=PAGE)
    assert not at.exception, at.exception
    assert at.number_input(key="scn_budget_search_ads").value == 400_000
    assert at.selectbox(key="scn_objective.en").value == "leads"
    assert kpis(at) == expected_kpis(plan(8), budgets)
    got = dict(item.split(":") for item in query(at)["budget"].split(","))
    assert {ch: int(got[ch]) for ch in budgets} == budgets
    assert set(got) > set(budgets)  # every budget box is in the link: the other pillars' channels too
    assert query(at)["weeks"] == "8"
    at.number_input(key="scn_budget_display").set_value(120_000).run()
    assert not at.exception
    assert "display:120000" in query(at)["budget"]
    assert kpis(at) == expected_kpis(plan(8), dict(budgets, display=120_000))


def test_the_lead_source_table_shows_the_return_first_and_the_total_change_of_its_own_channels(
        app_env, planning) -> None:
    """The budget and the return sit next to the channel (no sideways scroll at 1440 px in Russian), and the total's
    change compares the curves' channels with their own baseline, not with every channel's budget."""
    plan, baseline = planning
    base = baseline(8)
    budgets = dict(base, search_ads=base["search_ads"] + 100_000)
    link = ",".join(f"{k}:{v}" for k, v in budgets.items())
    at = run_app({"budget": link, "weeks": "8"}, page=PAGE)
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "Marginal ROMI (12-month value)" in d.value.columns)
    assert list(table.columns[:5]) == ["Channel", "Budget", "Change", "ROMI (12-month value)",
                                       "Marginal ROMI (12-month value)"]
    # a value's 90% range sits in brackets beside it: '250% (180% – 320%)'
    assert re.fullmatch(r"-?[\d,.]+% \(-?[\d,.]+% – -?[\d,.]+%\)", table.iloc[-1]["ROMI (12-month value)"]), table.iloc[-1]
    assert re.fullmatch(r"[\d,.]+ \([\d,.]+ – [\d,.]+\)", table.iloc[-1]["Leads"]), table.iloc[-1]
    total = table.iloc[-1]
    assert total["Channel"] == "Total"
    paid = sum(base[ch] for ch in plan(8).channels)
    assert total["Change"] == "+" + fmt_pct(100_000 / paid, "en")
    changes = dict(zip(table["Channel"], table["Change"]))
    del changes["Total"]
    search = next(name for name in changes if name.startswith("Search ads"))
    assert changes.pop(search) == "+" + fmt_pct(100_000 / base["search_ads"], "en")
    assert set(changes.values()) == {fmt_pct(0.0, "en"), "—"}, changes  # the others unchanged, organic: no budget


def test_a_bad_scenario_link_says_so_and_shows_the_baseline(app_env, planning) -> None:
    plan, baseline = planning
    at = run_app({"scenario": "zzzz9999"}, page=PAGE)
    assert not at.exception
    assert any("was not found" in e.value and "zzzz9999" in e.value for e in at.error)
    assert kpis(at) == expected_kpis(plan(), baseline())
    assert "scenario" not in query(at)
    hostile = run_app({"scenario": "<img src=x onerror=alert(1)>", "budget": "search_ads:-5,<b>:1"}, page=PAGE)
    assert not hostile.exception
    assert any("was not found" in e.value for e in hostile.error)
    text = next(e.value for e in hostile.error if "was not found" in e.value)
    assert "\\<img" in text and "<img" not in text.replace("\\<", "")  # shown as text, escaped for markdown


def test_a_hostile_budget_parameter_falls_back_with_a_notice(app_env, planning) -> None:
    plan, baseline = planning
    at = run_app({"budget": "search_ads:1e99,display:'; DROP TABLE spend", "weeks": "999"}, page=PAGE)
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "could not be used" in notice and "budget" in notice and "weeks" in notice
    assert kpis(at) == expected_kpis(plan(), baseline())


def test_save_open_by_link_and_delete(app_env, planning, small_store) -> None:
    plan, baseline = planning
    at = run_app(page=PAGE)
    at.number_input(key="scn_budget_social_ads").set_value(250_000).run()
    shown = kpis(at)
    at.text_input(key="scn_save_name").input("Board plan <b>")  # form fields count when the form is submitted
    at.text_input(key="scn_save_author").input("Анна")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, at.exception
    sid = query(at).get("scenario")
    assert sid and "budget" not in query(at), query(at)
    assert any("Saved" in s.value for s in at.success)
    saved = get_scenario(small_store, sid)
    assert saved is not None and saved.name == "Board plan <b>" and saved.payload["budgets"]["social_ads"] == 250_000

    fresh = run_app({"scenario": sid}, page=PAGE)  # someone else opens the link
    assert not fresh.exception
    assert kpis(fresh) == shown == expected_kpis(plan(), dict(baseline(), social_ads=250_000))
    assert any("Board plan" in i.value for i in fresh.info)
    assert query(fresh) == {"scenario": sid}

    fresh.selectbox(key="scn_delete_choice").select(sid).run()
    next(b for b in fresh.button if b.label == "Delete…").click().run()
    assert any("cannot be undone" in w.value for w in fresh.warning)
    assert get_scenario(small_store, sid) is not None  # not before the confirmation
    next(b for b in fresh.button if b.label == "Yes, delete").click().run()
    assert not fresh.exception
    assert get_scenario(small_store, sid) is None
    assert "scenario" not in query(fresh)


def test_the_optimiser_button_applies_a_better_split(app_env, planning) -> None:
    plan, baseline = planning
    at = run_app(page=PAGE)
    before = plan().total_value({k: float(v) for k, v in baseline().items()}, "gross_profit")
    next(b for b in at.button if b.label == "Optimise").click().run()
    assert not at.exception, at.exception
    assert any("Optimised for gross profit" in s.value for s in at.success)
    budgets = {ch: at.number_input(key=f"scn_budget_{ch}").value for ch in baseline()}
    assert sum(budgets.values()) == sum(baseline().values())  # same total, whole roubles
    assert budgets != baseline()
    assert plan().total_value({k: float(v) for k, v in budgets.items()}, "gross_profit") > before
    assert kpis(at) == expected_kpis(plan(), budgets)
    assert "budget" in query(at)


def test_the_page_in_russian(app_env, planning) -> None:
    plan, baseline = planning
    at = run_app({"lang": "ru"}, page=PAGE)
    assert not at.exception
    assert at.title[0].value == "Сценарии бюджета"
    assert [m.value for m in at.metric[3:9]] == expected_kpis(plan(), baseline(), "ru")


def test_changing_the_period_keeps_weekly_budgets_and_compare_shows_saved_ones(app_env, planning, small_store) -> None:
    from connectors.scenarios import delete_scenario, save_scenario

    plan, baseline = planning
    at = run_app(page=PAGE)
    at.selectbox(key="scn_weeks.en").select(26).run()
    assert {ch: at.number_input(key=f"scn_budget_{ch}").value for ch in baseline(26)} == baseline(26)
    at.number_input(key="scn_budget_search_ads").set_value(520_000).run()
    at.selectbox(key="scn_weeks.en").select(13).run()  # an edited plan keeps its weekly rate
    assert at.number_input(key="scn_budget_search_ads").value == 260_000
    assert "weeks" not in query(at) and "search_ads:260000" in query(at)["budget"]
    sid = save_scenario(small_store, name="Lean quarter", author=None, note=None,
                        payload={"version": 1, "weeks": 4, "objective": "leads", "horizon": "first",
                                 "budgets": {"search_ads": 50_000}})
    try:
        at = run_app({"compare_ids": sid}, page=PAGE)
        assert not at.exception
        table = next(d.value for d in at.dataframe if "Result" in d.value.columns)
        assert "Lean quarter" in table.columns and table.shape[1] == 4  # result, last period, this one, saved
        weeks_row = table[table.iloc[:, 0] == "Weeks"].iloc[0]
        assert weeks_row["Lean quarter"] == "4"
        # ROMI counts each scenario's own value of a new customer: one row per value, each named
        romi = {row.iloc[0]: row for _, row in table[table.iloc[:, 0].str.startswith("ROMI")].iterrows()}
        assert set(romi) == {"ROMI (12-month value)", "ROMI (first orders)"}
        twelve, first = romi["ROMI (12-month value)"], romi["ROMI (first orders)"]
        assert twelve["Lean quarter"] == "—" and first["Lean quarter"] != "—"  # the saved one counts first orders
        assert first.iloc[1] == "—" and twelve.iloc[1] != "—"  # the last period continued: 12 months
        bad = run_app({"compare_ids": "nothere1,<x>"}, page=PAGE)
        assert any("could not be used" in w.value and "Compared scenarios" in w.value for w in bad.warning)
    finally:
        delete_scenario(small_store, sid)


def test_edits_survive_a_visit_to_another_page(app_env, planning) -> None:
    at = run_app(page=PAGE)
    at.number_input(key="scn_budget_display").set_value(99_000).run()
    at.switch_page("pages/overview.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.number_input(key="scn_budget_display").value == 99_000
    assert at.number_input(key="scn_budget_search_ads").value == planning[1]()["search_ads"]
