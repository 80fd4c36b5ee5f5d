"""The demo company: a home-goods retailer in Moscow, Krasnogorsk and Tver.

Everything here is a parameter of the simulation and is written, as is, into the
ground truth (``meta.demo_truth``) so tests can check that the metrics recover it.

Scales: ``small`` (default, builds in seconds) and ``large`` (about 1.3M customers,
10M orders, 27M touchpoints) share every rate; ``large`` multiplies volumes, spend
and half-saturation points by ``factor`` so curves keep their shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

START = dt.date(2023, 5, 1)  # a Monday
END = dt.date(2026, 10, 31)  # inclusive

REGIONS = {"Москва": 0.6, "Красногорск": 0.2, "Тверь": 0.2}
REGION_EN = {"Москва": "Moscow", "Красногорск": "Krasnogorsk", "Тверь": "Tver"}

SEGMENTS = {"retail": 0.88, "trade": 0.12}  # trade: interior designers and contractors

# (channel_id, name, name_ru, pillar, kind)
CHANNELS: tuple[tuple[str, str, str, str, str], ...] = (
    ("search_ads", "Search ads (Yandex Direct)", "Поисковая реклама (Яндекс Директ)", "sales", "paid"),
    ("social_ads", "Social ads (VK Ads)", "Реклама в соцсетях (VK Реклама)", "sales", "paid"),
    ("display", "Display & video", "Медийная и видеореклама", "sales", "paid"),
    ("retargeting", "Retargeting", "Ретаргетинг", "sales", "paid"),
    ("direct_mail", "Direct mail & flyers", "Почтовая рассылка и листовки", "sales", "paid"),
    ("promotions", "Promotions & discounts", "Акции и скидки", "sales", "owned"),
    ("direct", "Direct & organic", "Прямые заходы и органика", "sales", "earned"),
    ("pr", "PR & media", "PR и публикации в СМИ", "reputation", "earned"),
    ("sponsorship", "Sponsorship", "Спонсорство", "reputation", "paid"),
    ("customer_care", "Complaint handling & service", "Работа с жалобами и сервис", "reputation", "owned"),
    ("gifts", "Greetings & gifts", "Поздравления и подарки", "reputation", "owned"),
    ("social_media", "Social media communities", "Сообщества в соцсетях", "communication", "owned"),
    ("newsletter", "E-mail newsletter", "E-mail рассылка", "communication", "owned"),
    ("referral", "Word of mouth & referrals", "Сарафанное радио и рекомендации", "communication", "earned"),
    ("events", "Workshops & community events", "Мастер-классы и встречи", "communication", "owned"),
)
REGIONAL_CHANNELS = ("search_ads", "social_ads", "display", "retargeting", "direct_mail", "promotions")


@dataclass(frozen=True)
class ResponseCurve:
    """Weekly leads of a channel = beta * hill(adstock(spend)).

    adstock_t = spend_t + theta * adstock_{t-1};  hill(a) = a^s / (a^s + kappa^s).
    ``weekly_spend`` is the typical weekly budget around which spend is flighted.
    Money in roubles at the small scale.
    """

    theta: float
    kappa: float
    s: float
    beta: float
    weekly_spend: float


SALES_CURVES: dict[str, ResponseCurve] = {
    "search_ads": ResponseCurve(theta=0.25, kappa=40_000, s=1.3, beta=120, weekly_spend=30_000),
    "social_ads": ResponseCurve(theta=0.45, kappa=32_000, s=1.1, beta=70, weekly_spend=17_500),
    "display": ResponseCurve(theta=0.65, kappa=43_000, s=1.6, beta=55, weekly_spend=15_000),
    "retargeting": ResponseCurve(theta=0.15, kappa=12_000, s=1.0, beta=30, weekly_spend=10_000),
    "direct_mail": ResponseCurve(theta=0.50, kappa=15_000, s=1.2, beta=25, weekly_spend=7_500),
    "promotions": ResponseCurve(theta=0.10, kappa=14_000, s=1.5, beta=50, weekly_spend=12_500),
}

# Weekly budgets of the channels whose results are not leads (small scale, roubles).
OTHER_WEEKLY_SPEND = {
    "pr": 10_000, "sponsorship": 8_000, "customer_care": 12_000, "gifts": 6_000,
    "social_media": 18_000, "newsletter": 5_000, "referral": 4_000, "events": 7_000,
}

# The halo: reputation and communication spend that brings leads of its own. A PR article, a sponsored city
# event, a workshop or a community post makes people come to the shop directly, so these leads are recorded
# with lead source ``direct`` (last-click cannot see the halo) and convert at the ``direct`` rate. Same form
# and scaling as ``SALES_CURVES``; ``weekly_spend`` is the channel's ``OTHER_WEEKLY_SPEND``.
HALO_CURVES: dict[str, ResponseCurve] = {
    "pr": ResponseCurve(theta=0.5, kappa=22_000, s=1.2, beta=38, weekly_spend=OTHER_WEEKLY_SPEND["pr"]),
    "sponsorship": ResponseCurve(theta=0.6, kappa=20_000, s=1.0, beta=30,
                                 weekly_spend=OTHER_WEEKLY_SPEND["sponsorship"]),
    "events": ResponseCurve(theta=0.3, kappa=10_000, s=1.3, beta=12, weekly_spend=OTHER_WEEKLY_SPEND["events"]),
    "social_media": ResponseCurve(theta=0.4, kappa=30_000, s=1.0, beta=17,
                                  weekly_spend=OTHER_WEEKLY_SPEND["social_media"]),
}
HALO_LEAD_SOURCE = "direct"

# Lead -> customer conversion by lead source channel.
CONVERSION = {
    "search_ads": 0.32, "social_ads": 0.18, "display": 0.22, "retargeting": 0.38,
    "direct_mail": 0.14, "promotions": 0.40, "direct": 0.45, "referral": 0.55,
}


@dataclass(frozen=True)
class Baseline:
    """Weekly organic ('direct') leads: level * (1 + trend * years) * season(week)."""

    level: float = 55.0
    trend_per_year: float = 0.15
    # season(day of year) = 1 + a1*cos(2*pi*(doy - p1)/365.25) + a2*cos(4*pi*(doy - p2)/365.25)
    a1: float = 0.18
    p1: float = 100.0  # spring renovation peak
    a2: float = 0.12
    p2: float = 340.0  # New Year peak


@dataclass(frozen=True)
class Customers:
    """Repeat purchases: a BG/NBD-like process with heterogeneity.

    Purchase rate per week lambda ~ Gamma(shape=r, rate=alpha); drop-out after each
    purchase p ~ Beta(a, b), multiplied by the customer's attitude class. Order
    value follows Gamma-Gamma: z ~ Gamma(p_value, rate=nu), nu ~ Gamma(q, rate=gamma).
    """

    r: float = 1.1
    alpha: float = 5.5
    a: float = 1.5
    b: float = 14.0
    class_shares: dict[str, float] = field(
        default_factory=lambda: {"promoter": 0.45, "passive": 0.33, "detractor": 0.22}
    )
    referred_class_shares: dict[str, float] = field(
        default_factory=lambda: {"promoter": 0.58, "passive": 0.30, "detractor": 0.12}
    )
    dropout_multiplier: dict[str, float] = field(
        default_factory=lambda: {"promoter": 0.6, "passive": 1.0, "detractor": 1.7}
    )
    p_value: float = 5.0
    q_value: float = 3.5
    gamma_value: float = 2000.0
    trade_value_multiplier: float = 2.2
    cogs_share_low: float = 0.55
    cogs_share_high: float = 0.65
    seasonal_share: float = 0.07
    seasonal_dropout_multiplier: float = 0.5
    seasons: dict[str, list[int]] = field(
        default_factory=lambda: {"spring": [3, 4, 5], "winter": [11, 12]}
    )


@dataclass(frozen=True)
class Service:
    """Complaints and their effect on the customer."""

    complaint_rate: dict[str, float] = field(
        default_factory=lambda: {"promoter": 0.02, "passive": 0.035, "detractor": 0.07}
    )
    standard_hours: float = 48.0
    fast_share_start: float = 0.55  # share resolved within the standard at START
    fast_share_end: float = 0.85  # ... and at END (linear in between)
    satisfied_fast: float = 0.85
    satisfied_slow: float = 0.35
    slow_dropout_multiplier: float = 2.0
    slow_to_detractor: float = 0.6
    review_answer_standard_hours: float = 24.0


@dataclass(frozen=True)
class Voice:
    """Surveys and reviews."""

    nps_survey_rate: float = 0.10  # per order
    comment_rate: float = 0.45
    review_rate: dict[str, float] = field(
        default_factory=lambda: {"promoter": 0.02, "passive": 0.02, "detractor": 0.05}
    )
    english_share: float = 0.15
    brand_n: int = 400
    brand_trust_base: float = 0.38
    brand_trust_reputation_effect: float = 0.10  # at typical reputation spend
    brand_trust_trend_per_year: float = 0.015


@dataclass(frozen=True)
class Social:
    """Social networks and the promo-post penalty."""

    followers_start: dict[str, int] = field(
        default_factory=lambda: {"vk": 9000, "telegram": 3000, "ok": 2500}
    )
    posts_per_week: dict[str, float] = field(
        default_factory=lambda: {"vk": 4.0, "telegram": 5.0, "ok": 3.0}
    )
    reach_rate: dict[str, float] = field(
        default_factory=lambda: {"vk": 0.22, "telegram": 0.35, "ok": 0.15}
    )
    type_shares: dict[str, float] = field(
        default_factory=lambda: {"conversation": 0.30, "useful": 0.45, "promo": 0.25}
    )
    promo_push: tuple[str, str] = ("2024-09-01", "2024-12-31")  # promo-heavy months
    promo_push_share: float = 0.60
    er_by_reach: dict[str, float] = field(
        default_factory=lambda: {"conversation": 0.065, "useful": 0.055, "promo": 0.028}
    )
    promo_reach_multiplier: float = 0.8
    ctr_by_reach: dict[str, float] = field(
        default_factory=lambda: {"conversation": 0.003, "useful": 0.010, "promo": 0.006}
    )
    base_unfollow_rate: float = 0.0004  # share of followers lost per day without posts
    unfollow_per_promo_post: float = 0.0015  # extra share lost per promo post that day
    unfollow_per_other_post: float = 0.0002  # extra share lost per other post that day
    daily_gain_rate: float = 0.0012  # new followers per day as a share of start followers


@dataclass(frozen=True)
class Email:
    optin_share: float = 0.6
    open_rate: dict[str, float] = field(
        default_factory=lambda: {"digest": 0.38, "promo": 0.30, "welcome": 0.55}
    )
    click_rate: dict[str, float] = field(
        default_factory=lambda: {"digest": 0.045, "promo": 0.035, "welcome": 0.09}
    )
    unsubscribe_rate: dict[str, float] = field(
        default_factory=lambda: {"digest": 0.0015, "promo": 0.004, "welcome": 0.002}
    )


@dataclass(frozen=True)
class Journeys:
    """How touchpoint journeys are built around each lead."""

    extra_touches: dict[str, float] = field(
        default_factory=lambda: {
            "search_ads": 1.5, "social_ads": 2.5, "display": 3.5, "retargeting": 1.0,
            "direct_mail": 1.5, "promotions": 1.0, "direct": 0.8, "referral": 0.5,
        }
    )
    days_to_lead: dict[str, float] = field(
        default_factory=lambda: {
            "search_ads": 5.0, "social_ads": 10.0, "display": 14.0, "retargeting": 4.0,
            "direct_mail": 6.0, "promotions": 3.0, "direct": 4.0, "referral": 3.0,
        }
    )
    closers: dict[str, float] = field(
        default_factory=lambda: {
            "retargeting": 0.35, "direct": 0.30, "search_ads": 0.20, "newsletter": 0.10, "social_media": 0.05,
        }
    )
    middle: dict[str, float] = field(
        default_factory=lambda: {
            "social_ads": 0.20, "search_ads": 0.20, "display": 0.10, "social_media": 0.20,
            "newsletter": 0.15, "retargeting": 0.15,
        }
    )
    # Anonymous journeys that never convert, per lead of the source channel.
    null_journeys_per_lead: dict[str, float] = field(
        default_factory=lambda: {
            "search_ads": 3.0, "social_ads": 4.5, "display": 7.0, "retargeting": 0.5,
            "direct_mail": 3.0, "promotions": 2.0, "direct": 2.0, "referral": 0.5,
        }
    )
    null_retargeting_share: float = 0.45  # later touches of a null journey that are retargeting
    upper_funnel: tuple[str, ...] = ("display", "social_ads")


@dataclass(frozen=True)
class Referrals:
    weekly_rate: dict[str, float] = field(
        default_factory=lambda: {"promoter": 0.006, "passive": 0.0015, "detractor": 0.0002}
    )
    max_generations: int = 6


@dataclass(frozen=True)
class Scale:
    name: str
    factor: float


SCALES = {"small": Scale("small", 1.0), "large": Scale("large", 68.0)}


@dataclass(frozen=True)
class Company:
    start: dt.date = START
    end: dt.date = END
    baseline: Baseline = field(default_factory=Baseline)
    customers: Customers = field(default_factory=Customers)
    service: Service = field(default_factory=Service)
    voice: Voice = field(default_factory=Voice)
    social: Social = field(default_factory=Social)
    email: Email = field(default_factory=Email)
    journeys: Journeys = field(default_factory=Journeys)
    referrals: Referrals = field(default_factory=Referrals)

    def as_dict(self) -> dict:
        out = asdict(self)
        out["start"] = self.start.isoformat()
        out["end"] = self.end.isoformat()
        return out
