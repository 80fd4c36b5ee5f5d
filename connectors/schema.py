"""The data model, declared in code (DuckDB cannot reflect schemas).

Every table of the product's data model, with types, primary keys, the foreign
keys that help (dimension references; fact-to-fact keys are left undeclared so
bulk loads stay fast) and the natural key used for idempotent imports.

Conventions
- Money columns are DOUBLE in the company's reporting currency (a setting).
- Timestamps are naive local time of the company (``TIMESTAMP``); days are ``DATE``.
- Ids are given explicitly (DuckDB has no default autoincrement).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

metadata = sa.MetaData()

PILLARS = ("sales", "reputation", "communication")
KINDS = ("paid", "owned", "earned")
POST_TYPES = ("conversation", "useful", "promo")
SENTIMENTS = ("positive", "neutral", "negative")


def _id(name: str = "id") -> sa.Column:
    return sa.Column(name, sa.BigInteger, primary_key=True, autoincrement=False)


channels = sa.Table(
    "channels",
    metadata,
    sa.Column("channel_id", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("name_ru", sa.String),
    sa.Column("pillar", sa.String, nullable=False),
    sa.Column("kind", sa.String, nullable=False),
    sa.CheckConstraint("pillar IN ('sales', 'reputation', 'communication')", name="ck_channel_pillar"),
    sa.CheckConstraint("kind IN ('paid', 'owned', 'earned')", name="ck_channel_kind"),
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("campaign_id", sa.String, primary_key=True),
    sa.Column("channel_id", sa.String, sa.ForeignKey("channels.channel_id"), nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("region", sa.String),  # NULL: company-wide, not regional
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
)

spend = sa.Table(
    "spend",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("campaign_id", sa.String, sa.ForeignKey("campaigns.campaign_id"), primary_key=True),
    sa.Column("channel_id", sa.String, sa.ForeignKey("channels.channel_id"), nullable=False),
    sa.Column("region", sa.String),
    sa.Column("amount", sa.Double, nullable=False),
    sa.Column("impressions", sa.BigInteger),
    sa.Column("clicks", sa.BigInteger),
    sa.CheckConstraint("amount >= 0", name="ck_spend_amount"),
)

touchpoints = sa.Table(
    "touchpoints",
    metadata,
    _id("touch_id"),
    sa.Column("journey_id", sa.BigInteger, nullable=False),
    sa.Column("customer_id", sa.BigInteger),  # NULL: anonymous journey that never converted
    sa.Column("ts", sa.DateTime, nullable=False),
    sa.Column("channel_id", sa.String, nullable=False),
    sa.Column("campaign_id", sa.String),
)

leads = sa.Table(
    "leads",
    metadata,
    _id("lead_id"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("channel_id", sa.String, nullable=False),  # lead source (original source)
    sa.Column("campaign_id", sa.String),
    sa.Column("region", sa.String),
    sa.Column("journey_id", sa.BigInteger),
    sa.Column("customer_id", sa.BigInteger),  # set when the lead became a customer
)

customers = sa.Table(
    "customers",
    metadata,
    _id("customer_id"),
    sa.Column("first_seen", sa.DateTime, nullable=False),
    sa.Column("acquisition_channel_id", sa.String, nullable=False),
    sa.Column("region", sa.String, nullable=False),
    sa.Column("segment", sa.String, nullable=False),
)

orders = sa.Table(
    "orders",
    metadata,
    _id("order_id"),
    sa.Column("customer_id", sa.BigInteger, nullable=False),
    sa.Column("ordered_at", sa.DateTime, nullable=False),
    sa.Column("region", sa.String, nullable=False),
    sa.Column("revenue", sa.Double, nullable=False),
    sa.Column("cost_of_goods", sa.Double, nullable=False),
    sa.CheckConstraint("revenue >= 0 AND cost_of_goods >= 0", name="ck_order_money"),
)

nps_responses = sa.Table(
    "nps_responses",
    metadata,
    _id("response_id"),
    sa.Column("customer_id", sa.BigInteger),
    sa.Column("responded_at", sa.DateTime, nullable=False),
    sa.Column("score", sa.SmallInteger, nullable=False),
    sa.Column("comment", sa.String),
    sa.Column("language", sa.String),
    sa.Column("touchpoint", sa.String),
    sa.Column("region", sa.String),
    sa.Column("segment", sa.String),
    sa.CheckConstraint("score BETWEEN 0 AND 10", name="ck_nps_score"),
)

reviews = sa.Table(
    "reviews",
    metadata,
    _id("review_id"),
    sa.Column("source", sa.String, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("rating", sa.SmallInteger),  # 1..5, NULL when the source has no stars
    sa.Column("sentiment", sa.String),  # provided by the source, when it gives one
    sa.Column("text", sa.String),
    sa.Column("language", sa.String),
    sa.Column("region", sa.String),
    sa.Column("customer_id", sa.BigInteger),
    sa.Column("answered_at", sa.DateTime),
    # the review's sentiment, resolved when it is written (connectors/review_labels.py): from the rating,
    # else as the source gives it, else from the text by the classifier named in `classifier`
    sa.Column("resolved_sentiment", sa.String),
    sa.Column("sentiment_from", sa.String),  # rating | source | text
    sa.Column("classifier", sa.String),  # the text classifier's name, for labels from text
    sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="ck_review_rating"),
)

complaints = sa.Table(
    "complaints",
    metadata,
    _id("complaint_id"),
    sa.Column("customer_id", sa.BigInteger),
    sa.Column("opened_at", sa.DateTime, nullable=False),
    sa.Column("first_response_at", sa.DateTime),
    sa.Column("resolved_at", sa.DateTime),
    sa.Column("satisfied", sa.Boolean),
    sa.Column("topic", sa.String),
    sa.Column("region", sa.String),
)

brand_surveys = sa.Table(
    "brand_surveys",
    metadata,
    sa.Column("period", sa.Date, primary_key=True),  # first day of the survey wave
    sa.Column("question", sa.String, primary_key=True),
    sa.Column("agree", sa.Integer, nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
    sa.CheckConstraint("agree >= 0 AND agree <= n", name="ck_brand_agree"),
)

social_posts = sa.Table(
    "social_posts",
    metadata,
    _id("post_id"),
    sa.Column("network", sa.String, nullable=False),
    sa.Column("channel_id", sa.String, nullable=False),
    sa.Column("published_at", sa.DateTime, nullable=False),
    sa.Column("post_type", sa.String, nullable=False),
    sa.Column("title", sa.String),
    sa.Column("impressions", sa.BigInteger, nullable=False),
    sa.Column("reach", sa.BigInteger, nullable=False),
    sa.Column("likes", sa.BigInteger, nullable=False),
    sa.Column("comments", sa.BigInteger, nullable=False),
    sa.Column("shares", sa.BigInteger, nullable=False),
    sa.Column("saves", sa.BigInteger, nullable=False),
    sa.Column("clicks", sa.BigInteger, nullable=False),
    sa.CheckConstraint("post_type IN ('conversation', 'useful', 'promo')", name="ck_post_type"),
)

social_followers = sa.Table(
    "social_followers",
    metadata,
    sa.Column("network", sa.String, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("channel_id", sa.String, nullable=False),
    sa.Column("followers", sa.BigInteger, nullable=False),  # at the end of the day
    sa.Column("gained", sa.BigInteger, nullable=False),
    sa.Column("lost", sa.BigInteger, nullable=False),
)

email_sends = sa.Table(
    "email_sends",
    metadata,
    _id("send_id"),
    sa.Column("campaign_id", sa.String, sa.ForeignKey("campaigns.campaign_id"), nullable=False),
    sa.Column("channel_id", sa.String, nullable=False),
    sa.Column("sent_at", sa.DateTime, nullable=False),
    sa.Column("subject", sa.String),
    sa.Column("delivered", sa.BigInteger, nullable=False),
    sa.Column("unique_opens", sa.BigInteger, nullable=False),
    sa.Column("unique_clicks", sa.BigInteger, nullable=False),
    sa.Column("unsubscribes", sa.BigInteger, nullable=False),
)

referrals = sa.Table(
    "referrals",
    metadata,
    _id("referral_id"),
    sa.Column("referrer_customer_id", sa.BigInteger, nullable=False),
    sa.Column("referred_customer_id", sa.BigInteger, nullable=False),
    sa.Column("referred_at", sa.DateTime, nullable=False),
)

# Measured experiments (geo or holdout tests): ``lift`` extra ``outcome`` caused by the channel between
# ``start_date`` and ``end_date`` (inclusive; a week counts when its Monday falls inside), with its standard error.
# The marketing-mix model uses them as extra evidence on that channel (metrics/mmm/objective.py).
LIFT_OUTCOMES = ("gross_profit", "revenue", "orders", "new_customers", "leads")

lift_tests = sa.Table(
    "lift_tests",
    metadata,
    sa.Column("channel_id", sa.String, primary_key=True),
    sa.Column("start_date", sa.Date, primary_key=True),
    sa.Column("outcome", sa.String, primary_key=True),
    sa.Column("end_date", sa.Date, nullable=False),
    sa.Column("lift", sa.Double, nullable=False),
    sa.Column("lift_se", sa.Double, nullable=False),
    sa.CheckConstraint("lift_se > 0", name="ck_lift_se"),
    sa.CheckConstraint("end_date >= start_date", name="ck_lift_dates"),
    sa.CheckConstraint("outcome IN ('gross_profit', 'revenue', 'orders', 'new_customers', 'leads')",
                       name="ck_lift_outcome"),
)

# --- application tables -------------------------------------------------------

scenarios = sa.Table(
    "scenarios",
    metadata,
    sa.Column("scenario_id", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("author", sa.String),
    sa.Column("note", sa.String),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("payload", sa.String, nullable=False),  # JSON
)

import_log = sa.Table(
    "import_log",
    metadata,
    _id("import_id"),
    sa.Column("imported_at", sa.DateTime, nullable=False),
    sa.Column("file_name", sa.String),
    sa.Column("file_hash", sa.String),
    sa.Column("table_name", sa.String, nullable=False),
    sa.Column("rows_added", sa.BigInteger, nullable=False),
    sa.Column("rows_updated", sa.BigInteger, nullable=False),
    sa.Column("imported_by", sa.String),
    sa.Column("source", sa.String),  # e.g. "demo", "upload", "cli"
)

# What each import added or changed, written in the import's transaction, so it can be undone: per row, the
# natural key (JSON) and the row as it was before (JSON; NULL: the import added the row).
import_changes = sa.Table(
    "import_changes",
    metadata,
    sa.Column("import_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("table_name", sa.String, primary_key=True),
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("key", sa.String, nullable=False),
    sa.Column("before", sa.String),
)

import_undos = sa.Table(
    "import_undos",
    metadata,
    sa.Column("import_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("undone_at", sa.DateTime, nullable=False),
    sa.Column("undone_by", sa.String),
    sa.Column("rows_removed", sa.BigInteger, nullable=False),
    sa.Column("rows_restored", sa.BigInteger, nullable=False),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("value", sa.String, nullable=False),
)

# the app's own tables: created in whatever database the app is configured with, where missing
APP_TABLES = (scenarios, import_log, meta, lift_tests)  # lift tests: imported, but no source database has them

FACT_TABLES = (
    "channels", "campaigns", "spend", "touchpoints", "leads", "customers", "orders",
    "nps_responses", "reviews", "complaints", "brand_surveys", "social_posts",
    "social_followers", "email_sends", "referrals",
)
CALIBRATION_TABLES = ("lift_tests",)  # imported like the facts, read only by the marketing-mix model


@dataclass(frozen=True)
class NaturalKey:
    """The columns that identify a row across imports (re-importing adds nothing)."""

    table: str
    columns: tuple[str, ...]


def natural_key(table_name: str) -> NaturalKey:
    """The natural key of a table: its primary key columns."""
    table = metadata.tables[table_name]
    return NaturalKey(table_name, tuple(c.name for c in table.primary_key.columns))
