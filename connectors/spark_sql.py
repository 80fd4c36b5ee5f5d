"""SQLAlchemy Core statements as Spark SQL, with named bound parameters.

A statement is compiled with SQLAlchemy's PostgreSQL dialect (``:name``
placeholders, ``IN`` lists expanded to one placeholder per value), parsed by
sqlglot and written out in its Spark dialect; the values travel separately as
Spark's named parameters (``spark.sql(text, args=...)``). No value is ever part of
the SQL text. Where Spark lacks a PostgreSQL construct the app uses, a rule below
rewrites the syntax tree:

- ``array_agg(x ORDER BY k1, k2)``: Spark's ``collect_list`` has no order, so the
  values are collected as structs ``(k1, k2, x)``, sorted, and ``x`` taken back out
  (ascending keys only, as the app uses; keys are not expected to be null);
- ``extract(epoch FROM a - b)`` (seconds between two timestamps):
  ``timestampdiff(MICROSECOND, b, a) / 1e6`` as a double;
- ``TIMESTAMP`` (PostgreSQL's ``timestamp without time zone``) is Spark's
  ``TIMESTAMP_NTZ``: the app's timestamps are naive local times of the company.

Types: :func:`spark_type` maps the SQLAlchemy column types of ``connectors/schema.py``
to Spark SQL types; :func:`create_table_sql` writes a table's DDL from them.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import sqlalchemy as sa
import sqlglot
from sqlalchemy.dialects import postgresql
from sqlglot import exp

_PG = postgresql.dialect(paramstyle="named")


class SparkSQLError(ValueError):
    """A statement uses something this translation does not support."""


# --- statements ---------------------------------------------------------------


def to_tree(stmt: sa.sql.Executable) -> tuple[exp.Expression, dict[str, Any]]:
    """The statement as a Spark syntax tree (rules applied) and its bound values by name."""
    compiled = stmt.compile(dialect=_PG, compile_kwargs={"render_postcompile": True})
    tree = sqlglot.parse_one(str(compiled), read="postgres").transform(_spark_rules).transform(_ordered_rules)
    names = placeholders(tree)
    params = dict(compiled.params)
    missing = names - set(params)
    if missing:
        raise SparkSQLError(f"placeholders without a value: {sorted(missing)}")
    return tree, {name: params[name] for name in sorted(names)}


def to_spark(stmt: sa.sql.Executable) -> tuple[str, dict[str, Any]]:
    """Spark SQL text with ``:name`` placeholders, and the values to bind to them."""
    tree, params = to_tree(stmt)
    return tree.sql(dialect="spark"), params


def placeholders(tree: exp.Expression) -> set[str]:
    return {p.name for p in tree.find_all(exp.Placeholder) if p.name}


def _spark_rules(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Extract) and node.this.name.upper() == "EPOCH":
        return _epoch_seconds(node)
    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.TIMESTAMP:
        return exp.DataType.build("timestamp_ntz", dialect="spark")
    if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileCont):
        return _exact_percentile(node)
    return node


def _exact_percentile(node: exp.WithinGroup) -> exp.Expression:
    """``percentile_cont(q) WITHIN GROUP (ORDER BY x)`` as Spark's exact ``percentile(x, q)`` (Spark's own
    translation, ``percentile_approx``, is an estimate: medians would differ from the other engines)."""
    keys = node.expression.expressions if isinstance(node.expression, exp.Order) else []
    if len(keys) != 1 or keys[0].args.get("desc"):
        raise SparkSQLError("percentile_cont is supported with one ascending ORDER BY key on Spark")
    # the rules run on the arguments too (a median of a span of time holds an epoch to rewrite)
    return exp.Anonymous(this="PERCENTILE", expressions=[keys[0].this.copy().transform(_spark_rules),
                                                        node.this.this.copy().transform(_spark_rules)])


def _ordered_rules(node: exp.Expression) -> exp.Expression:
    # a second pass: the ordered aggregate copies its arguments, already rewritten by _spark_rules
    if isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order):
        return _ordered_collect(node.this)
    return node


def _ordered_collect(order: exp.Order) -> exp.Expression:
    keys = order.expressions
    if any(k.args.get("desc") for k in keys):
        raise SparkSQLError("array_agg(... ORDER BY ... DESC) is not supported on Spark")
    fields = [exp.PropertyEQ(this=exp.to_identifier(f"k{i}"), expression=k.this.copy()) for i, k in enumerate(keys)]
    fields.append(exp.PropertyEQ(this=exp.to_identifier("v"), expression=order.this.copy()))
    item = exp.to_identifier("item")
    return exp.Transform(
        this=exp.ArraySort(this=exp.ArrayAgg(this=exp.Struct(expressions=fields))),
        expression=exp.Lambda(this=exp.Dot(this=item.copy(), expression=exp.to_identifier("v")), expressions=[item]),
    )


def _epoch_seconds(node: exp.Extract) -> exp.Expression:
    span = node.expression
    while isinstance(span, exp.Paren):
        span = span.this
    if isinstance(span, exp.Sub):  # a span: the microseconds between its two ends
        later, earlier = span.this.copy(), span.expression.copy()
    else:  # one moment: its microseconds since 1970-01-01 00:00, on the same (time-zone-less) clock
        later, earlier = span.copy(), exp.cast(exp.Literal.string("1970-01-01 00:00:00"), "TIMESTAMP_NTZ")
    micros = exp.Anonymous(this="TIMESTAMPDIFF", expressions=[exp.var("MICROSECOND"), earlier, later])
    return exp.Paren(this=exp.Div(this=exp.cast(micros, "DOUBLE"), expression=exp.Literal.number(1_000_000)))


# --- DML as copy-on-write -----------------------------------------------------
# Spark's parquet tables cannot UPDATE or DELETE rows: a new version of the table is
# written with the rows the statement leaves (see SparkStore.execute).


def kept_rows(tree: exp.Delete, source: str, columns: list[str]) -> exp.Select:
    """``SELECT`` the rows a ``DELETE`` keeps, reading ``source`` under the table's own name."""
    cond = _condition(tree)
    select = exp.select(*[exp.column(c, table=_target(tree)) for c in columns]).from_(_aliased(source, tree))
    return select.where(exp.not_(cond)) if cond is not None else select.where(exp.false())


