"""Spend with flighting and seasonality, and leads through carry-over + saturation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from connectors.demo.company import (
    CHANNELS, HALO_CURVES, HALO_LEAD_SOURCE, OTHER_WEEKLY_SPEND, REGIONAL_CHANNELS, REGIONS, SALES_CURVES,
    Company,
)

REGION_SLUG = {"Москва": "msk", "Красногорск": "krasnogorsk", "Тверь": "tver"}
_CHANNEL_RU = {c[0]: c[2] for c in CHANNELS}
_SHORT_RU = {
    "search_ads": "Поиск", "social_ads": "VK Реклама", "display": "Медийка", "retargeting": "Ретаргетинг",
    "direct_mail": "Листовки", "promotions": "Акции",
}
NATIONAL_CAMPAIGNS = {
    "pr": [("pr_media", "Публикации в СМИ и блогах")],
    "sponsorship": [("sponsor_city", "Спонсорство городских событий")],
    "customer_care": [("care_team", "Служба заботы о клиентах")],
    "gifts": [("gifts_holidays", "Поздравления и подарки клиентам")],
    "social_media": [("social_vk", "Сообщество ВКонтакте"), ("social_telegram", "Канал в Telegram"),
                     ("social_ok", "Группа в Одноклассниках")],
    "newsletter": [("newsletter_digest", "Еженедельный дайджест"), ("newsletter_promo", "Акционные письма"),
                   ("newsletter_welcome", "Приветственная серия")],
    "referral": [("referral_program", "Программа «Приведи друга»")],
    "events": [("events_workshops", "Мастер-классы по декору")],
}
NATIONAL_SHARES = {"social_media": [0.6, 0.25, 0.15], "newsletter": [0.5, 0.3, 0.2]}


@dataclass
class Calendar:
    start: dt.date
    end: dt.date

    @property
    def n_days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def n_weeks(self) -> int:
        return (self.n_days + 6) // 7

    def days(self) -> np.ndarray:
        return np.arange(self.n_days)

    def day_of_year(self, day_index: np.ndarray) -> np.ndarray:
        start_doy = self.start.timetuple().tm_yday
        return (start_doy - 1 + day_index) % 365.25 + 1

    def months(self, day_index: np.ndarray) -> np.ndarray:
        dates = np.datetime64(self.start) + day_index.astype("timedelta64[D]")
        return dates.astype("datetime64[M]").astype(int) % 12 + 1


def season_shape(company: Company, doy: np.ndarray) -> np.ndarray:
    b = company.baseline
    return (
        b.a1 * np.cos(2 * np.pi * (doy - b.p1) / 365.25)
        + b.a2 * np.cos(4 * np.pi * (doy - b.p2) / 365.25)
    )


def adstock(x: np.ndarray, theta: float) -> np.ndarray:
    out = np.empty_like(x, dtype=float)
    carry = 0.0
    for i, v in enumerate(x):
        carry = v + theta * carry
        out[i] = carry
    return out


def hill(a: np.ndarray, kappa: float, s: float) -> np.ndarray:
    a = np.maximum(a, 0.0)
    return a**s / (a**s + kappa**s)


def campaigns_frame(company: Company) -> pl.DataFrame:
    rows = []
    for ch in REGIONAL_CHANNELS:
        for region, slug in REGION_SLUG.items():
            rows.append((f"{ch}_{slug}", ch, f"{_SHORT_RU[ch]} · {region}", region))
    for ch, items in NATIONAL_CAMPAIGNS.items():
        for cid, name in items:
            rows.append((cid, ch, name, None))
    return pl.DataFrame(
        {
            "campaign_id": [r[0] for r in rows],
            "channel_id": [r[1] for r in rows],
            "name": [r[2] for r in rows],
            "region": [r[3] for r in rows],
            "start_date": [company.start] * len(rows),
            "end_date": [None] * len(rows),
        },
        schema_overrides={"end_date": pl.Date, "region": pl.String},
    )


def channels_frame() -> pl.DataFrame:
    return pl.DataFrame(
        [dict(zip(("channel_id", "name", "name_ru", "pillar", "kind"), c)) for c in CHANNELS]
    )


def _flight_levels(rng: np.random.Generator, n_weeks: int, levels: list[float]) -> np.ndarray:
    out = np.empty(n_weeks)
    w = 0
    while w < n_weeks:
        length = int(rng.integers(2, 8))
        out[w : w + length] = levels[int(rng.integers(0, len(levels)))]
        w += length
    return out


def _promo_calendar(cal: Calendar) -> np.ndarray:
    """Weekly level of promotions: spikes around the retail calendar."""
    level = np.full(cal.n_weeks, 0.6)
    week_start = np.datetime64(cal.start) + (np.arange(cal.n_weeks) * 7).astype("timedelta64[D]")
    months = week_start.astype("datetime64[M]").astype(int) % 12 + 1
    dom = (week_start - week_start.astype("datetime64[M]")).astype(int) + 1
    spikes = (
        ((months == 11) & (dom >= 22))  # Black Friday
        | ((months == 12) & (dom >= 8) & (dom <= 28))  # New Year
        | ((months == 3) & (dom <= 8))  # 8 March
        | ((months == 4) & (dom >= 10) & (dom <= 24))  # spring sale
        | ((months == 8) & (dom >= 18))  # back to school
    )
    level[spikes] = 3.0
    return level


def weekly_spend(company: Company, cal: Calendar, rng: np.random.Generator, factor: float) -> dict[str, np.ndarray]:
    """Planned weekly spend per channel (roubles), before splitting into days and campaigns."""
    weeks = np.arange(cal.n_weeks)
    doy = cal.day_of_year(weeks * 7 + 3)
    season = 1 + 0.8 * season_shape(company, doy)
    out: dict[str, np.ndarray] = {}
    for ch, curve in SALES_CURVES.items():
        if ch == "display":
            level = _flight_levels(rng, cal.n_weeks, [0.0, 0.0, 0.8, 1.5, 2.2])
        elif ch == "direct_mail":
            week_start = np.datetime64(cal.start) + (weeks * 7).astype("timedelta64[D]")
            dom = (week_start - week_start.astype("datetime64[M]")).astype(int) + 1
            level = np.where(dom <= 7, 3.2, 0.15) * _flight_levels(rng, cal.n_weeks, [0.5, 1.0, 1.5])
        elif ch == "promotions":
            level = _promo_calendar(cal) * _flight_levels(rng, cal.n_weeks, [0.7, 1.0, 1.3])
        else:
            level = _flight_levels(rng, cal.n_weeks, [0.3, 0.6, 1.0, 1.4, 1.9])
        noise = rng.lognormal(0.0, 0.12, cal.n_weeks)
        out[ch] = curve.weekly_spend * factor * level * season * noise
    for ch, base in OTHER_WEEKLY_SPEND.items():
        if ch in ("pr", "sponsorship", "events"):
            level = _flight_levels(rng, cal.n_weeks, [0.2, 0.6, 1.0, 1.6, 2.0])
        elif ch == "gifts":
            week_start = np.datetime64(cal.start) + (weeks * 7).astype("timedelta64[D]")
            months = week_start.astype("datetime64[M]").astype(int) % 12 + 1
            level = np.where(months == 12, 3.0, 0.8)
        else:
            level = np.ones(cal.n_weeks)
        noise = rng.lognormal(0.0, 0.08, cal.n_weeks)
        out[ch] = base * factor * level * noise
    return out


_WEEKDAY = {
    "default": np.array([1.1, 1.1, 1.05, 1.05, 1.0, 0.85, 0.85]),
    "direct_mail": np.array([3.0, 1.0, 0.5, 0.5, 0.5, 0.2, 0.2]),
}


def daily_spend(
    company: Company, cal: Calendar, planned: dict[str, np.ndarray], campaigns: pl.DataFrame,
    rng: np.random.Generator, factor: float,
) -> pl.DataFrame:
    """Daily spend by campaign; regional channels are split across the three cities."""
    n_days = cal.n_days
    day_idx = np.arange(n_days)
    week_idx = day_idx // 7
    weekday = day_idx % 7  # START is a Monday
    frames = []
    region_names = list(REGION_SLUG)
    region_shares = np.array([REGIONS[r] for r in region_names])
    for ch, weekly in planned.items():
        wd = _WEEKDAY.get(ch, _WEEKDAY["default"])
        daily = weekly[week_idx] * wd[weekday] / wd.sum() * rng.lognormal(0.0, 0.05, n_days)
        camp = campaigns.filter(pl.col("channel_id") == ch).sort("campaign_id")
        if ch in REGIONAL_CHANNELS:
            shares = region_shares[None, :] * rng.lognormal(0.0, 0.1, (n_days, 3))
            shares /= shares.sum(1, keepdims=True)
            ids = [f"{ch}_{REGION_SLUG[r]}" for r in region_names]
            regions = region_names
        else:
            ids = [cid for cid, _ in NATIONAL_CAMPAIGNS[ch]]
            base = np.array(NATIONAL_SHARES.get(ch, [1.0] * len(ids)), dtype=float)
            shares = np.tile(base / base.sum(), (n_days, 1))
            regions = [None] * len(ids)
        assert set(ids) == set(camp["campaign_id"].to_list())
        for j, cid in enumerate(ids):
            amount = np.round(daily * shares[:, j], 2)
            frame = pl.DataFrame({
                "day": pl.date_range(cal.start, cal.end, "1d", eager=True),
                "campaign_id": cid, "channel_id": ch, "region": regions[j], "amount": amount,
            }, schema_overrides={"region": pl.String})
            frames.append(frame)
    spend = pl.concat(frames)
    # impressions and clicks for the digital and print channels
    cpm = {"search_ads": 250.0, "social_ads": 120.0, "display": 90.0, "retargeting": 160.0, "direct_mail": 9000.0}
    ctr = {"search_ads": 0.06, "social_ads": 0.009, "display": 0.003, "retargeting": 0.012, "direct_mail": 0.0}
    imp = pl.col("channel_id").replace_strict(cpm, default=None, return_dtype=pl.Float64)
    spend = spend.with_columns(
        impressions=(pl.col("amount") / imp * 1000).round(0).cast(pl.Int64),
    ).with_columns(
        clicks=(pl.col("impressions") * pl.col("channel_id").replace_strict(ctr, default=None, return_dtype=pl.Float64))
        .round(0).cast(pl.Int64),
    ).with_columns(
        impressions=pl.when(pl.col("channel_id") == "direct_mail").then(
            (pl.col("amount") / 9.0).round(0).cast(pl.Int64)  # pieces mailed (9 roubles each)
        ).otherwise(pl.col("impressions")),
        clicks=pl.when(pl.col("channel_id") == "direct_mail").then(None).otherwise(pl.col("clicks")),
    )
    return spend.filter(pl.col("amount") > 0).sort("day", "campaign_id")


def realised_weekly(spend: pl.DataFrame, cal: Calendar) -> dict[str, np.ndarray]:
    """Weekly spend per channel as actually booked (the last week may be partial)."""
    weekly = (
        spend.with_columns(week=((pl.col("day") - pl.lit(cal.start)).dt.total_days() // 7).cast(pl.Int64))
        .group_by("channel_id", "week")
        .agg(pl.col("amount").sum())
    )
    out = {}
    for ch in spend["channel_id"].unique().sort().to_list():
        arr = np.zeros(cal.n_weeks)
        part = weekly.filter(pl.col("channel_id") == ch)
        arr[part["week"].to_numpy()] = part["amount"].to_numpy()
        out[ch] = arr
    return out


def expected_weekly_leads(company: Company, cal: Calendar, weekly: dict[str, np.ndarray], factor: float) -> dict[str, np.ndarray]:
    out = curve_leads(SALES_CURVES, weekly, factor)
    weeks = np.arange(cal.n_weeks)
    b = company.baseline
    years = weeks * 7 / 365.25
    doy = cal.day_of_year(weeks * 7 + 3)
    days_in_week = np.minimum(7, cal.n_days - weeks * 7) / 7
    out["direct"] = b.level * factor * (1 + b.trend_per_year * years) * (1 + season_shape(company, doy)) * days_in_week
    return out


def curve_leads(curves: dict, weekly: dict[str, np.ndarray], factor: float) -> dict[str, np.ndarray]:
    """Expected weekly leads of each channel of ``curves``: beta * hill(adstock(spend)), money at the demo's scale."""
    return {
        ch: curve.beta * factor * hill(adstock(weekly[ch], curve.theta), curve.kappa * factor, curve.s)
        for ch, curve in curves.items()
    }


