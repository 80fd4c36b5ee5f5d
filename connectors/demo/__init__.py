"""The demo company: deterministic synthetic data with recorded ground truth.

    from connectors.demo import build_demo, load_demo
    demo = build_demo("small", seed=42)      # frames + truth, no I/O
    load_demo(store, "small", seed=42)        # writes everything in one transaction

Same scale and seed give identical data. The ground truth (every simulation
parameter plus realised population facts) is stored in ``meta.demo_truth``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from connectors import rollups
from connectors.demo.company import HALO_CURVES, HALO_LEAD_SOURCE, SALES_CURVES, SCALES, Company
from connectors.demo.customers import CLASSES, REVIEW_SOURCE_SHARES, REVIEW_SOURCES, TOUCHPOINTS, simulate
from connectors.demo.journeys import build_touchpoints
from connectors.demo.marketing import (
    Calendar, campaigns_frame, channels_frame, daily_spend, draw_leads, expected_weekly_halo_leads,
    expected_weekly_leads, realised_weekly, weekly_spend,
)
from connectors.demo.social import email_sends, social
from connectors.demo.texts import compose
from metrics.rules import DETRACTOR_MAX, PROMOTER_MIN
from connectors.review_labels import label as label_reviews
from metrics.sentiment import default_classifier

Progress = Callable[[float, str], None]


@dataclass
class Demo:
    frames: dict[str, pl.DataFrame]
    truth: dict


def _to_datetime(t: pl.Expr, start: dt.date) -> pl.Expr:
    base = dt.datetime.combine(start, dt.time())
    return pl.lit(base) + pl.duration(seconds=(t.fill_nan(None) * 86400).round(0).cast(pl.Int64))


def build_demo(scale: str = "small", seed: int = 42, *, progress: Progress | None = None,
               company: Company | None = None) -> Demo:
    """Generate every table of the demo company in memory."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {sorted(SCALES)}")
    say = progress or (lambda f, msg: None)
    company = company or Company()
    factor = SCALES[scale].factor
    rng = np.random.default_rng(seed)
    cal = Calendar(company.start, company.end)
    start = company.start
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 2)
        clock = now

    say(0.02, "Planning the marketing budget")
    channels = channels_frame()
    campaigns = campaigns_frame(company)
    planned = weekly_spend(company, cal, rng, factor)
    spend = daily_spend(company, cal, planned, campaigns, rng, factor)
    weekly = realised_weekly(spend, cal)
    expected = expected_weekly_leads(company, cal, weekly, factor)
    halo = expected_weekly_halo_leads(weekly, factor)
    leads0 = draw_leads(cal, expected, spend, rng, halo=halo)
    lap("spend_and_leads")

    say(0.10, "Simulating customers and their purchases")
    pop = simulate(company, cal, leads0, rng)
    lap("customers")

    say(0.45, "Assembling customers and orders")
    cust = pl.concat(pop.customers).sort("first_t", "customer")
    cust = cust.with_columns(customer_id=pl.int_range(1, cust.height + 1, dtype=pl.Int64))
    id_map = cust.select("customer", "customer_id")
    customers = cust.select(
        "customer_id",
        _to_datetime(pl.col("first_t"), start).alias("first_seen"),
        pl.col("channel_id").alias("acquisition_channel_id"),
        "region", "segment",
    )

    leads_all = pl.concat([lf.select("t", "channel_id", "region", "campaign_id", "customer") for lf in pop.leads])
    leads_all = leads_all.sort("t", "channel_id", "region").with_columns(
        lead_id=pl.int_range(1, leads_all.height + 1, dtype=pl.Int64)
    ).join(id_map, on="customer", how="left").sort("lead_id").with_columns(journey_id=pl.col("lead_id"))
    leads = leads_all.select(
        "lead_id", _to_datetime(pl.col("t"), start).alias("created_at"), "channel_id", "campaign_id",
        "region", "journey_id", "customer_id",
    )

    orders_raw = pl.concat(pop.orders).join(id_map, on="customer").join(
        cust.select("customer_id", "region"), on="customer_id"
    ).sort("t", "customer_id")
    orders = orders_raw.with_columns(order_id=pl.int_range(1, orders_raw.height + 1, dtype=pl.Int64)).select(
        "order_id", "customer_id", _to_datetime(pl.col("t"), start).alias("ordered_at"), "region",
        "revenue", "cost_of_goods",
    )
    lap("orders")

    say(0.60, "Building customer journeys")
    touches = build_touchpoints(company, leads_all.select("journey_id", "t", "channel_id", "region", "customer_id"), rng)
    touchpoints = touches.with_columns(touch_id=pl.int_range(1, touches.height + 1, dtype=pl.Int64)).select(
        "touch_id", "journey_id", "customer_id", _to_datetime(pl.col("t"), start).alias("ts"), "channel_id",
        "campaign_id",
    )
    lap("touchpoints")

    say(0.75, "Writing reviews, survey answers and complaints")
    complaints, nps, reviews, referrals = _voice_tables(company, cal, pop, id_map, cust, rng)
    brand, brand_truth = _brand_surveys(company, cal, weekly, rng)
    lap("voice")

    say(0.85, "Posting to social networks and sending newsletters")
    posts, followers = social(company, cal, rng, factor)
    posts = posts.with_columns(_to_datetime(pl.col("t"), start).alias("published_at")).drop("t")
    emails = email_sends(company, cal, cust["first_t"].to_numpy(), rng, factor)
    emails = emails.with_columns(_to_datetime(pl.col("t"), start).alias("sent_at")).drop("t")
    lap("communication")

    frames = {
        "channels": channels, "campaigns": campaigns, "spend": spend, "touchpoints": touchpoints,
        "leads": leads, "customers": customers, "orders": orders, "nps_responses": nps,
        "reviews": reviews, "complaints": complaints, "brand_surveys": brand, "social_posts": posts,
        "social_followers": followers, "email_sends": emails, "referrals": referrals,
    }
    say(0.90, "Recording the ground truth")
    truth = _truth(company, scale, seed, factor, cal, weekly, expected, halo, cust, pop, id_map, brand_truth, frames)
    truth["build_seconds"] = timings
    return Demo(frames, truth)


