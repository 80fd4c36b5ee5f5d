"""A template for every table: the header the import expects and two example rows.

The examples use the demo company's channels and campaigns, so a template imports
as it is into the demo (a test checks every one), and shows the formats the import
reads: ISO dates, a decimal point, yes/no. The channels template lists every channel
the other examples name (with the demo's values, so the demo takes it unchanged) and
two new ones: on an empty database the templates import in :data:`ORDER` — channels
first, then campaigns, then the rest — with no channel to create by hand (tested on
DuckDB and PostgreSQL). Download them as CSV with
:func:`connectors.export.csv_bytes` (formula injection neutralised).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from connectors.demo.company import CHANNELS
from connectors.imports.rules import IMPORTABLE, column_rules
from connectors.read import polars_schema

D = dt.date
T = dt.datetime

# the channels the other examples name (as the demo has them), then two channels of a company's own
NAMED_CHANNELS = ("search_ads", "social_ads", "display", "pr", "social_media", "newsletter", "referral")
_CHANNELS = [c for c in CHANNELS if c[0] in NAMED_CHANNELS] + [
    ("podcasts", "Podcast ads", "Реклама в подкастах", "sales", "paid"),
    ("outdoor", "Outdoor billboards", "Наружная реклама", "reputation", "paid")]

# The examples' rows fall in the same days (1-4 Sept 2026, up to the last day both orders and spend cover; the
# second order comes a day later), so a company that imports the templates alone sees numbers on every page.
EXAMPLES: dict[str, dict[str, list]] = {
    "channels": {name: [c[i] for c in _CHANNELS] for i, name in enumerate(("channel_id", "name", "name_ru", "pillar",
                                                                           "kind"))},
    # the last two are the newsletters the e-mail sends example names (as the demo has them)
    "campaigns": {"campaign_id": ["search_autumn_msk", "pr_interview", "newsletter_digest", "newsletter_promo"],
                  "channel_id": ["search_ads", "pr", "newsletter", "newsletter"],
                  "name": ["Поиск · осень · Москва", "Интервью в городском журнале", "Еженедельный дайджест",
                           "Акционные письма"], "region": ["Москва", None, None, None],
                  "start_date": [D(2026, 9, 1), D(2026, 10, 1), D(2023, 5, 1), D(2023, 5, 1)],
                  "end_date": [D(2026, 11, 30), None, None, None]},
    "spend": {"day": [D(2026, 9, 1), D(2026, 9, 4)], "campaign_id": ["search_ads_msk", "display_tver"],
              "channel_id": ["search_ads", "display"], "region": ["Москва", "Тверь"], "amount": [4250.5, 1200.0],
              "impressions": [15300, 48000], "clicks": [410, 96], "campaign_name": [None, None]},
    "touchpoints": {"touch_id": [900000001, 900000002], "journey_id": [900000001, 900000001],
                    "customer_id": [None, None], "ts": [T(2026, 9, 1, 10, 15), T(2026, 9, 3, 19, 40)],
                    "channel_id": ["display", "search_ads"], "campaign_id": ["display_msk", "search_ads_msk"]},
    "leads": {"lead_id": [900000001, 900000002], "created_at": [T(2026, 9, 1, 11, 5), T(2026, 9, 2, 16, 30)],
              "channel_id": ["search_ads", "social_ads"], "campaign_id": ["search_ads_msk", "social_ads_tver"],
              "region": ["Москва", "Тверь"], "journey_id": [900000001, None], "customer_id": [None, None]},
    "customers": {"customer_id": [900000001, 900000002], "first_seen": [T(2026, 9, 1, 12, 0), T(2026, 9, 2, 9, 30)],
                  "acquisition_channel_id": ["search_ads", "referral"], "region": ["Москва", "Красногорск"],
                  "segment": ["retail", "trade"]},
    "orders": {"order_id": [900000001, 900000002], "customer_id": [900000001, 900000002],
               "ordered_at": [T(2026, 9, 1, 12, 0), T(2026, 9, 5, 18, 20)], "region": ["Москва", "Красногорск"],
               "revenue": [5400.0, 23890.5], "cost_of_goods": [3100.0, 14200.0]},
    "nps_responses": {"response_id": [900000001, 900000002], "customer_id": [900000001, None],
                      "responded_at": [T(2026, 9, 2, 10, 0), T(2026, 9, 3, 14, 30)], "score": [9, 4],
                      "comment": ["Быстрая доставка", "Long wait on the phone"], "language": ["ru", "en"],
                      "touchpoint": ["delivery", "support"], "region": ["Москва", "Тверь"],
                      "segment": ["retail", "retail"]},
    "reviews": {"review_id": [900000001, 900000002], "source": ["yandex_maps", "vk"],
                "created_at": [T(2026, 9, 3, 20, 0), T(2026, 9, 4, 9, 15)], "rating": [5, None],
                "sentiment": [None, "negative"], "text": ["Отличный магазин, всё понравилось",
                                                          "The sofa arrived scratched"],
                "language": ["ru", "en"], "region": ["Москва", None], "customer_id": [None, None],
                "answered_at": [T(2026, 9, 4, 10, 0), None]},
    "complaints": {"complaint_id": [900000001, 900000002], "customer_id": [900000001, 900000002],
                   "opened_at": [T(2026, 9, 4, 9, 0), T(2026, 9, 4, 15, 0)],
                   "first_response_at": [T(2026, 9, 4, 11, 0), T(2026, 9, 4, 16, 30)],
                   "resolved_at": [T(2026, 9, 4, 17, 0), None], "satisfied": [True, None],
                   "topic": ["delivery", "quality"], "region": ["Москва", "Красногорск"]},
    "brand_surveys": {"period": [D(2026, 9, 1), D(2026, 9, 1)], "question": ["trust", "awareness"],
                      "agree": [212, 298], "n": [400, 400]},
    "social_posts": {"post_id": [900000001, 900000002], "network": ["vk", "telegram"],
                     "channel_id": ["social_media", "social_media"],
                     "published_at": [T(2026, 9, 1, 12, 0), T(2026, 9, 2, 18, 0)],
                     "post_type": ["useful", "promo"], "title": ["5 идей для балкона", "Скидка 20% на текстиль"],
                     "impressions": [5400, 3100], "reach": [4100, 2500], "likes": [120, 35], "comments": [14, 2],
                     "shares": [9, 1], "saves": [33, 3], "clicks": [80, 41]},
    "social_followers": {"network": ["vk", "vk"], "day": [D(2026, 9, 1), D(2026, 9, 2)],
                         "channel_id": ["social_media", "social_media"], "followers": [15230, 15241],
                         "gained": [25, 19], "lost": [6, 8]},
    "email_sends": {"send_id": [900000001, 900000002], "campaign_id": ["newsletter_digest", "newsletter_promo"],
                    "channel_id": ["newsletter", "newsletter"],
                    "sent_at": [T(2026, 9, 3, 10, 0), T(2026, 9, 4, 10, 0)],
                    "subject": ["Осенние новинки", "Скидки недели"], "delivered": [12000, 11800],
                    "unique_opens": [4300, 3900], "unique_clicks": [610, 720], "unsubscribes": [18, 25]},
    "lift_tests": {"channel_id": ["search_ads", "social_ads"], "start_date": [D(2026, 9, 7), D(2026, 9, 7)],
                   "outcome": ["gross_profit", "gross_profit"], "end_date": [D(2026, 10, 4), D(2026, 10, 4)],
                   "lift": [410000.0, 260000.0], "lift_se": [95000.0, 80000.0]},
    # the template's first customer recommends its second, who arrives through the referral programme
    "referrals": {"referral_id": [900000001], "referrer_customer_id": [900000001],
                  "referred_customer_id": [900000002], "referred_at": [T(2026, 9, 2, 9, 30)]},
}


# the order to import a new company's tables in: a file names only channels loaded before it (a spend file creates
# the campaigns it names; e-mail sends name campaigns of the campaigns file). The tables are listed in that order.
ORDER: tuple[str, ...] = IMPORTABLE


def template(table: str) -> pl.DataFrame:
    """The header and example rows of a table's import file."""
    if table not in IMPORTABLE:
        raise KeyError(table)
    types = polars_schema(table)
    columns = [r.name for r in column_rules(table)]
    data = EXAMPLES[table]
    n = len(next(iter(data.values())))
    return pl.DataFrame({c: pl.Series(c, data.get(c, [None] * n), dtype=types.get(c, pl.String))
                         for c in columns})
