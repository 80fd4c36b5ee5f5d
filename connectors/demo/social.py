"""Social networks (posts, followers) and the e-mail newsletter."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from connectors.demo.company import Company
from connectors.demo.marketing import Calendar
from connectors.demo.texts import EMAIL_SUBJECTS, POST_TITLES

POST_TYPES = ("conversation", "useful", "promo")
_SPLIT = {  # likes, comments, shares, saves
    "conversation": (0.55, 0.30, 0.08, 0.07),
    "useful": (0.50, 0.05, 0.20, 0.25),
    "promo": (0.80, 0.05, 0.10, 0.05),
}


def social(company: Company, cal: Calendar, rng: np.random.Generator, factor: float) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Posts and daily followers per network; promo posts cost followers and engage less."""
    sc = company.social
    push_start = (dt.date.fromisoformat(sc.promo_push[0]) - cal.start).days
    push_end = (dt.date.fromisoformat(sc.promo_push[1]) - cal.start).days
    posts, follows = [], []
    post_counter = 0
    for network in sc.followers_start:
        f0 = sc.followers_start[network] * factor
        followers = float(f0)
        n_days = cal.n_days
        daily_posts = rng.poisson(sc.posts_per_week[network] / 7.0, n_days)
        rows_f = np.zeros((n_days, 3), dtype=np.int64)
        for d in range(n_days):
            k = int(daily_posts[d])
            in_push = push_start <= d <= push_end
            shares = dict(sc.type_shares)
            if in_push:
                rest = 1.0 - sc.promo_push_share
                base_rest = shares["conversation"] + shares["useful"]
                shares = {"conversation": shares["conversation"] / base_rest * rest,
                          "useful": shares["useful"] / base_rest * rest, "promo": sc.promo_push_share}
            types = rng.choice(POST_TYPES, size=k, p=[shares[t] for t in POST_TYPES]) if k else np.array([])
            n_promo = int((types == "promo").sum()) if k else 0
            for ptype in types:
                reach_mult = sc.promo_reach_multiplier if ptype == "promo" else 1.0
                reach = max(int(followers * sc.reach_rate[network] * reach_mult * rng.lognormal(0, 0.35)), 1)
                impressions = int(reach * rng.uniform(1.15, 1.45))
                er = min(sc.er_by_reach[ptype] * rng.lognormal(0, 0.25), 0.5)
                engaged = int(rng.binomial(reach, er))
                likes, comments, shares_n, saves = rng.multinomial(engaged, _SPLIT[ptype])
                ctr = min(sc.ctr_by_reach[ptype] * rng.lognormal(0, 0.25), 0.2)
                clicks = int(rng.binomial(reach, ctr))
                post_counter += 1
                posts.append((
                    post_counter, network, d + rng.uniform(10 / 24, 20 / 24), str(ptype),
                    str(rng.choice(POST_TITLES[str(ptype)])), impressions, reach,
                    int(likes), int(comments), int(shares_n), int(saves), clicks,
                ))
            years = d / 365.25
            gained = rng.poisson(sc.daily_gain_rate * f0 * (1 + 0.3 * years))
            rate = sc.base_unfollow_rate + sc.unfollow_per_promo_post * n_promo + sc.unfollow_per_other_post * (k - n_promo)
            lost = rng.binomial(int(followers), min(rate, 0.5))
            followers = followers + gained - lost
            rows_f[d] = (int(followers), gained, lost)
        follows.append(pl.DataFrame({
            "network": network, "channel_id": "social_media",
            "day": pl.date_range(cal.start, cal.end, "1d", eager=True),
            "followers": rows_f[:, 0], "gained": rows_f[:, 1], "lost": rows_f[:, 2],
        }))
    post_frame = pl.DataFrame(
        posts,
        schema=["post_id", "network", "t", "post_type", "title", "impressions", "reach", "likes",
                "comments", "shares", "saves", "clicks"],
        orient="row",
    ).with_columns(channel_id=pl.lit("social_media"))
    return post_frame, pl.concat(follows)


def email_sends(
    company: Company, cal: Calendar, customer_first_t: np.ndarray, rng: np.random.Generator, factor: float
) -> pl.DataFrame:
    """Weekly digest, twice-monthly promo mailings and a weekly welcome batch."""
    ec = company.email
    n_days = cal.n_days
    new_customers = np.bincount(np.floor(customer_first_t).astype(np.int64), minlength=n_days)[:n_days]
    optins = rng.binomial(new_customers, ec.optin_share)
    subscribers = 1500.0 * factor
    rows = []
    welcome_pending = 0
    for d in range(n_days):
        subscribers += optins[d]
        welcome_pending += optins[d]
        weekday = d % 7  # 0 = Monday
        date = cal.start + dt.timedelta(days=d)
        kinds = []
        if weekday == 3:
            kinds.append("digest")
        if weekday == 1 and (date.day <= 7 or 15 <= date.day <= 21):
            kinds.append("promo")
        if weekday == 0 and welcome_pending:
            kinds.append("welcome")
        for kind in kinds:
            audience = welcome_pending if kind == "welcome" else int(subscribers)
            if kind == "welcome":
                welcome_pending = 0
            delivered = int(rng.binomial(audience, rng.uniform(0.96, 0.985)))
            open_rate = min(ec.open_rate[kind] * rng.lognormal(0, 0.08), 0.95)
            opens = int(rng.binomial(delivered, open_rate))
            clicks = int(rng.binomial(opens, min(ec.click_rate[kind] / open_rate, 1.0)))
            unsubs = int(rng.binomial(delivered, ec.unsubscribe_rate[kind]))
            subscribers -= unsubs
            rows.append((
                f"newsletter_{kind}", d + 10 / 24 + rng.uniform(0, 0.02), str(rng.choice(EMAIL_SUBJECTS[kind])),
                delivered, opens, clicks, unsubs,
            ))
    frame = pl.DataFrame(
        rows, schema=["campaign_id", "t", "subject", "delivered", "unique_opens", "unique_clicks", "unsubscribes"],
        orient="row",
    )
    return frame.with_columns(channel_id=pl.lit("newsletter"), send_id=pl.int_range(1, frame.height + 1, dtype=pl.Int64))
