"""The data model: every table of the product's data model, with keys and constraints."""

from __future__ import annotations

import duckdb
import pytest
import sqlalchemy as sa

from connectors import schema
from connectors.store import DuckDBStore

# PRODUCT.md's data model, table by table, with the columns it names.
PRODUCT_MODEL = {
    "channels": {"pillar", "kind"},
    "campaigns": {"channel_id"},
    "spend": {"day", "campaign_id", "amount"},
    "touchpoints": {"journey_id", "customer_id", "ts", "channel_id", "campaign_id"},
    "leads": {"created_at", "channel_id"},
    "customers": {"first_seen", "acquisition_channel_id", "region"},
    "orders": {"customer_id", "ordered_at", "revenue", "cost_of_goods"},
    "nps_responses": {"customer_id", "responded_at", "score", "comment", "touchpoint"},
    "reviews": {"source", "created_at", "rating", "text", "language", "answered_at"},
    "complaints": {"customer_id", "opened_at", "resolved_at", "satisfied"},
    "brand_surveys": {"period", "question", "agree", "n"},
    "social_posts": {"network", "published_at", "post_type", "impressions", "reach", "likes", "comments",
                     "shares", "saves", "clicks"},
    "social_followers": {"network", "day", "followers", "gained", "lost"},
    "email_sends": {"campaign_id", "sent_at", "delivered", "unique_opens", "unique_clicks", "unsubscribes"},
    "referrals": {"referrer_customer_id", "referred_customer_id", "referred_at"},
    "scenarios": {"name", "author", "note", "payload"},
    "import_log": {"imported_at", "file_name", "file_hash", "table_name", "rows_added", "rows_updated",
                   "imported_by"},
}


@pytest.mark.parametrize("table,columns", sorted(PRODUCT_MODEL.items()))
def test_every_product_table_is_declared_with_its_columns(table: str, columns: set[str]) -> None:
    declared = schema.metadata.tables[table]
    assert columns <= {c.name for c in declared.columns}
    assert declared.primary_key.columns, f"{table} needs a primary key (the natural key of imports)"


def test_natural_keys_are_primary_keys() -> None:
    assert schema.natural_key("spend").columns == ("day", "campaign_id")
    assert schema.natural_key("social_followers").columns == ("network", "day")
    assert schema.natural_key("orders").columns == ("order_id",)


def test_schema_creates_in_duckdb_and_enforces_constraints(tmp_path) -> None:
    store = DuckDBStore(tmp_path / "x.duckdb")
    store.ensure_schema()
    store.ensure_schema()  # idempotent
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    try:
        con.execute("INSERT INTO channels VALUES ('c', 'C', NULL, 'sales', 'paid')")
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO channels VALUES ('d', 'D', NULL, 'marketing', 'paid')")  # unknown pillar
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO channels VALUES ('c', 'C again', NULL, 'sales', 'paid')")  # duplicate key
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO campaigns VALUES ('k', 'nope', 'K', NULL, NULL, NULL)")  # unknown channel
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO nps_responses (response_id, responded_at, score) VALUES (1, now(), 11)")
    finally:
        con.close()


def test_channels_carry_pillar_and_kind() -> None:
    checks = {c.name for c in schema.channels.constraints if isinstance(c, sa.CheckConstraint)}
    assert {"ck_channel_pillar", "ck_channel_kind"} <= checks
