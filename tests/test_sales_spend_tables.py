"""The Sales page shows the same money for a channel in every table: the channel table, the campaigns (added up per
channel) and the channel selection show each channel's whole spend of the period, equal to a plain SQL sum over the
spend table — e-mail newsletter and social media included, although the KPI row counts the sales channels only."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tests.overview_expected import Scope, region_in, sql
from tests.test_app import run_app

CASES = [
    pytest.param({}, Scope(dt.date(2026, 8, 3), dt.date(2026, 10, 31)), "en", id="last-90-days"),
    pytest.param({"lang": "ru", "period": "custom", "from": "2026-05-01", "to": "2026-07-31"},
                 Scope(dt.date(2026, 5, 1), dt.date(2026, 7, 31)), "ru", id="past-quarter-ru"),
    pytest.param({"region": "Тверь"}, Scope(dt.date(2026, 8, 3), dt.date(2026, 10, 31), regions=("Тверь",)), "en",
                 id="one-region"),
]


def spend_by_channel(store, scope: Scope, lang: str) -> dict[str, float]:
    """Each channel's spend of the period (by its name in the language), straight from the spend table."""
    name = "coalesce(c.name_ru, c.name)" if lang == "ru" else "c.name"
    rows = sql(store, f"SELECT {name} AS channel, sum(s.amount) AS spend FROM spend s "
                      f"JOIN channels c ON c.channel_id = s.channel_id "
                      f"WHERE s.day BETWEEN :first_day AND :last_day AND {region_in('s.region')} GROUP BY 1", scope)
    return {r["channel"]: r["spend"] for r in rows}


def tables_with_spend(at) -> dict[str, pl.DataFrame]:
    """The page's tables that show spend, by what they list."""
    found = {}
    for shown in at.dataframe:
        frame = pl.from_pandas(shown.value)
        if "spend" not in frame.columns:
            continue
        kind = "campaigns" if "campaign_id" in frame.columns else "selection" if "reach" in frame.columns \
            else "channels"
        found[kind] = frame
    return found


@pytest.mark.parametrize(("params", "scope", "lang"), CASES)
def test_a_channel_shows_the_same_spend_in_every_table(app_env, small_store, params, scope, lang) -> None:
    at = run_app(params, page="pages/sales.py")
    assert not at.exception, at.exception
    expected = spend_by_channel(small_store, scope, lang)
    tables = tables_with_spend(at)
    assert set(tables) == {"channels", "campaigns", "selection"}, list(tables)
    per_table = {
        "channels": dict(zip(tables["channels"]["channel_id"], tables["channels"]["spend"])),
        "selection": dict(zip(tables["selection"]["channel_id"], tables["selection"]["spend"])),
    }
    campaigns = tables["campaigns"].group_by("channel_id").agg(pl.col("spend").sum(), pl.len().alias("n"))
    for kind, shown in per_table.items():
        assert shown, kind
        for channel, spend in shown.items():  # whole currency units, as displayed
            assert spend == pytest.approx(expected.get(channel, 0.0), abs=0.5), (kind, channel)
    for row in campaigns.iter_rows(named=True):  # each campaign rounded on its own
        assert row["spend"] == pytest.approx(expected.get(row["channel_id"], 0.0), abs=0.5 * row["n"]), row
        assert row["channel_id"] in per_table["channels"], row  # a campaign's channel is in the channel table
    both = per_table["channels"].keys() & per_table["selection"].keys()
    assert both
    assert all(per_table["channels"][c] == per_table["selection"][c] for c in both)
    for name in (("E-mail рассылка", "Сообщества в соцсетях") if lang == "ru"
                 else ("E-mail newsletter", "Social media communities")):  # communication channels, not sales ones
        assert per_table["channels"][name] == pytest.approx(expected[name], abs=0.5) and expected[name] > 0, name