def expected_weekly_halo_leads(weekly: dict[str, np.ndarray], factor: float) -> dict[str, np.ndarray]:
    """Expected weekly leads that reputation and communication spend brings (``HALO_CURVES``), by that channel."""
    return curve_leads(HALO_CURVES, weekly, factor)


def draw_leads(
    cal: Calendar, expected: dict[str, np.ndarray], spend: pl.DataFrame, rng: np.random.Generator,
    halo: dict[str, np.ndarray] | None = None,
) -> pl.DataFrame:
    """Leads by source channel: Poisson weekly counts placed on days in proportion to spend.

    ``halo`` (expected weekly leads by reputation or communication channel) is drawn after every channel of
    ``expected``, so the draws before it are the same with or without it; those leads are recorded with lead
    source ``direct``: the people come to the shop directly and no click names the channel that brought them.
    """
    region_names = list(REGION_SLUG)
    n_days = cal.n_days
    out = []
    sources = [(ch, ch, lam) for ch, lam in expected.items()]
    sources += [(ch, HALO_LEAD_SOURCE, lam) for ch, lam in (halo or {}).items()]
    for ch, recorded, lam in sources:
        counts = rng.poisson(lam)
        week = np.repeat(np.arange(cal.n_weeks), counts)
        if ch in REGIONAL_CHANNELS:
            by_day = (
                spend.filter(pl.col("channel_id") == ch)
                .with_columns(d=(pl.col("day") - pl.lit(cal.start)).dt.total_days().cast(pl.Int64))
                .pivot(on="region", index="d", values="amount", aggregate_function="sum")
                .sort("d")
            )
            mat = np.zeros((n_days, 3))
            for j, r in enumerate(region_names):
                if r in by_day.columns:
                    mat[by_day["d"].to_numpy(), j] = by_day[r].fill_null(0).to_numpy()
        else:
            mat = np.tile(np.array([REGIONS[r] for r in region_names]), (n_days, 1))
        mat = np.vstack([mat, np.zeros((cal.n_weeks * 7 - n_days, 3))])
        day_weight = mat.sum(1).reshape(cal.n_weeks, 7)
        day_weight = np.where(day_weight.sum(1, keepdims=True) > 0, day_weight, np.r_[np.ones(7)][None, :])
        day_weight[-1, n_days - (cal.n_weeks - 1) * 7 :] = 0.0
        cdf = np.cumsum(day_weight, 1)
        cdf /= cdf[:, -1:]
        u = rng.random(week.size)
        wd = (u[:, None] > cdf[week]).sum(1)
        day = week * 7 + wd
        rmat = mat[day]
        rsum = rmat.sum(1, keepdims=True)
        rmat = np.where(rsum > 0, rmat / np.where(rsum > 0, rsum, 1), 1 / 3)
        rcdf = np.cumsum(rmat, 1)
        region_idx = (rng.random(day.size)[:, None] > rcdf).sum(1).clip(0, 2)
        t = day + rng.uniform(8 / 24, 23 / 24, day.size)
        out.append(pl.DataFrame({
            "t": t, "channel_id": recorded, "region_idx": region_idx.astype(np.int64),
        }))
    leads = pl.concat(out)
    leads = leads.with_columns(
        region=pl.col("region_idx").replace_strict(dict(enumerate(region_names)), return_dtype=pl.String)
    )
    leads = leads.with_columns(
        campaign_id=pl.when(pl.col("channel_id").is_in(list(REGIONAL_CHANNELS)))
        .then(pl.col("channel_id") + "_" + pl.col("region").replace_strict(REGION_SLUG))
        .otherwise(None)
    )
    return leads.drop("region_idx")


__all__ = [
    "Calendar", "adstock", "hill", "campaigns_frame", "channels_frame", "weekly_spend", "daily_spend",
    "realised_weekly", "expected_weekly_leads", "expected_weekly_halo_leads", "draw_leads", "season_shape", "_CHANNEL_RU",
]
