"""Customers, their orders, complaints, survey answers, reviews and referrals.

Leads convert into customers; each customer buys repeatedly (rate ~ Gamma,
drop-out after each purchase ~ Beta, scaled by the customer's attitude class) until
they drop out or the data ends. Complaints resolved late raise the drop-out and
turn customers into detractors; promoters refer friends, whose leads come in
through the referral channel and start the next generation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from connectors.demo.company import CONVERSION, SEGMENTS, Company
from connectors.demo.marketing import Calendar

CLASSES = ("promoter", "passive", "detractor")
TOUCHPOINTS = ("store", "website", "delivery", "call_center", "assembly")
REVIEW_SOURCES = ("yandex_maps", "2gis", "otzovik", "google_maps", "vk", "brand_monitoring")
REVIEW_SOURCE_SHARES = (0.35, 0.25, 0.10, 0.10, 0.12, 0.08)
COMPLAINT_TOPICS = ("delivery_delay", "damaged_item", "wrong_item", "assembly", "refund", "staff")

_NPS_SCORES = {
    0: ([10, 9], [0.55, 0.45]),
    1: ([8, 7], [0.55, 0.45]),
    2: ([6, 5, 4, 3, 2, 1, 0], [0.30, 0.22, 0.15, 0.12, 0.08, 0.06, 0.07]),
}
_RATINGS = {
    0: ([5, 4], [0.75, 0.25]),
    1: ([5, 4, 3], [0.15, 0.50, 0.35]),
    2: ([3, 2, 1], [0.25, 0.30, 0.45]),
}


@dataclass
class Population:
    """Arrays collected over all generations (temporary customer indices)."""

    customers: list[pl.DataFrame] = field(default_factory=list)
    leads: list[pl.DataFrame] = field(default_factory=list)
    orders: list[pl.DataFrame] = field(default_factory=list)
    complaints: list[pl.DataFrame] = field(default_factory=list)
    nps: list[pl.DataFrame] = field(default_factory=list)
    reviews: list[pl.DataFrame] = field(default_factory=list)
    referrals: list[pl.DataFrame] = field(default_factory=list)


class _Seasons:
    """For each day: is it in a season, and where the next season window starts."""

    def __init__(self, cal: Calendar, seasons: dict[str, list[int]]):
        horizon = cal.n_days + 800
        days = np.arange(horizon)
        months = cal.months(days)
        self.names = list(seasons)
        self.in_season = np.zeros((len(seasons), horizon), dtype=bool)
        self.next_start = np.zeros((len(seasons), horizon), dtype=np.int64)
        self.length = np.zeros(len(seasons))
        for i, name in enumerate(self.names):
            mask = np.isin(months, seasons[name])
            self.in_season[i] = mask
            starts = np.flatnonzero(mask & ~np.r_[False, mask[:-1]])
            idx = np.searchsorted(starts, days)
            nxt = np.where(idx < starts.size, starts[np.minimum(idx, starts.size - 1)], horizon + 10_000)
            self.next_start[i] = nxt
            self.length[i] = 30.4 * len(seasons[name])
        self.horizon = horizon

    def adjust(self, t: np.ndarray, season: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Move purchase times of seasonal customers into their next season window."""
        out = t.copy()
        sel = season >= 0
        if not sel.any():
            return out
        tt = np.minimum(t[sel], self.horizon - 1)
        d = tt.astype(np.int64)
        s = season[sel]
        inside = self.in_season[s, d]
        moved = self.next_start[s, d] + rng.uniform(0, 1, d.size) * self.length[s]
        out[sel] = np.where(inside, t[sel], moved)
        return out


def _fast_share(company: Company, cal: Calendar, t: np.ndarray) -> np.ndarray:
    sv = company.service
    frac = np.clip(t / cal.n_days, 0, 1)
    return sv.fast_share_start + (sv.fast_share_end - sv.fast_share_start) * frac


def _choice(rng: np.random.Generator, options_by_class: dict, cls: np.ndarray) -> np.ndarray:
    out = np.empty(cls.size, dtype=np.int64)
    for c, (values, probs) in options_by_class.items():
        sel = cls == c
        if sel.any():
            out[sel] = rng.choice(values, size=int(sel.sum()), p=probs)
    return out


