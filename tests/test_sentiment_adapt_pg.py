"""The company's rated texts and the held-out sentiment figures read alike from PostgreSQL and DuckDB."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from connectors import sentiment_adapt
from connectors.read import read_fact
from metrics.sentiment import default_classifier


@pytest.fixture
def pg_rated(pg_server, small_store):
    """A PostgreSQL database of its own holding the demo's reviews and NPS answers."""
    from connectors.store import SQLAlchemyStore

    admin = sa.create_engine(pg_server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text("DROP DATABASE IF EXISTS sentiment_adapt"))
        con.execute(sa.text("CREATE DATABASE sentiment_adapt"))
    store = SQLAlchemyStore(pg_server.url.rsplit("/", 1)[0] + "/sentiment_adapt")
    store.replace_all({"reviews": read_fact(small_store, "reviews"),
                       "nps_responses": read_fact(small_store, "nps_responses")})
    yield store
    store.close()
    with admin.connect() as con:
        con.execute(sa.text("DROP DATABASE sentiment_adapt WITH (FORCE)"))
    admin.dispose()


@pytest.mark.postgres
def test_postgres_gives_the_same_rated_texts_and_figures(pg_rated, small_store) -> None:
    for limit in (None, 500):
        want = sentiment_adapt.company_texts(small_store, limit=limit)
        got = sentiment_adapt.company_texts(pg_rated, limit=limit)
        assert want.height > 0 and (limit is None or want.filter(want["kind"] == "review").height == limit)
        assert_frame_equal(got, want)
    clf = default_classifier()
    assert_frame_equal(sentiment_adapt.held_out_figures(pg_rated, clf),
                       sentiment_adapt.held_out_figures(small_store, clf))
