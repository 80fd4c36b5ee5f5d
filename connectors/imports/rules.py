"""What a valid row of each table looks like: column kinds, required columns, limits.

Derived from the declared schema (``connectors/schema.py``) plus the business
rules the schema cannot say: money and counts are never negative, NPS scores run
0–10, ratings 1–5, dates are not in the future (campaign plans may be), and a few
columns must agree with each other (a complaint is resolved after it is opened).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from connectors import schema

IMPORTABLE = schema.FACT_TABLES + schema.CALIBRATION_TABLES  # dimensions, facts, lift tests; not app tables
DATE_MIN = dt.date(2000, 1, 1)
PLAN_MAX = dt.date(2100, 12, 31)
MAX_TEXT = 10_000
CHANNEL_COLUMNS = ("channel_id", "acquisition_channel_id")

NONNEG = {
    "spend": ("amount", "impressions", "clicks"),
    "orders": ("revenue", "cost_of_goods"),
    "brand_surveys": ("agree", "n"),
    "social_posts": ("impressions", "reach", "likes", "comments", "shares", "saves", "clicks"),
    "social_followers": ("followers", "gained", "lost"),
    "email_sends": ("delivered", "unique_opens", "unique_clicks", "unsubscribes"),
}
RANGES = {("nps_responses", "score"): (0, 10), ("reviews", "rating"): (1, 5),
          ("lift_tests", "lift_se"): (1e-9, 1e15)}  # a standard error is positive
ALLOWED = {
    ("channels", "pillar"): schema.PILLARS,
    ("channels", "kind"): schema.KINDS,
    ("social_posts", "post_type"): schema.POST_TYPES,
    ("reviews", "sentiment"): schema.SENTIMENTS,
    ("lift_tests", "outcome"): schema.LIFT_OUTCOMES,
}
FUTURE_OK = {("campaigns", "start_date"), ("campaigns", "end_date")}
# (table, column, relation, other column): the row is wrong when column <relation> other fails
ORDERED = (
    ("complaints", "first_response_at", ">=", "opened_at"),
    ("complaints", "resolved_at", ">=", "opened_at"),
    ("reviews", "answered_at", ">=", "created_at"),
    ("campaigns", "end_date", ">=", "start_date"),
    ("lift_tests", "end_date", ">=", "start_date"),
    ("brand_surveys", "agree", "<=", "n"),
    ("email_sends", "unique_opens", "<=", "delivered"),
    ("email_sends", "unique_clicks", "<=", "delivered"),
)
# columns the import computes itself (a file cannot set them): each review's sentiment label
COMPUTED = {"reviews": ("resolved_sentiment", "sentiment_from", "classifier")}
# extra columns a file may bring that are not stored as such: spend rows may name their
# campaign, so campaigns that are not known yet are created with that name
EXTRA_COLUMNS = {"spend": ("campaign_name",)}
# foreign references a file must satisfy (or that the import creates)
CAMPAIGN_REFERENCES = ("spend", "email_sends")


@dataclass(frozen=True)
class ColumnRule:
    name: str
    kind: str  # text | int | float | date | datetime | bool
    required: bool
    key: bool = False
    int_bounds: tuple[int, int] | None = None  # what the column's integer type can hold


def _kind(col: sa.Column) -> str:
    t = col.type
    if isinstance(t, sa.Boolean):
        return "bool"
    if isinstance(t, sa.DateTime):
        return "datetime"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, (sa.BigInteger, sa.Integer, sa.SmallInteger)):
        return "int"
    if isinstance(t, (sa.Float, sa.Numeric)):
        return "float"
    return "text"


def _int_bounds(col: sa.Column) -> tuple[int, int] | None:
    if isinstance(col.type, sa.SmallInteger):
        return -(2**15) + 1, 2**15 - 1
    if isinstance(col.type, sa.BigInteger):
        return -(2**53), 2**53
    if isinstance(col.type, sa.Integer):
        return -(2**31) + 1, 2**31 - 1
    return None


def column_rules(table: str) -> list[ColumnRule]:
    """Columns of a table a file may set, in order (not those the import computes), then the extra
    columns its files may bring."""
    t = schema.metadata.tables[table]
    computed = COMPUTED.get(table, ())
    rules = [ColumnRule(c.name, _kind(c), not c.nullable, c.primary_key, _int_bounds(c)) for c in t.columns
             if c.name not in computed]
    rules += [ColumnRule(name, "text", False) for name in EXTRA_COLUMNS.get(table, ())]
    return rules


def derived_columns(table: str) -> tuple[str, ...]:
    """Required columns an import can fill itself (from the campaign of the row)."""
    return ("channel_id",) if table in CAMPAIGN_REFERENCES else ()


def date_bounds(table: str, column: str, today: dt.date) -> tuple[dt.date, dt.date]:
    high = PLAN_MAX if (table, column) in FUTURE_OK else today + dt.timedelta(days=1)
    return DATE_MIN, high


EXAMPLES = {"int": "42", "float": "1234.5 or 1 234,50", "date": "2026-09-30 or 30.09.2026",
            "datetime": "2026-09-30 14:05 or 30.09.2026 14:05", "bool": "yes / no", "text": "any text"}
EXPECTED = {"int": "a whole number", "float": "a number", "date": "a date", "datetime": "a date and time",
            "bool": "yes or no", "text": "text"}


def column_guide(table: str) -> list[dict[str, object]]:
    """Per column of a table's file: kind, whether required, key, and its limits (for templates)."""
    derived = derived_columns(table)
    key = set(schema.natural_key(table).columns)
    out = []
    for rule in column_rules(table):
        limits = []
        if rule.name in NONNEG.get(table, ()):
            limits.append(("nonneg", {}))
        if (table, rule.name) in RANGES:
            low, high = RANGES[(table, rule.name)]
            limits.append(("range", {"low": low, "high": high}))
        if (table, rule.name) in ALLOWED:
            limits.append(("allowed", {"allowed": ", ".join(ALLOWED[(table, rule.name)])}))
        if rule.name in CHANNEL_COLUMNS and table != "channels":
            limits.append(("channel", {}))
        if rule.name == "campaign_id" and table in CAMPAIGN_REFERENCES:
            limits.append(("campaign", {}))
        if rule.name in EXTRA_COLUMNS.get(table, ()):
            limits.append(("campaign_name", {}))
        out.append({"column": rule.name, "kind": rule.kind,
                    "required": rule.required and rule.name not in derived, "key": rule.name in key,
                    "limits": limits})
    return out