def _where(keep: np.ndarray, values: np.ndarray, dtype: pl.DataType) -> pl.Series:
    """values where keep, else null."""
    return pl.Series(values, dtype=dtype).set(pl.Series(~keep), None)


def _voice_tables(company: Company, cal: Calendar, pop, id_map: pl.DataFrame, cust: pl.DataFrame,
                  rng: np.random.Generator):
    start = company.start
    vc = company.voice
    seg = cust.select("customer", "segment")

    comp = pl.concat(pop.complaints).join(id_map, on="customer").sort("opened_t", "customer_id")
    complaints = comp.with_columns(complaint_id=pl.int_range(1, comp.height + 1, dtype=pl.Int64)).select(
        "complaint_id", "customer_id",
        _to_datetime(pl.col("opened_t"), start).alias("opened_at"),
        _to_datetime(pl.col("first_response_t"), start).alias("first_response_at"),
        _to_datetime(pl.col("resolved_t"), start).alias("resolved_at"),
        "satisfied", "topic", "region",
    )

    nps_raw = pl.concat(pop.nps).join(id_map, on="customer").join(seg, on="customer").sort("t", "customer_id")
    n = nps_raw.height
    score = nps_raw["score"].to_numpy()
    label = np.where(score >= PROMOTER_MIN, "positive", np.where(score > DETRACTOR_MAX, "neutral", "negative"))
    lang = np.where(rng.random(n) < vc.english_share, "en", "ru")
    has_comment = rng.random(n) < vc.comment_rate
    text = compose(rng, label, lang)
    cls = nps_raw["cls"].to_numpy()
    tp_probs = {0: [0.35, 0.25, 0.20, 0.10, 0.10], 1: [0.35, 0.25, 0.20, 0.10, 0.10], 2: [0.15, 0.15, 0.35, 0.25, 0.10]}
    touchpoint = np.empty(n, dtype=object)
    for c, probs in tp_probs.items():
        sel = cls == c
        touchpoint[sel] = np.array(TOUCHPOINTS, dtype=object)[rng.choice(5, int(sel.sum()), p=probs)]
    nps = pl.DataFrame({
        "response_id": np.arange(1, n + 1, dtype=np.int64),
        "customer_id": nps_raw["customer_id"],
        "t": nps_raw["t"],
        "score": score.astype(np.int64),
        "comment": _where(has_comment, text.astype(str), pl.String),
        "language": lang,
        "touchpoint": touchpoint.astype(str),
        "region": nps_raw["region"],
        "segment": nps_raw["segment"],
    }).with_columns(_to_datetime(pl.col("t"), start).alias("responded_at")).drop("t").select(
        "response_id", "customer_id", "responded_at", "score", "comment", "language", "touchpoint", "region", "segment"
    )

    rev_raw = pl.concat(pop.reviews).join(id_map, on="customer").sort("t", "customer_id")
    m = rev_raw.height
    source = np.array(REVIEW_SOURCES, dtype=object)[rng.choice(len(REVIEW_SOURCES), m, p=REVIEW_SOURCE_SHARES)]
    rating = rev_raw["rating"].to_numpy()
    rcls = rev_raw["cls"].to_numpy()
    has_rating = ~np.isin(source, ["vk", "brand_monitoring"])
    by_rating = np.where(rating >= 4, "positive", np.where(rating == 3, "neutral", "negative"))
    by_class = np.array(["positive", "neutral", "negative"], dtype=object)[rcls]
    label_r = np.where(has_rating, by_rating, by_class)
    lang_r = np.where(rng.random(m) < vc.english_share, "en", "ru")
    text_r = compose(rng, label_r, lang_r, max_sentences=3)
    t = rev_raw["t"].to_numpy()
    frac = t / cal.n_days
    answered = rng.random(m) < 0.6 + 0.3 * frac
    median_h = 14.0 - 8.0 * frac
    answer_t = t + rng.lognormal(np.log(median_h), 0.9) / 24.0
    answered &= answer_t < cal.n_days
    anonymous = rng.random(m) < 0.3
    reviews = pl.DataFrame({
        "review_id": np.arange(1, m + 1, dtype=np.int64),
        "source": source.astype(str),
        "t": t,
        "rating": _where(has_rating, rating, pl.Int64),
        "sentiment": _where(source == "brand_monitoring", label_r.astype(str), pl.String),
        "text": text_r.astype(str),
        "language": lang_r,
        "region": rev_raw["region"],
        "customer_id": _where(~anonymous, rev_raw["customer_id"].to_numpy(), pl.Int64),
        "answer_t": np.where(answered, answer_t, np.nan),
    }).with_columns(
        _to_datetime(pl.col("t"), start).alias("created_at"),
        _to_datetime(pl.col("answer_t"), start).alias("answered_at"),
    ).select("review_id", "source", "created_at", "rating", "sentiment", "text", "language", "region",
             "customer_id", "answered_at")
    reviews = label_reviews(reviews, default_classifier())  # stored with each review, as an import does

    referred = cust.filter(pl.col("referrer") >= 0).select("customer_id", "first_t", "referrer")
    ref = referred.join(id_map.rename({"customer": "referrer", "customer_id": "referrer_customer_id"}), on="referrer")
    ref = ref.sort("first_t", "customer_id")
    referrals = ref.select(
        pl.int_range(1, ref.height + 1, dtype=pl.Int64).alias("referral_id"),
        "referrer_customer_id",
        pl.col("customer_id").alias("referred_customer_id"),
        _to_datetime(pl.col("first_t"), start).alias("referred_at"),
    )
    return complaints, nps, reviews, referrals


