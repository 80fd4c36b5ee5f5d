"""Budget boxes in a meeting: money with a currency, bounded by the data, and an absurd figure refused out loud."""

from __future__ import annotations

from dashboard.i18n import fmt_money
from tests.test_app import query, run_app

PAGE = "pages/scenarios.py"
WEEKS = 13


def largest_weekly_spend(store) -> float:
    """The largest spend of one channel in one week (weeks from Monday), in plain SQL."""
    return float(store.execute_sql(
        "SELECT max(s) FROM (SELECT channel_id, date_trunc('week', day) AS w, sum(amount) AS s "
        "FROM spend GROUP BY 1, 2)")[0, 0])


def test_an_absurd_budget_is_refused_with_a_message_naming_it(app_env, small_store) -> None:
    limit = max(int(round(10 * largest_weekly_spend(small_store) * WEEKS, -3)), 1_000_000)
    at = run_app(page=PAGE)
    assert not at.exception, at.exception
    box = at.number_input(key="scn_budget_search_ads")
    assert box.min == 0
    before = box.value
    shown_before = [m.value for m in at.metric[:6]]
    link_before = query(at).get("budget")

    box.set_value(10**12).run()
    assert not at.exception, at.exception
    [error] = [e.value for e in at.error]
    assert fmt_money(10**12, "en", compact=False) in error  # the value typed, written out
    assert fmt_money(limit, "en", compact=False) in error  # and the limit, from the data
    assert at.number_input(key="scn_budget_search_ads").value == before  # not taken, not clamped
    assert [m.value for m in at.metric[:6]] == shown_before
    assert query(at).get("budget") == link_before
    assert any(fmt_money(limit, "en", compact=False) in c.value for c in at.caption)

    at.number_input(key="scn_budget_search_ads").set_value(limit).run()  # the limit itself is fine
    assert not at.error
    assert at.number_input(key="scn_budget_search_ads").value == limit
    assert f"search_ads:{limit}" in query(at)["budget"]


def test_russian_budget_boxes_show_their_money_and_refuse_in_russian(app_env) -> None:
    at = run_app({"lang": "ru"}, page=PAGE)
    assert not at.exception, at.exception
    box = at.number_input(key="scn_budget_search_ads")
    written = fmt_money(box.value, "ru", compact=False)  # '1 234 567 ₽' next to the box
    assert any(written in md.value for md in at.markdown), written
    assert any(c.value == "Бюджет, ₽" for c in at.caption)
    box.set_value(5 * 10**11).run()
    [error] = [e.value for e in at.error]
    assert "не принят" in error and fmt_money(5 * 10**11, "ru", compact=False) in error
