"""The Overview's numbers computed a second way: plain SQL on the store and the definitions of PRODUCT.md.

Nothing here calls the app's loaders, its metric functions or its formatting, with two exceptions that
are models checked on their own elsewhere: the Markov attribution credit (``metrics.attribution``,
checked against ChannelAttribution and a long simulation in ``tests/test_attribution.py``) and the
offline text classifier for reviews that have neither a rating nor a label (its accuracy is measured
in ``tests/test_sentiment.py``). The channel and region filters are written out in SQL as the app
documents them: a region filter keeps rows of the chosen regions and rows without a region; orders
follow their customer's acquisition channel.

``parse_figure`` reads a figure as the page shows it (compact money, counts, percentages, points) and
returns its value with the tolerance its display allows: half of its last shown digit.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from connectors.store import DuckDBStore

STANDARD_HOURS = 48  # the complaint resolution standard (default setting)
LOOKBACK_DAYS, HALF_LIFE_DAYS = 30, 7.0  # attribution defaults (settings)
ANSWER_DAYS = 8  # an NPS answer within this many days of the first purchase gives the customer's group


@dataclass(frozen=True)
class Scope:
    """A period (inclusive days) with the channel and region filters of the view."""

    start: dt.date
    end: dt.date
    channels: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def params(self) -> dict[str, object]:
        return {"start": dt.datetime.combine(self.start, dt.time()),
                "stop": dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time()),
                "first_day": self.start, "last_day": self.end, "ch": list(self.channels), "rg": list(self.regions)}


# WHERE fragments: column names only; every value is a bound parameter
def channel_in(col: str) -> str:
    return f"(len(:ch) = 0 OR list_contains(:ch, {col}))"


def region_in(col: str) -> str:
    return f"(len(:rg) = 0 OR {col} IS NULL OR list_contains(:rg, {col}))"


def in_period(col: str) -> str:
    return f"({col} >= :start AND {col} < :stop)"


VIA_CUSTOMER = ("(len(:ch) = 0 OR customer_id IN "
                "(SELECT customer_id FROM customers WHERE list_contains(:ch, acquisition_channel_id)))")


def sql(store: DuckDBStore, text: str, scope: Scope, **more: object) -> list[dict]:
    """Rows of ``text`` run with the scope's parameters (only those the text names) and ``more``; DECIMAL sums come
    back as floats."""
    names = set(re.findall(r"(?<![:\w]):([a-z_]\w*)(?!:)", text))
    params = {k: v for k, v in {**scope.params(), **more}.items() if k in names}
    rows = store.execute_sql(text, params).to_dicts()
    return [{k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()} for row in rows]


def one(store: DuckDBStore, text: str, scope: Scope, **more: object):
    rows = sql(store, text, scope, **more)
    assert len(rows) == 1 and len(rows[0]) == 1, rows
    return next(iter(rows[0].values()))


# --- the pillars' headline results ----------------------------------------------------------------------------------


def revenue(store: DuckDBStore, s: Scope) -> float | None:
    return one(store, f"SELECT sum(revenue) FROM orders WHERE {in_period('ordered_at')} AND {VIA_CUSTOMER} "
                      f"AND {region_in('region')}", s)


def nps(store: DuckDBStore, s: Scope) -> tuple[float, float, int]:
    """NPS = %promoters (9–10) − %detractors (0–6) in points, its 95% margin of error in points, and n."""
    row = sql(store, f"SELECT avg((score >= 9)::INT) AS pro, avg((score <= 6)::INT) AS det, count(*) AS n "
                     f"FROM nps_responses WHERE {in_period('responded_at')} AND {region_in('region')}", s)[0]
    pro, det, n = row["pro"], row["det"], row["n"]
    return 100 * (pro - det), 100 * 1.96 * math.sqrt((pro + det - (pro - det) ** 2) / n), n


def er_reach(store: DuckDBStore, s: Scope) -> float | None:
    """Engagement (likes + comments + shares + saves) / reach of the period's posts."""
    return one(store, f"SELECT sum(likes + comments + shares + saves) / sum(reach) FROM social_posts "
                      f"WHERE {in_period('published_at')} AND {channel_in('channel_id')}", s)


def net_followers(store: DuckDBStore, s: Scope) -> int:
    return one(store, "SELECT sum(gained) - sum(lost) FROM social_followers "
                      f"WHERE day BETWEEN :first_day AND :last_day AND {channel_in('channel_id')}", s)