def _brand_surveys(company: Company, cal: Calendar, weekly: dict[str, np.ndarray], rng: np.random.Generator):
    vc = company.voice
    months = pl.date_range(cal.start, cal.end, "1mo", eager=True)
    rep = sum(weekly[c] for c in ("pr", "sponsorship", "gifts"))
    typical = rep.mean()
    carry = 0.0
    index = np.zeros(cal.n_weeks)
    for w in range(cal.n_weeks):
        carry = rep[w] + 0.8 * carry
        index[w] = carry * (1 - 0.8) / typical
    rows, truth = [], []
    for m in months:
        w = min((m - cal.start).days // 7 + 2, cal.n_weeks - 1)
        years = (m - cal.start).days / 365.25
        idx = float(np.clip(index[w], 0, 2))
        p = {
            "trust": vc.brand_trust_base + vc.brand_trust_reputation_effect * idx + vc.brand_trust_trend_per_year * years,
            "awareness": 0.52 + 0.08 * idx + 0.02 * years,
            "recommend": 0.30 + 0.05 * idx + 0.02 * years,
        }
        for q, prob in p.items():
            agree = int(rng.binomial(vc.brand_n, prob))
            rows.append((m, q, agree, vc.brand_n))
            truth.append({"period": m.isoformat(), "question": q, "p": round(prob, 6)})
    frame = pl.DataFrame(rows, schema=["period", "question", "agree", "n"], orient="row")
    return frame, truth


def _curves(curves: dict, factor: float) -> dict[str, dict[str, float]]:
    """The truth's record of response curves, money at the demo's scale."""
    return {ch: {"theta": c.theta, "kappa": c.kappa * factor, "s": c.s, "beta": c.beta * factor,
                 "weekly_spend": c.weekly_spend * factor} for ch, c in curves.items()}


def _truth(company: Company, scale: str, seed: int, factor: float, cal: Calendar, weekly, expected, halo,
           cust: pl.DataFrame, pop, id_map: pl.DataFrame, brand_truth, frames) -> dict:
    """Parameters plus realised facts that the metrics should recover."""
    orders = pl.concat(pop.orders).select("customer", "t")
    horizon = cal.n_days
    # 12-month repeat purchase by latent class at acquisition, customers with a full year observed
    second = (
        orders.join(cust.select("customer", "first_t"), on="customer")
        .filter((pl.col("t") > pl.col("first_t") + 0.5) & (pl.col("t") <= pl.col("first_t") + 365))
        .group_by("customer").agg(pl.len().alias("repeat_orders"))
    )
    eligible = cust.filter(pl.col("first_t") <= horizon - 365).join(second, on="customer", how="left")
    repeat = (
        eligible.group_by("cls").agg((pl.col("repeat_orders").fill_null(0) > 0).mean().alias("rate"), pl.len().alias("n"))
        .sort("cls")
    )
    repeat_by_class = {CLASSES[r["cls"]]: {"repeat_12m": round(r["rate"], 6), "customers": r["n"]} for r in repeat.to_dicts()}

    comp = pl.concat(pop.complaints).filter(pl.col("opened_t") <= horizon - 365)
    after = (
        comp.join(orders, on="customer")
        .filter((pl.col("t") > pl.col("opened_t")) & (pl.col("t") <= pl.col("opened_t") + 365))
        .group_by("customer", "opened_t").agg(pl.len().alias("k"))
    )
    comp_ret = (
        comp.join(after, on=["customer", "opened_t"], how="left")
        .group_by("fast").agg((pl.col("k").fill_null(0) > 0).mean().alias("rate"), pl.len().alias("n"))
    )
    complaint_retention = {("fast" if r["fast"] else "slow"): {"ordered_again_12m": round(r["rate"], 6), "complaints": r["n"]}
                           for r in comp_ret.to_dicts()}

    source_counts = cust.group_by("channel_id").agg(pl.len().alias("n")).sort("channel_id")
    total = source_counts["n"].sum()
    seasonal = cust.filter(pl.col("season") >= 0).join(id_map, on="customer")
    season_names = list(company.customers.seasons)
    seasonal_ids = {
        name: sorted(seasonal.filter(pl.col("season") == i)["customer_id"].to_list())
        for i, name in enumerate(season_names)
    }
    refs = cust.filter(pl.col("referrer") >= 0).group_by("referrer").agg(pl.len().alias("k"))
    ref_rate = (
        cust.join(refs, left_on="customer", right_on="referrer", how="left")
        .group_by("cls").agg(pl.col("k").fill_null(0).mean().alias("mean_referrals")).sort("cls")
    )
    return {
        "scale": scale,
        "seed": seed,
        "factor": factor,
        "period": {"start": company.start.isoformat(), "end": company.end.isoformat()},
        "company": company.as_dict(),
        "response_curves": {
            "convention": "weekly leads = beta * a^s / (a^s + kappa^s), a_t = spend_t + theta * a_{t-1}; "
                          "weeks start on Monday at the data start; money in roubles",
            "channels": _curves(SALES_CURVES, factor),
            "baseline_channel": "direct",
        },
        "halo_curves": {
            "convention": "weekly leads = beta * a^s / (a^s + kappa^s), a_t = spend_t + theta * a_{t-1}; "
                          "weeks start on Monday at the data start; money in roubles; the leads are recorded "
                          f"with lead source '{HALO_LEAD_SOURCE}'",
            "channels": _curves(HALO_CURVES, factor),
            "lead_source": HALO_LEAD_SOURCE,
        },
        "weekly_spend": {ch: [round(float(x), 2) for x in v] for ch, v in weekly.items()},
        "expected_weekly_leads": {ch: [round(float(x), 4) for x in v] for ch, v in expected.items()},
        "expected_weekly_halo_leads": {ch: [round(float(x), 4) for x in v] for ch, v in halo.items()},
        "lead_sources": {r["channel_id"]: round(r["n"] / total, 6) for r in source_counts.to_dicts()},
        "upper_funnel": list(company.journeys.upper_funnel),
        "closers": list(company.journeys.closers),
        "repeat_by_class": repeat_by_class,
        "referrals_per_customer_by_class": {CLASSES[r["cls"]]: round(r["mean_referrals"], 6) for r in ref_rate.to_dicts()},
        "complaint_retention": complaint_retention,
        "seasonal_customers": seasonal_ids,
        "brand_surveys": brand_truth,
        "promo_posts": {
            "er_by_reach": company.social.er_by_reach,
            "promo_er_multiplier_vs_other": round(
                company.social.er_by_reach["promo"]
                / (
                    (company.social.er_by_reach["conversation"] * company.social.type_shares["conversation"]
                     + company.social.er_by_reach["useful"] * company.social.type_shares["useful"])
                    / (company.social.type_shares["conversation"] + company.social.type_shares["useful"])
                ),
                6,
            ),
            "unfollow_per_promo_post": company.social.unfollow_per_promo_post,
            "unfollow_per_other_post": company.social.unfollow_per_other_post,
            "promo_push": list(company.social.promo_push),
        },
        "rows": {name: f.height for name, f in frames.items()},
    }


def load_demo(store, scale: str = "small", seed: int = 42, *, progress: Progress | None = None,
              settings=None) -> Demo:
    """Build the demo and write it, with its ground truth, in one transaction; then its rollups
    (:mod:`connectors.rollups`, with what ``settings`` ask for; default: the configured settings)."""
    say = progress or (lambda f, msg: None)
    demo = build_demo(scale, seed, progress=progress)
    say(0.93, "Writing to the database")
    meta = {
        "demo_truth": json.dumps(demo.truth, ensure_ascii=False),
        "demo_scale": scale,
        "demo_seed": str(seed),
    }
    store.replace_all(demo.frames, meta=meta)
    say(0.97, "Summing the attribution per day")
    if settings is None:
        rollups.refresh_configured(store)
    else:
        rollups.refresh(store, rollups.params_for(settings))
    say(1.0, "Done")
    return demo


__all__ = ["Demo", "build_demo", "load_demo", "SCALES"]