def simulate(company: Company, cal: Calendar, leads0: pl.DataFrame, rng: np.random.Generator) -> Population:
    """Run every generation: leads -> customers -> orders (+ service events) -> referrals."""
    pop = Population()
    seasons = _Seasons(cal, company.customers.seasons)
    gen_leads = leads0.with_columns(referrer=pl.lit(-1, dtype=pl.Int64), generation=pl.lit(0, dtype=pl.Int64))
    next_customer = 0
    for generation in range(company.referrals.max_generations + 1):
        if gen_leads.height == 0:
            break
        gen_leads, customers = _convert(company, cal, gen_leads, next_customer, rng, referred=generation > 0)
        next_customer += customers.height
        pop.leads.append(gen_leads)
        if customers.height == 0:
            break
        death_t = _purchases(company, cal, customers, seasons, rng, pop)
        customers = customers.with_columns(death_t=pl.Series(death_t))
        pop.customers.append(customers)
        gen_leads = _referral_leads(company, cal, customers, rng, generation + 1)
    return pop


def _convert(
    company: Company, cal: Calendar, leads: pl.DataFrame, first_index: int, rng: np.random.Generator,
    *, referred: bool,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    n = leads.height
    p = leads["channel_id"].replace_strict(CONVERSION, return_dtype=pl.Float64).to_numpy()
    t = leads["t"].to_numpy()
    delay = rng.geometric(0.25, n) - 1 + rng.random(n)
    first_t = np.floor(t + delay) + rng.uniform(9 / 24, 22 / 24, n)
    first_t = np.maximum(first_t, t + 0.01)
    converted = (rng.random(n) < p) & (first_t < cal.n_days)
    k = int(converted.sum())
    idx = np.full(n, -1, dtype=np.int64)
    idx[converted] = np.arange(first_index, first_index + k)
    leads = leads.with_columns(customer=pl.Series(idx), first_t=pl.Series(np.where(converted, first_t, np.nan)))
    cc = company.customers
    shares = cc.referred_class_shares if referred else cc.class_shares
    cls = rng.choice(3, size=k, p=[shares[c] for c in CLASSES])
    segment = np.where(rng.random(k) < SEGMENTS["trade"], "trade", "retail")
    seasonal = rng.random(k) < (0.0 if referred else cc.seasonal_share)
    season = np.where(seasonal, rng.integers(0, len(cc.seasons), k), -1)
    lam = rng.gamma(cc.r, 1.0 / cc.alpha, k) / 7.0  # per day
    p_drop = rng.beta(cc.a, cc.b, k)
    nu = rng.gamma(cc.q_value, 1.0 / cc.gamma_value, k)
    conv = leads.filter(pl.col("customer") >= 0)
    customers = pl.DataFrame({
        "customer": idx[converted],
        "first_t": first_t[converted],
        "channel_id": conv["channel_id"],
        "region": conv["region"],
        "segment": segment,
        "cls": cls,
        "season": season,
        "lam": lam,
        "p_drop": p_drop,
        "nu": nu,
        "referrer": conv["referrer"],
        "generation": conv["generation"],
    })
    return leads, customers


def _purchases(
    company: Company, cal: Calendar, customers: pl.DataFrame, seasons: _Seasons,
    rng: np.random.Generator, pop: Population,
) -> np.ndarray:
    cc, sv, vc = company.customers, company.service, company.voice
    n = customers.height
    cust = customers["customer"].to_numpy()
    cls0 = customers["cls"].to_numpy()
    cls = cls0.copy()
    season = customers["season"].to_numpy()
    lam = customers["lam"].to_numpy()
    p_base = customers["p_drop"].to_numpy()
    nu = customers["nu"].to_numpy()
    trade = (customers["segment"] == "trade").to_numpy()
    region = customers["region"].to_numpy()
    mult = np.array([cc.dropout_multiplier[c] for c in CLASSES])[cls0]
    mult = np.where(season >= 0, mult * cc.seasonal_dropout_multiplier, mult)
    death = np.full(n, np.inf)
    t = customers["first_t"].to_numpy().copy()
    active = np.arange(n)
    rate_complaint = np.array([sv.complaint_rate[c] for c in CLASSES])
    rate_review = np.array([vc.review_rate[c] for c in CLASSES])
    horizon = cal.n_days
    rounds = 0
    while active.size and rounds < 2000:
        rounds += 1
        ta = t[active]
        m = active.size
        value = rng.gamma(cc.p_value, 1.0 / nu[active]) * np.where(trade[active], cc.trade_value_multiplier, 1.0)
        revenue = np.maximum(np.round(value / 10.0) * 10.0 - 10.0, 190.0)
        cogs = np.round(revenue * rng.uniform(cc.cogs_share_low, cc.cogs_share_high, m), 2)
        pop.orders.append(pl.DataFrame({"customer": cust[active], "t": ta, "revenue": revenue, "cost_of_goods": cogs}))

        # complaints about this order
        c_now = cls[active]
        has_c = rng.random(m) < rate_complaint[c_now]
        opened = ta + rng.exponential(4.0, m)
        has_c &= opened < horizon
        ci = np.flatnonzero(has_c)
        slow = np.zeros(m, dtype=bool)
        if ci.size:
            op = opened[ci]
            fast = rng.random(ci.size) < _fast_share(company, cal, op)
            hours = np.where(
                fast, rng.uniform(2.0, sv.standard_hours - 1.0, ci.size),
                sv.standard_hours + rng.lognormal(np.log(96.0), 0.8, ci.size),
            )
            resolved = op + hours / 24.0
            unresolved = resolved >= horizon
            first_resp = op + np.minimum(rng.lognormal(np.log(5.0), 0.8, ci.size), hours) / 24.0
            satisfied = np.where(fast, rng.random(ci.size) < sv.satisfied_fast, rng.random(ci.size) < sv.satisfied_slow)
            pop.complaints.append(pl.DataFrame({
                "customer": cust[active[ci]], "opened_t": op,
                "first_response_t": np.where(first_resp < horizon, first_resp, np.nan),
                "resolved_t": np.where(unresolved, np.nan, resolved),
                "satisfied": pl.Series(satisfied).set(pl.Series(unresolved), None),
                "fast": fast, "region": region[active[ci]],
                "topic": rng.choice(COMPLAINT_TOPICS, ci.size),
            }))
            slow[ci] = ~fast
            sidx = active[ci[~fast]]
            mult[sidx] = np.minimum(mult[sidx] * sv.slow_dropout_multiplier, 8.0)
            turn = rng.random(sidx.size) < sv.slow_to_detractor
            cls[sidx[turn]] = 2

        # survey answer and public review about this order (after any complaint)
        c_after = cls[active]
        noisy = np.where(rng.random(m) < 0.1, rng.integers(0, 3, m), c_after)
        surveyed = rng.random(m) < vc.nps_survey_rate
        resp_t = ta + rng.uniform(1.0, 7.0, m)
        surveyed &= resp_t < horizon
        si = np.flatnonzero(surveyed)
        if si.size:
            pop.nps.append(pl.DataFrame({
                "customer": cust[active[si]], "t": resp_t[si], "cls": c_after[si],
                "score": _choice(rng, _NPS_SCORES, noisy[si]), "region": region[active[si]],
            }))
        reviewed = rng.random(m) < rate_review[c_after]
        rev_t = ta + rng.uniform(1.0, 10.0, m)
        reviewed &= rev_t < horizon
        ri = np.flatnonzero(reviewed)
        if ri.size:
            pop.reviews.append(pl.DataFrame({
                "customer": cust[active[ri]], "t": rev_t[ri], "cls": c_after[ri],
                "rating": _choice(rng, _RATINGS, noisy[ri]), "region": region[active[ri]],
            }))

        # drop out, or buy again
        p_eff = np.minimum(p_base[active] * mult[active], 0.95)
        dies = rng.random(m) < p_eff
        death[active[dies]] = ta[dies]
        gap = rng.exponential(1.0, m) / lam[active]
        t_next = np.floor(ta + np.maximum(gap, 1.0)) + rng.uniform(9 / 24, 22 / 24, m)
        t_next = seasons.adjust(t_next, season[active], rng)
        keep = ~dies & (t_next < horizon)
        t[active[keep]] = t_next[keep]
        active = active[keep]
    return death


def _referral_leads(
    company: Company, cal: Calendar, customers: pl.DataFrame, rng: np.random.Generator, generation: int
) -> pl.DataFrame:
    rates = np.array([company.referrals.weekly_rate[c] for c in CLASSES])[customers["cls"].to_numpy()] / 7.0
    start = customers["first_t"].to_numpy()
    stop = np.minimum(customers["death_t"].to_numpy(), cal.n_days)
    span = np.maximum(stop - start, 0.0)
    counts = rng.poisson(rates * span)
    who = np.repeat(np.arange(customers.height), counts)
    t = start[who] + rng.random(who.size) * span[who]
    return pl.DataFrame({
        "t": t,
        "channel_id": "referral",
        "region": customers["region"].to_numpy()[who],
        "campaign_id": pl.Series([None] * who.size, dtype=pl.String),
        "referrer": customers["customer"].to_numpy()[who],
        "generation": np.full(who.size, generation, dtype=np.int64),
    }).with_columns(campaign_id=pl.lit("referral_program"))