def referral_share(store: DuckDBStore, s: Scope) -> float | None:
    """New customers who came by referral / new customers (company-wide: regions only)."""
    return one(store, "SELECT avg((acquisition_channel_id = 'referral')::INT) FROM customers "
                      f"WHERE {in_period('first_seen')} AND {region_in('region')}", s)


def review_sentiments(store: DuckDBStore, s: Scope) -> dict[str, int]:
    """Reviews by sentiment: from the rating (4–5 positive, 3 neutral, 1–2 negative), else the source's label,
    else the text classifier."""
    from metrics.sentiment import default_classifier

    known = sql(store, f"""
        SELECT CASE WHEN rating >= 4 THEN 'positive' WHEN rating = 3 THEN 'neutral' WHEN rating <= 2 THEN 'negative'
                    ELSE sentiment END AS label, count(*) AS n
        FROM reviews WHERE {in_period('created_at')} AND {region_in('region')}
          AND (rating IS NOT NULL OR sentiment IN ('positive', 'neutral', 'negative'))
        GROUP BY 1""", s)
    counts = {"positive": 0, "neutral": 0, "negative": 0}
    for row in known:
        counts[row["label"]] += row["n"]
    texts = sql(store, f"""
        SELECT text, language FROM reviews WHERE {in_period('created_at')} AND {region_in('region')}
          AND rating IS NULL AND (sentiment IS NULL OR sentiment NOT IN ('positive', 'neutral', 'negative'))""", s)
    with_text = [r for r in texts if r["text"]]
    labels = default_classifier().classify([r["text"] for r in with_text], [r["language"] or None for r in with_text])
    for label in labels:
        counts[label] += 1
    counts["neutral"] += len(texts) - len(with_text)  # no text: neutral
    return counts


def complaints_within_standard(store: DuckDBStore, s: Scope, data_end: dt.datetime) -> float | None:
    """Resolved within the standard / complaints whose outcome is known by ``data_end`` (resolved, or open for
    longer than the standard)."""
    return one(store, f"""
        WITH c AS (SELECT opened_at, resolved_at, resolved_at IS NOT NULL AND resolved_at <= :data_end AS resolved
                   FROM complaints WHERE {in_period('opened_at')} AND {region_in('region')})
        SELECT sum((resolved AND resolved_at <= opened_at + to_hours(:hours))::INT)
               / nullif(sum((resolved OR :data_end > opened_at + to_hours(:hours))::INT), 0)
        FROM c""", s, data_end=data_end, hours=STANDARD_HOURS)


def spend_by_pillar(store: DuckDBStore, s: Scope) -> dict[str, tuple[float, float | None]]:
    """Each pillar's spend and share of the period's total."""
    rows = sql(store, f"""
        SELECT c.pillar, coalesce(sum(s.amount), 0) AS spend FROM channels c
        LEFT JOIN spend s ON s.channel_id = c.channel_id AND s.day BETWEEN :first_day AND :last_day
             AND {channel_in('s.channel_id')} AND {region_in('s.region')}
        GROUP BY 1""", s)
    total = sum(r["spend"] for r in rows)
    return {r["pillar"]: (r["spend"], r["spend"] / total if total else None) for r in rows}


# --- each pillar's estimated profit contribution (metrics/contribution.py's method) ---------------------------------


def first_year_value(store: DuckDBStore, s: Scope) -> tuple[dict[str, float], float]:
    """Gross profit of a new customer's orders within 365 days of becoming a customer, over customers acquired at
    least 365 days before the period's end: per acquisition channel, and over all of them."""
    cohort = f"""
        WITH k AS (SELECT customer_id, acquisition_channel_id AS channel, first_seen FROM customers
                   WHERE first_seen < :cohort_end AND {channel_in('acquisition_channel_id')} AND {region_in('region')}),
        g AS (SELECT k.customer_id, k.channel, coalesce(sum(o.revenue - o.cost_of_goods), 0) AS gp FROM k
              LEFT JOIN orders o ON o.customer_id = k.customer_id AND o.ordered_at < k.first_seen + INTERVAL 365 DAY
                   AND {region_in('o.region')}
              GROUP BY 1, 2)"""
    cohort_end = dt.datetime.combine(s.end - dt.timedelta(days=364), dt.time())
    per = {r["channel"]: r["v"] for r in sql(store, cohort + " SELECT channel, avg(gp) AS v FROM g GROUP BY 1", s,
                                             cohort_end=cohort_end)}
    return per, one(store, cohort + " SELECT avg(gp) FROM g", s, cohort_end=cohort_end)


