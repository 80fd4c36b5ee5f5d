"""The Overview's second estimate per pillar in AppTest: the marketing-mix model's gross profit from the pillar's
spend over the period's whole weeks equals a model fitted here on a plain-SQL weekly frame, summed by hand over
those weeks and the channels of the pillar (channels table), its 90% range recomputed draw by draw with the
one-channel transform; under a channel filter only the kept channels count; under a region filter, with too
little history or without a whole week the line says so instead of showing a number."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pytest

from dashboard.i18n import fmt_money
from dashboard.overview.view import money_range
from metrics.mmm.fit import INTERVAL
from metrics.mmm.transforms import delayed, saturated
from tests.test_app import run_app
from tests.test_scenarios_mix_app import sql_gross_profit_fit

PERIOD = (dt.date(2026, 8, 3), dt.date(2026, 10, 31))  # the default view: the last 90 days
LABEL = {"en": "Marketing-mix model", "ru": "Модель микса"}


@pytest.fixture(scope="module")
def refit(small_store):
    return sql_gross_profit_fit(small_store)


def pillar_of(store) -> dict[str, str]:
    rows = store.execute_sql("SELECT channel_id, pillar FROM channels", {})
    return dict(zip(rows["channel_id"].to_list(), rows["pillar"].to_list()))


def by_hand(fit, pillars: dict[str, str], period: tuple[dt.date, dt.date], keep: set[str] | None = None):
    """Per pillar: (point, 5th, 95th percentile) over the Monday-to-Sunday weeks inside the period."""
    weeks = [w.astype("datetime64[D]").astype(dt.date) for w in fit.data.weeks]
    inside = np.array([period[0] <= w and w + dt.timedelta(days=6) <= period[1] for w in weeks])
    d = fit.draws
    out = {}
    for pillar in sorted(set(pillars.values())):
        cols = [j for j, ch in enumerate(fit.channels) if pillars.get(ch) == pillar and (keep is None or ch in keep)]
        if not cols:
            continue
        point = float(fit.contributions[inside][:, cols].sum())
        sums = []
        for b in range(d.beta.shape[0]):
            total = 0.0
            for j in cols:
                x = delayed(fit.data.spend[:, j], fit.delays[j])
                h = saturated(x, d.theta[b, j], d.kappa[b, j], d.s[b, j], fit.scale[j])
                total += float((h * d.beta[b, j])[inside].sum())
            sums.append(total)
        lo, hi = np.quantile(sums, INTERVAL)
        out[pillar] = (point, float(lo), float(hi))
    return out


def mix_lines(at, lang: str) -> list[str]:
    return [md.value for md in at.markdown if md.value.startswith(LABEL[lang] + ":")]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_each_pillar_shows_the_models_gross_profit_of_the_periods_weeks_against_a_refit(app_env, small_store,
                                                                                       refit, lang):
    at = run_app({"lang": lang})
    assert not at.exception, at.exception
    hand = by_hand(refit, pillar_of(small_store), PERIOD)
    assert list(hand) == ["communication", "reputation", "sales"]
    shown = mix_lines(at, lang)
    order = ["sales", "reputation", "communication"]  # the cards' order
    assert shown == [f"{LABEL[lang]}: **{fmt_money(hand[p][0], lang)}** "
                     f"({money_range(hand[p][1], hand[p][2], lang, 'RUB')})" for p in order]
    for p in order:
        assert hand[p][1] <= hand[p][0] <= hand[p][2], p
    helps = [md.help for md in at.markdown if md.value.startswith(LABEL[lang] + ":")]
    # 3 Aug to 25 Oct: twelve whole weeks (the week from Monday 26 Oct ends after the data's last day)
    want = "Weeks counted: 12 whole weeks, 3 Aug 2026 – 25 Oct 2026." if lang == "en" else "Учтено недель: 12 полных"
    assert all(want in h for h in helps), helps
    assert ("12 months" if lang == "en" else "12 месяцев") in helps[0]


def test_a_channel_filter_counts_only_the_kept_channels(app_env, small_store, refit):
    at = run_app({"ch": "search_ads,social_media"})
    assert not at.exception, at.exception
    hand = by_hand(refit, pillar_of(small_store), PERIOD, keep={"search_ads", "social_media"})
    assert set(hand) == {"sales", "communication"}  # no reputation channel kept: no line there, like the first method
    assert mix_lines(at, "en") == [f"{LABEL['en']}: **{fmt_money(hand[p][0], 'en')}** "
                                   f"({money_range(hand[p][1], hand[p][2], 'en', 'RUB')})"
                                   for p in ("sales", "communication")]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_region_filter_says_the_model_is_company_wide(app_env, lang):
    at = run_app({"region": "Москва", "lang": lang})
    assert not at.exception, at.exception
    note = {"en": "company-wide only, not by region", "ru": "только по всей компании, не по регионам"}[lang]
    assert mix_lines(at, lang) == [f"{LABEL[lang]}: {note}"] * 3
    assert not any("**" in line for line in mix_lines(at, lang))  # no company-wide number passed off as a region's


def test_a_period_without_a_whole_week_says_so(app_env):
    at = run_app({"period": "custom", "from": "2026-10-21", "to": "2026-10-25"})  # Wednesday to Sunday
    assert not at.exception, at.exception
    assert mix_lines(at, "en") == [f"{LABEL['en']}: no whole week in this period"] * 3


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_too_little_history_says_the_model_is_not_available(app_env, small_store, tmp_path, monkeypatch, lang):
    from dashboard.context import settings
    from tests.importing import copy_store

    store = copy_store(small_store, tmp_path)
    with duckdb.connect(str(store.path)) as con:  # orders and spend from June 2026 only: 21 whole weeks
        con.execute("DELETE FROM orders WHERE ordered_at < TIMESTAMP '2026-06-01'")
        con.execute("DELETE FROM spend WHERE day < DATE '2026-06-01'")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    settings.clear()
    try:
        at = run_app({"lang": lang})
        assert not at.exception, at.exception
        note = {"en": "not available for these data", "ru": "недоступна для этих данных"}[lang]
        assert mix_lines(at, lang) == [f"{LABEL[lang]}: {note}"] * 3
        helps = [md.help for md in at.markdown if md.value.startswith(LABEL[lang] + ":")]
        assert ("26 whole weeks" if lang == "en" else "26 полных недель") in helps[0]
    finally:
        monkeypatch.undo()
        settings.clear()


def test_the_overview_reuses_the_model_the_budget_scenarios_page_fitted(app_env, monkeypatch):
    from dashboard.scenarios import mix_data

    fits = []

    def counted(*args, **kwargs):
        fits.append(args[2] if len(args) > 2 else kwargs.get("outcome"))
        return fit_mix(*args, **kwargs)

    fit_mix = mix_data.fit_mix
    monkeypatch.setattr(mix_data, "fit_mix", counted)
    mix_data._mix.clear()
    at = run_app(page="pages/scenarios.py")
    assert not at.exception, at.exception
    assert fits == ["gross_profit"]
    at = run_app()  # a new session on the Overview
    assert not at.exception, at.exception
    assert len(mix_lines(at, "en")) == 3 and all("**" in line for line in mix_lines(at, "en"))
    assert fits == ["gross_profit"]  # not fitted again


def test_a_range_names_its_currency_once():
    assert money_range(3e6, 9.4e6, "en", "RUB") == "₽3M–9.4M"
    assert money_range(3e6, 9.4e6, "ru", "RUB") == "3–9,4\u00a0млн\u00a0₽"
    assert money_range(117_237, 6.1e6, "ru", "RUB") == "117,2\u00a0тыс.–6,1\u00a0млн\u00a0₽"
    assert money_range(-2e5, 3e6, "en", "RUB") == "−₽200K–3M"


def test_a_whole_week_is_monday_to_sunday_inside_the_period():
    from dashboard.overview.mix import has_whole_week

    assert has_whole_week(dt.date(2026, 10, 19), dt.date(2026, 10, 25))  # Monday to Sunday
    assert not has_whole_week(dt.date(2026, 10, 20), dt.date(2026, 10, 26))  # Tuesday to Monday
    assert has_whole_week(dt.date(2026, 10, 20), dt.date(2026, 11, 1))  # holds 26 Oct to 1 Nov
