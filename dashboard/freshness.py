"""Which source (fact table) each metric is computed from, and whether a comparison period is covered by it.

The base measures name their table here once; a derived or ratio metric's sources are those of its inputs
(``MetricSpec.inputs``, followed through the registry), so a KPI card can say "no comparison data" when the
comparison period starts before its source's first day instead of showing a change against a partial period.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from functools import cache

import metrics
from dashboard.filters import Bounds
from metrics.specs import REGISTRY, MetricSpec

BASE_SOURCES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("revenue", "cost_of_goods", "orders", "gross_profit", "customer_status", "attributed_revenue",
                     "attributed_gross_profit", "historical_clv", "referred_revenue", "cohort_retention",
                     "predicted_clv", "probability_alive"), ("orders",)),
    **dict.fromkeys(("touches_to_sale", "journey_reach", "contact_stages"), ("touchpoints",)),
    **dict.fromkeys(("spend", "sales_spend"), ("spend",)),
    **dict.fromkeys(("leads", "lead_conversion", "days_to_sale"), ("leads",)),
    "new_customers": ("customers",),
    "nps_answers": ("nps_responses",),
    **dict.fromkeys(("reviews", "positive_reviews", "negative_reviews", "average_rating", "review_response_rate",
                     "review_response_hours", "review_sla_share"), ("reviews",)),
    **dict.fromkeys(("complaints", "complaint_resolution_hours", "complaint_backlog"), ("complaints",)),
    "brand_trust": ("brand_surveys",),
    **dict.fromkeys(("posts", "impressions", "reach", "engagements", "social_clicks"), ("social_posts",)),
    **dict.fromkeys(("followers", "followers_gained", "followers_lost"), ("social_followers",)),
    **dict.fromkeys(("email_delivered", "email_opens", "email_clicks", "email_unsubscribes", "email_list_size"),
                    ("email_sends",)),
    "referrals": ("referrals",),
}


@cache
def _registry() -> dict[str, MetricSpec]:
    """Every registered metric (each ``metrics`` module registers its own when imported)."""
    for module in pkgutil.walk_packages(metrics.__path__, "metrics."):
        importlib.import_module(module.name)
    return REGISTRY


def metric_sources(name: str) -> tuple[str, ...]:
    """The fact tables a metric is computed from (empty when unknown)."""
    if name in BASE_SOURCES:
        return BASE_SOURCES[name]
    spec = _registry().get(name)
    if spec is None:
        return ()
    found: list[str] = []
    for part in spec.inputs:
        if part != name:
            found.extend(t for t in metric_sources(part) if t not in found)
    return tuple(found)


def comparison_covered(bounds: Bounds, comparison: tuple[dt.date, dt.date] | None, metric: str) -> bool:
    """Every source of the metric holds data from the comparison period's first day on (True without one)."""
    if comparison is None:
        return True
    return all(bounds.covers(table, comparison[0]) for table in metric_sources(metric))


def covered(ctx, metric: str) -> bool:
    """:func:`comparison_covered` for a page's context."""
    return comparison_covered(ctx.bounds, ctx.comparison, metric)