PURCHASES = f"""
    o AS (SELECT customer_id, ordered_at::DATE AS day, revenue - cost_of_goods AS gp FROM orders
          WHERE ordered_at < :as_of_stop AND {VIA_CUSTOMER} AND {region_in('region')}),
    base AS (SELECT o.customer_id, min(o.day) AS first_order FROM o JOIN customers c ON c.customer_id = o.customer_id
             WHERE {channel_in('c.acquisition_channel_id')} AND {region_in('c.region')} GROUP BY 1),
    year AS (SELECT b.customer_id, sum(o.gp) AS gp FROM base b
             JOIN o ON o.customer_id = b.customer_id AND o.day <= b.first_order + INTERVAL 365 DAY
             WHERE b.first_order <= :as_of - INTERVAL 365 DAY GROUP BY 1)"""


def promoter_gap(store: DuckDBStore, s: Scope) -> float | None:
    """First-year value of a promoter − of a passive (NPS group of the first answer within 8 days of the first
    purchase); value = first-year gross profit + referrals made × first-year gross profit of a referred customer."""
    as_of_stop = dt.datetime.combine(s.end + dt.timedelta(days=1), dt.time())
    rows = sql(store, f"""
        WITH {PURCHASES},
        answer AS (SELECT a.customer_id, arg_min(a.score, a.responded_at) AS score FROM nps_responses a
                   JOIN base b ON b.customer_id = a.customer_id
                   WHERE a.responded_at::DATE <= b.first_order + INTERVAL {ANSWER_DAYS} DAY
                     AND {region_in('a.region')} GROUP BY 1),
        made AS (SELECT referrer_customer_id AS customer_id, count(*) AS n FROM referrals
                 WHERE referred_at < :as_of_stop GROUP BY 1),
        referred AS (SELECT coalesce(avg(y.gp), 0) AS v FROM year y WHERE y.customer_id IN
                     (SELECT referred_customer_id FROM referrals WHERE referred_at < :as_of_stop))
        SELECT CASE WHEN score >= 9 THEN 'promoter' WHEN score >= 7 THEN 'passive' ELSE 'detractor' END AS grp,
               avg(y.gp) + avg(coalesce(m.n, 0)) * any_value(r.v) AS value
        FROM year y JOIN answer USING (customer_id) LEFT JOIN made m USING (customer_id) CROSS JOIN referred r
        GROUP BY 1""", s, as_of=s.end, as_of_stop=as_of_stop)
    value = {r["grp"]: r["value"] for r in rows}
    return value["promoter"] - value["passive"] if "promoter" in value and "passive" in value else None


def complaint_gap(store: DuckDBStore, s: Scope) -> float | None:
    """Gross profit of the customer's orders in the 365 days after a complaint resolved within the standard − after
    one resolved late or never; complaints opened at least 365 days before the period's end."""
    rows = sql(store, f"""
        WITH c AS (SELECT complaint_id, customer_id, opened_at,
                          resolved_at IS NOT NULL AND resolved_at <= opened_at + to_hours(:hours) AS fast
                   FROM complaints WHERE customer_id IS NOT NULL AND opened_at < :opened_before
                     AND {region_in('region')}),
        o AS (SELECT customer_id, ordered_at, revenue - cost_of_goods AS gp FROM orders
              WHERE {VIA_CUSTOMER} AND {region_in('region')}),
        after AS (SELECT c.complaint_id, any_value(c.fast) AS fast, coalesce(sum(o.gp), 0) AS gp FROM c
                  LEFT JOIN o ON o.customer_id = c.customer_id AND o.ordered_at > c.opened_at
                       AND o.ordered_at <= c.opened_at + INTERVAL 365 DAY
                  GROUP BY 1)
        SELECT fast, avg(gp) AS gp FROM after GROUP BY 1""", s, hours=STANDARD_HOURS,
               opened_before=dt.datetime.combine(s.end - dt.timedelta(days=364), dt.time()))
    gp = {r["fast"]: r["gp"] for r in rows}
    return gp[True] - gp[False] if True in gp and False in gp else None


