"""Touchpoint journeys: several touches across channels before each lead, and
anonymous journeys that never convert.

A lead's journey starts with the channel that caused it (its source) and usually
ends with a 'closing' touch — retargeting, a direct visit, a brand search — so
last-touch attribution over-credits the closers and under-credits the upper
funnel. Anonymous journeys, heavy in retargeting, never convert.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from connectors.demo.company import CHANNELS, REGIONAL_CHANNELS, Company
from connectors.demo.marketing import NATIONAL_CAMPAIGNS, NATIONAL_SHARES, REGION_SLUG


def _pick(rng: np.random.Generator, dist: dict[str, float], size: int, codes: dict[str, int]) -> np.ndarray:
    names = list(dist)
    probs = np.array([dist[n] for n in names], dtype=float)
    lookup = np.array([codes[n] for n in names], dtype=np.int16)
    return lookup[rng.choice(len(names), size=size, p=probs / probs.sum())]


def _campaign_expr() -> pl.Expr:
    national = pl.lit(None, dtype=pl.String)
    expr = pl.when(pl.col("channel_id").is_in(list(REGIONAL_CHANNELS))).then(
        pl.col("channel_id").cast(pl.String) + "_" + pl.col("region").cast(pl.String).replace_strict(REGION_SLUG)
    )
    for ch, items in NATIONAL_CAMPAIGNS.items():
        ids = [cid for cid, _ in items]
        shares = NATIONAL_SHARES.get(ch, [1.0] * len(ids))
        cum = np.cumsum(np.array(shares) / sum(shares))
        inner = pl.when(pl.col("u") < cum[0]).then(pl.lit(ids[0]))
        for cid, c in zip(ids[1:], cum[1:]):
            inner = inner.when(pl.col("u") < c).then(pl.lit(cid))
        expr = expr.when(pl.col("channel_id") == ch).then(inner.otherwise(pl.lit(ids[-1])))
    return expr.otherwise(national)


def build_touchpoints(company: Company, leads: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Touches for every lead (journey_id = lead's journey) plus anonymous null journeys.

    ``leads`` needs: journey_id, t (days since start), channel_id, region, customer_id.
    Returns touch rows with t in days since start (touches before the data start dropped).
    """
    jc = company.journeys
    names = [c[0] for c in CHANNELS]
    codes = {n: i for i, n in enumerate(names)}
    channel_enum = pl.Enum(names)
    n_leads = leads.height
    src = leads["channel_id"].replace_strict(codes, return_dtype=pl.Int16).to_numpy()
    extra_by_code = np.array([jc.extra_touches.get(n, 1.0) for n in names])
    days_by_code = np.array([jc.days_to_lead.get(n, 5.0) for n in names])
    nulls_by_code = np.array([jc.null_journeys_per_lead.get(n, 1.0) for n in names])
    region_names = list(REGION_SLUG)
    region_code = leads["region"].replace_strict({r: i for i, r in enumerate(region_names)}, return_dtype=pl.Int8).to_numpy()
    region_enum = pl.Enum(region_names)

    n = 1 + np.minimum(rng.poisson(extra_by_code[src]), 14)
    mean_days = days_by_code[src]
    d = rng.gamma(1.2, mean_days / 1.2)
    t_lead = leads["t"].to_numpy()
    first = t_lead - d
    last = t_lead - np.minimum(rng.uniform(0.01, 0.5, n_leads), d * 0.5)
    total = int(n.sum())
    j = np.repeat(np.arange(n_leads), n)
    pos = np.arange(total) - np.repeat(np.cumsum(n) - n, n)
    nj = n[j]
    frac = np.where(nj > 1, (pos + rng.uniform(-0.4, 0.4, total)) / np.maximum(nj - 1, 1), 0.0)
    frac = np.where(pos == 0, 0.0, np.where(pos == nj - 1, 1.0, np.clip(frac, 0.0, 1.0)))
    ts = first[j] + (last[j] - first[j]) * frac
    del frac
    ch = np.empty(total, dtype=np.int16)
    ch[pos == 0] = src[j[pos == 0]]
    is_last = (pos == nj - 1) & (nj > 1)
    ch[is_last] = _pick(rng, jc.closers, int(is_last.sum()), codes)
    mid = (pos > 0) & ~is_last
    ch[mid] = _pick(rng, jc.middle, int(mid.sum()), codes)
    del pos, nj, is_last, mid
    conv = pl.DataFrame({
        "journey_id": leads["journey_id"].gather(j),
        "customer_id": leads["customer_id"].gather(j).cast(pl.Int64),
        "t": ts, "ch": ch, "rg": region_code[j],
    })
    del ts, ch, j

    # anonymous journeys that never convert, around each lead's time
    m = rng.poisson(nulls_by_code[src])
    owner = np.repeat(np.arange(n_leads), m)
    n_null = owner.size
    start_t = t_lead[owner] + rng.uniform(-7.0, 7.0, n_null)
    length = 1 + np.minimum(rng.poisson(1.0, n_null), 8)
    total2 = int(length.sum())
    jj = np.repeat(np.arange(n_null), length)
    pos2 = np.arange(total2) - np.repeat(np.cumsum(length) - length, length)
    ch2 = np.empty(total2, dtype=np.int16)
    ch2[pos2 == 0] = src[owner[jj[pos2 == 0]]]
    later = pos2 > 0
    retarget = rng.random(total2) < jc.null_retargeting_share
    ch2[later & retarget] = codes["retargeting"]
    rest = later & ~retarget
    ch2[rest] = _pick(rng, jc.middle, int(rest.sum()), codes)
    ts2 = start_t[jj] + np.where(pos2 == 0, 0.0, rng.uniform(0.0, 10.0, total2))
    first_null_id = int(leads["journey_id"].max()) + 1 if n_leads else 1
    nulls = pl.DataFrame({
        "journey_id": first_null_id + jj.astype(np.int64),
        "customer_id": pl.Series([None] * total2, dtype=pl.Int64),
        "t": ts2, "ch": ch2, "rg": region_code[owner[jj]],
    })
    del jj, pos2, ch2, ts2, later, retarget, rest
    decode = {
        "channel_id": pl.col("ch").replace_strict(dict(enumerate(names)), return_dtype=channel_enum),
        "region": pl.col("rg").replace_strict(dict(enumerate(region_names)), return_dtype=region_enum),
    }
    conv = conv.with_columns(**decode).drop("ch", "rg")
    nulls = nulls.with_columns(**decode).drop("ch", "rg")
    touches = pl.concat([conv, nulls])
    horizon = (company.end - company.start).days + 1
    touches = touches.filter((pl.col("t") >= 0) & (pl.col("t") < horizon))
    touches = touches.with_columns(u=pl.Series(rng.random(touches.height))).with_columns(
        campaign_id=_campaign_expr()
    ).drop("u", "region").with_columns(pl.col("channel_id").cast(pl.String))
    return touches.sort("t", "journey_id")