def updated_rows(tree: exp.Update, source: str, columns: list[str]) -> exp.Select:
    """``SELECT`` every row of ``source`` as an ``UPDATE`` leaves it."""
    cond = _condition(tree)
    assigned = {eq.this.name: eq.expression for eq in tree.expressions}
    unknown = set(assigned) - set(columns)
    if unknown:
        raise SparkSQLError(f"UPDATE of unknown columns {sorted(unknown)}")
    name = _target(tree)
    out = []
    for c in columns:
        old = exp.column(c, table=name)
        if c not in assigned:
            out.append(old)
            continue
        new = assigned[c].copy()
        value = new if cond is None else exp.Case(ifs=[exp.If(this=cond.copy(), true=new)], default=old)
        out.append(exp.alias_(value, c))
    return exp.select(*out).from_(_aliased(source, tree))


def matched_rows(tree: exp.Delete | exp.Update, source: str) -> exp.Select:
    """``SELECT count(*)`` of the rows a ``DELETE`` / ``UPDATE`` touches."""
    select = exp.select(exp.Count(this=exp.Star()).as_("n")).from_(_aliased(source, tree))
    cond = _condition(tree)
    return select.where(cond) if cond is not None else select


def retarget_insert(tree: exp.Insert, physical: str) -> exp.Insert:
    """The ``INSERT`` writing into ``physical`` instead of the table's view."""
    tree = tree.copy()
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    target.set("this", exp.to_identifier(physical, quoted=True))
    target.set("db", None)
    return tree


def target_table(tree: exp.Expression) -> str:
    return _target(tree)


def _target(tree: exp.Expression) -> str:
    table = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    if not isinstance(table, exp.Table):
        raise SparkSQLError(f"cannot find the target table of {tree.key}")
    return table.name


def _condition(tree: exp.Delete | exp.Update) -> exp.Expression | None:
    where = tree.args.get("where")
    if where is None:
        return None
    return exp.func("COALESCE", where.this.copy(), exp.false())


def _aliased(source: str, tree: exp.Expression) -> exp.Table:
    return exp.Table(this=exp.to_identifier(source, quoted=True), alias=exp.TableAlias(this=exp.to_identifier(_target(tree))))


# --- types --------------------------------------------------------------------

_TYPES: tuple[tuple[type, str, pl.DataType], ...] = (
    (sa.Boolean, "BOOLEAN", pl.Boolean()),
    (sa.SmallInteger, "SMALLINT", pl.Int16()),
    (sa.BigInteger, "BIGINT", pl.Int64()),
    (sa.Integer, "INT", pl.Int32()),
    (sa.Float, "DOUBLE", pl.Float64()),  # sa.Double too
    (sa.Numeric, "DOUBLE", pl.Float64()),
    (sa.DateTime, "TIMESTAMP_NTZ", pl.Datetime("us")),
    (sa.Date, "DATE", pl.Date()),
    (sa.String, "STRING", pl.String()),
)


def _type_entry(t: sa.types.TypeEngine) -> tuple[type, str, pl.DataType]:
    for entry in _TYPES:
        if isinstance(t, entry[0]):
            return entry
    raise SparkSQLError(f"no Spark type for {t!r}")


def spark_type(t: sa.types.TypeEngine) -> str:
    """The Spark SQL type of a SQLAlchemy column type."""
    return _type_entry(t)[1]


def polars_type(t: sa.types.TypeEngine) -> pl.DataType:
    """The polars dtype whose Arrow form Spark reads as :func:`spark_type`."""
    return _type_entry(t)[2]


def create_table_sql(table: sa.Table, name: str) -> str:
    """``CREATE TABLE`` for one of the app's tables, stored as parquet under ``name``.

    Columns keep their names and types. Spark does not enforce keys, NOT NULL or
    CHECK constraints on parquet tables, so none is declared: the store checks
    required columns itself before it writes.
    """
    cols = ", ".join(f"{quote(c.name)} {spark_type(c.type)}" for c in table.columns)
    return f"CREATE TABLE {quote(name)} ({cols}) USING parquet"


def quote(identifier: str) -> str:
    """A Spark SQL identifier, quoted (the app's table names, their versions and a checked database name)."""
    return exp.to_identifier(identifier, quoted=True).sql(dialect="spark")