def markov_credit(store: DuckDBStore, s: Scope) -> dict[str, float]:
    """New customers credited per channel by the Markov model (journeys keep every channel; regions apply)."""
    import polars as pl

    from connectors.journeys import read_paths
    from connectors.read import Filters
    from metrics.attribution import attribute_all

    paths = read_paths(store, Filters(s.start, s.end, (), s.regions), lookback_days=LOOKBACK_DAYS).paths
    credit = attribute_all(paths, half_life_days=HALF_LIFE_DAYS).filter(pl.col("model") == "markov")
    return {c: v for c, v in credit.select("channel", "conversions").iter_rows() if not s.channels or c in s.channels}


def contributions(store: DuckDBStore, s: Scope) -> dict[str, float]:
    """Each pillar's value parts minus its spend (see metrics/contribution.py for the method)."""
    pillar = {r["channel_id"]: (r["pillar"], r["kind"])
              for r in store.execute_sql("SELECT channel_id, pillar, kind FROM channels").to_dicts()}
    value, overall = first_year_value(store, s)
    parts = {"sales": 0.0, "reputation": 0.0, "communication": 0.0}
    for channel, customers in markov_credit(store, s).items():
        worth = customers * value.get(channel, overall)
        group, kind = pillar.get(channel, (None, None))
        if group == "sales" and kind != "earned":
            parts["sales"] += worth
        elif channel == "referral" or group == "communication":
            parts["communication"] += worth
        elif group == "reputation":
            parts["reputation"] += worth
    buying = one(store, f"SELECT count(DISTINCT customer_id) FROM orders WHERE {in_period('ordered_at')} "
                        f"AND {VIA_CUSTOMER} AND {region_in('region')}", s)
    promoters = one(store, "SELECT avg((score >= 9)::INT) FROM nps_responses "
                           f"WHERE {in_period('responded_at')} AND {region_in('region')}", s) or 0.0
    fast = one(store, "SELECT count(*) FROM complaints WHERE resolved_at <= opened_at + to_hours(:hours) "
                      f"AND {in_period('opened_at')} AND {region_in('region')}", s, hours=STANDARD_HOURS)
    parts["reputation"] += buying * promoters * max(promoter_gap(store, s) or 0.0, 0.0) * min(s.days / 365, 1.0)
    parts["reputation"] += fast * max(complaint_gap(store, s) or 0.0, 0.0)
    spend = spend_by_pillar(store, s)
    return {p: parts[p] - spend[p][0] for p in parts}


# --- reading a figure as shown ---------------------------------------------------------------------------------------

SCALES = {"": 1.0, "K": 1e3, "M": 1e6, "B": 1e9, "тыс.": 1e3, "млн": 1e6, "млрд": 1e9}
FIGURE = re.compile(r"^(?P<sign>[-−+]?)\s*[₽$€£]?\s*(?P<number>\d[\d\s.,]*?)\s*"
                    r"(?P<scale>K|M|B|тыс\.|млн|млрд)?\s*(?P<unit>%|₽|pts|п\.)?$")


def parse_figure(text: str, lang: str) -> tuple[float, float]:
    """A figure as shown ('₽38.3M', '−1,2 млн ₽', '12.3%', '+34.2', '-0.4 pts') -> (value, tolerance).

    A percentage comes back as a ratio (12.3% -> 0.123). The tolerance is half of the last digit shown;
    a compact figure is rounded to one decimal of its unit, its trailing zero dropped ('₽38M' is
    37.95M–38.05M), so its tolerance is half a tenth of its unit either way.
    """
    cleaned = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    found = FIGURE.match(cleaned)
    assert found, f"not a figure: {text!r}"
    number = found["number"].strip()
    group, decimal = (" ", ",") if lang == "ru" else (",", ".")
    number = number.replace(group, "").replace(" ", "")
    whole, _, fraction = number.partition(decimal)
    assert whole.isdigit() and (fraction.isdigit() or not fraction), f"not a number: {text!r}"
    scale = SCALES[found["scale"] or ""]
    digits = max(len(fraction), 1) if found["scale"] else len(fraction)
    value = float(f"{whole}.{fraction or 0}") * scale
    tolerance = 0.5 * 10 ** -digits * scale
    if found["unit"] == "%":
        value, tolerance = value / 100, tolerance / 100
    return (-value if found["sign"] in ("-", "−") else value), tolerance


def assert_shows(text: str, expected: float | None, lang: str = "en") -> None:
    """``text`` is ``expected`` at the precision shown ('—' for no value)."""
    if expected is None:
        assert text == "—", text
        return
    value, tolerance = parse_figure(text, lang)
    assert abs(value - expected) <= tolerance * (1 + 1e-9) + 1e-9, f"{text!r} shows {value}, expected {expected}"
