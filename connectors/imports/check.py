"""The check before anything is written: every problem of a file, with row numbers and hints.

``check(parsed, table, mapping, ...)`` types every mapped column, applies the
table's rules (``rules.py``) and the references to channels and campaigns, and
returns the typed rows together with *all* problems found — it never stops at the
first. Unknown channels can be created by the import (the user gives a pillar and
kind); campaigns named in a spend file are created when the file names them.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from connectors import schema
from connectors.imports import values
from connectors.imports.files import ROW, ParsedFile
from connectors.imports.mapping import Preset
from connectors.imports.problems import Problem, at_rows
from connectors.imports.rules import (
    ALLOWED, CAMPAIGN_REFERENCES, CHANNEL_COLUMNS, EXAMPLES, EXPECTED, MAX_TEXT, NONNEG, ORDERED, RANGES,
    column_rules, date_bounds, derived_columns,
)

_VALUE_CHARS = 60


@dataclass(frozen=True)
class NewChannel:
    """A channel the import creates (the user chose its pillar and kind)."""

    channel_id: str
    pillar: str
    kind: str
    name: str | None = None


@dataclass(frozen=True)
class References:
    """What the database already knows: channels (id -> name) and campaigns (id -> channel, region)."""

    channels: Mapping[str, str] = field(default_factory=dict)
    campaigns: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)


@dataclass
class Checked:
    table: str
    frame: pl.DataFrame  # typed columns to write, plus ROW
    problems: list[Problem]
    new_channels: pl.DataFrame
    new_campaigns: pl.DataFrame
    unknown_channels: list[str]

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != ROW]

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _show(value: object) -> str:
    text = "" if value is None else str(value)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text[:_VALUE_CHARS] + ("…" if len(text) > _VALUE_CHARS else "")


def _closest(value: str, known: Mapping[str, str]) -> str:
    """The known id closest to a value (by id or by name), or ''."""
    if not known:
        return ""
    by_name = {v.lower(): k for k, v in known.items() if v}
    if value.lower() in by_name:
        return by_name[value.lower()]
    pool = list(known) + list(by_name)
    close = difflib.get_close_matches(value.lower(), [p.lower() for p in pool], n=1, cutoff=0.6)
    if not close:
        return ""
    hit = next(p for p in pool if p.lower() == close[0])
    return by_name.get(hit.lower(), hit)


def _suggest(value: str, known: Mapping[str, str]) -> dict[str, str]:
    """Problem parameters naming the closest known id: 'suggested' (the id) and 'suggestion' (English text)."""
    hit = _closest(value, known)
    return {"suggested": hit, "suggestion": f"Did you mean '{hit}'? " if hit else ""}


def _parse(raw: pl.Series, kind: str, decimal: str) -> tuple[pl.Series, pl.Series]:
    if kind == "int":
        return values.parse_int(raw, decimal)
    if kind == "float":
        return values.parse_float(raw, decimal)
    if kind in ("date", "datetime"):
        value, bad, _family = values.parse_temporal(raw, kind)
        return value, bad
    if kind == "bool":
        return values.parse_bool(raw)
    return values.parse_text(raw)


def check(parsed: ParsedFile, table: str, mapping: Mapping[str, str], *, constants: Mapping[str, str] | None = None,
          refs: References = References(), create_channels: Mapping[str, NewChannel] | None = None,
          preset: Preset | None = None, today: dt.date | None = None) -> Checked:
    """Type and check a parsed file for a table (see the module docstring)."""
    constants = dict(constants or {})
    create_channels = dict(create_channels or {})
    today = today or dt.date.today()
    rules = column_rules(table)
    rows = parsed.frame[ROW]
    n = parsed.frame.height
    problems: list[Problem] = list(parsed.problems)
    if n == 0:
        problems.append(Problem("no_rows"))

    def where(mask: pl.Series) -> list[int]:
        return rows.filter(mask.fill_null(False)).to_list()

    unused = [c for c in parsed.columns if c not in mapping.values()]
    if unused:
        problems.append(Problem("unknown_column", None, (), len(unused),
                                {"source": "', '".join(_show(c) for c in unused)}, "warning"))

    typed: dict[str, pl.Series] = {}
    raw_of: dict[str, pl.Series] = {}
    for rule in rules:
        source = mapping.get(rule.name)
        if source is not None and source in parsed.frame.columns:
            raw = parsed.frame[source]
        elif rule.name in constants and constants[rule.name] not in (None, ""):
            raw = pl.Series(rule.name, [constants[rule.name]] * n, dtype=pl.String)
        else:
            continue
        value, bad = _parse(raw, rule.kind, parsed.decimal)
        if bad.any():
            first = raw.filter(bad)[0]
            problems.append(at_rows("wrong_type", rule.name, where(bad), value=_show(first),
                                    expected=EXPECTED[rule.kind], example=EXAMPLES[rule.kind], kind=rule.kind))
        if rule.int_bounds is not None:
            low, high = rule.int_bounds
            huge = (value < low) | (value > high)
            if huge.any():
                problems.append(at_rows("out_of_range", rule.name, where(huge), value=_show(value.filter(huge)[0]),
                                        low=low, high=high))
                value = pl.select(pl.when(~huge.fill_null(False)).then(value)).to_series().alias(rule.name)
        if rule.kind == "text":
            long = value.str.len_chars() > MAX_TEXT
            if long.any():
                problems.append(at_rows("too_long", rule.name, where(long), limit=MAX_TEXT))
        typed[rule.name] = value.alias(rule.name)
        raw_of[rule.name] = raw

    # campaign ids of an ad platform get the preset's prefix; a spend file may name campaigns only
    if preset is not None and preset.id_prefix:
        if "campaign_id" in typed:
            ids = typed["campaign_id"]
            typed["campaign_id"] = pl.select(
                pl.when(ids.str.starts_with(preset.id_prefix)).then(ids).otherwise(preset.id_prefix + ids)
            ).to_series().alias("campaign_id")
        elif "campaign_name" in typed:
            typed["campaign_id"] = (preset.id_prefix + typed["campaign_name"]).alias("campaign_id")
    if "campaign_id" not in typed and "campaign_name" in typed:
        typed["campaign_id"] = typed["campaign_name"].alias("campaign_id")

    new_campaigns = _campaigns(table, typed, refs, constants, problems, where)

    for rule in rules:
        if rule.name in typed or not rule.required:
            continue
        if rule.name not in derived_columns(table):
            problems.append(Problem("missing_column", rule.name))

    for rule in rules:
        if rule.required and rule.name in typed:
            raw = raw_of.get(rule.name)
            empty = typed[rule.name].is_null()
            if raw is not None:
                empty = empty & values._cleaned(raw).is_null()
            if empty.any():
                problems.append(at_rows("empty_value", rule.name, where(empty)))

    _value_rules(table, typed, problems, where, today)
    unknown = _channel_references(table, typed, refs, create_channels, problems, where)
    _duplicates(table, typed, problems, where)

    table_cols = [c.name for c in schema.metadata.tables[table].columns]
    frame = pl.DataFrame([typed[c] for c in table_cols if c in typed] + [rows.alias(ROW)]) if n else \
        pl.DataFrame({**{c: pl.Series(c, [], dtype=typed[c].dtype) for c in table_cols if c in typed},
                      ROW: pl.Series(ROW, [], dtype=pl.Int64)})
    new_channels = pl.DataFrame(
        [{"channel_id": c.channel_id, "name": c.name or c.channel_id, "name_ru": None, "pillar": c.pillar,
          "kind": c.kind} for c in create_channels.values() if c.channel_id not in refs.channels],
        schema={"channel_id": pl.String, "name": pl.String, "name_ru": pl.String, "pillar": pl.String,
                "kind": pl.String},
    )
    for c in create_channels.values():
        if c.pillar not in schema.PILLARS or c.kind not in schema.KINDS:
            problems.append(Problem("not_allowed", "pillar", (), 0, {
                "value": _show(f"{c.pillar}/{c.kind}"), "allowed": ", ".join(schema.PILLARS),
                "suggestion": ""}))
    return Checked(table, frame, problems, new_channels, new_campaigns, unknown)


def _campaigns(table: str, typed: dict[str, pl.Series], refs: References, constants: Mapping[str, str],
               problems: list[Problem], where) -> pl.DataFrame:
    """Fill channel / region from known campaigns; campaigns to create from a spend file's names."""
    empty = pl.DataFrame(schema={"campaign_id": pl.String, "channel_id": pl.String, "name": pl.String,
                                 "region": pl.String, "start_date": pl.Date, "end_date": pl.Date})
    if table not in CAMPAIGN_REFERENCES or "campaign_id" not in typed:
        return empty
    ids = typed["campaign_id"]
    known = ids.is_in(list(refs.campaigns))
    camp_channel = ids.replace_strict({k: v[0] for k, v in refs.campaigns.items()}, default=None,
                                      return_dtype=pl.String)
    channel_from_file = "channel_id" in typed and "channel_id" not in constants
    if "channel_id" not in typed or not channel_from_file:
        base = typed.get("channel_id", pl.Series("channel_id", [None] * len(ids), dtype=pl.String))
        typed["channel_id"] = pl.select(pl.coalesce(camp_channel, base)).to_series().alias("channel_id")
    else:
        mismatch = known & (camp_channel != typed["channel_id"]).fill_null(False) & typed["channel_id"].is_in(
            list(refs.channels))
        for cid in ids.filter(mismatch).unique(maintain_order=True).to_list()[:20]:
            m = mismatch & (ids == cid)
            problems.append(at_rows("channel_mismatch", "channel_id", where(m), severity="warning", value=_show(cid),
                                    expected=refs.campaigns[cid][0], found=_show(typed["channel_id"].filter(m)[0])))
    if "region" in schema.metadata.tables[table].c and "region" not in typed:
        typed["region"] = ids.replace_strict({k: v[1] for k, v in refs.campaigns.items()}, default=None,
                                             return_dtype=pl.String).alias("region")
    unknown = ~known & ids.is_not_null()
    if not unknown.any():
        return empty
    if "campaign_name" in typed:
        frame = pl.DataFrame({"campaign_id": ids, "channel_id": typed["channel_id"],
                              "name": typed["campaign_name"].fill_null(ids),
                              "region": typed.get("region", pl.Series([None] * len(ids), dtype=pl.String)),
                              "day": typed.get("day", pl.Series([None] * len(ids), dtype=pl.Date))}).filter(unknown)
        return frame.group_by("campaign_id", maintain_order=True).agg(
            pl.col("channel_id").drop_nulls().first(), pl.col("name").first(),
            pl.col("region").drop_nulls().first(), pl.col("day").min().alias("start_date"),
        ).with_columns(pl.lit(None, pl.Date).alias("end_date")).select(empty.columns)
    for cid in ids.filter(unknown).unique(maintain_order=True).to_list():
        problems.append(at_rows("unknown_campaign", "campaign_id", where(ids == cid), value=_show(cid),
                                **_suggest(cid, {k: "" for k in refs.campaigns})))
    return empty


def _value_rules(table: str, typed: dict[str, pl.Series], problems: list[Problem], where, today: dt.date) -> None:
    for col in NONNEG.get(table, ()):
        if col in typed:
            neg = typed[col] < 0
            if neg.any():
                problems.append(at_rows("negative", col, where(neg), value=_show(typed[col].filter(neg)[0])))
    for (tbl, col), (low, high) in RANGES.items():
        if tbl == table and col in typed:
            out = (typed[col] < low) | (typed[col] > high)
            if out.any():
                problems.append(at_rows("out_of_range", col, where(out), value=_show(typed[col].filter(out)[0]),
                                        low=low, high=high))
    for (tbl, col), allowed in ALLOWED.items():
        if tbl == table and col in typed:
            bad = typed[col].is_not_null() & ~typed[col].is_in(list(allowed))
            for value in typed[col].filter(bad).unique(maintain_order=True).to_list()[:20]:
                close = difflib.get_close_matches(str(value).lower(), list(allowed), n=1, cutoff=0.5)
                problems.append(at_rows("not_allowed", col, where(typed[col] == value), value=_show(value),
                                        allowed=", ".join(allowed),
                                        suggestion=f" (did you mean '{close[0]}'?)" if close else "",
                                        suggested=close[0] if close else ""))
    for col, series in typed.items():
        if series.dtype not in (pl.Date, pl.Datetime("us")):
            continue
        low, high = date_bounds(table, col, today)
        day = series if series.dtype == pl.Date else series.dt.date()
        out = (day < low) | (day > high)
        if out.any():
            problems.append(at_rows("date_out_of_range", col, where(out), value=_show(series.filter(out)[0]),
                                    low=low.isoformat(), high=high.isoformat()))
    for tbl, col, relation, other in ORDERED:
        if tbl != table or col not in typed or other not in typed:
            continue
        a, b = typed[col], typed[other]
        bad = (a < b) if relation == ">=" else (a > b)
        if bad.any():
            i = bad.fill_null(False).arg_max()
            problems.append(at_rows(
                "inconsistent", col, where(bad), value=_show(a[i]), other=other, other_value=_show(b[i]),
                relation="earlier than" if relation == ">=" else "greater than", op=relation,
                rule=f"{col} {relation} {other}"))


def _channel_references(table: str, typed: dict[str, pl.Series], refs: References,
                        create: Mapping[str, NewChannel], problems: list[Problem], where) -> list[str]:
    if table == "channels":
        return []
    known = set(refs.channels) | set(create)
    unknown: list[str] = []
    for col in CHANNEL_COLUMNS:
        if col not in typed:
            continue
        series = typed[col]
        bad = series.is_not_null() & ~series.is_in(list(known))
        for value in series.filter(bad).unique(maintain_order=True).to_list():
            unknown.append(value)
            problems.append(at_rows("unknown_channel", col, where(series == value), value=_show(value),
                                    **_suggest(value, refs.channels)))
    return list(dict.fromkeys(unknown))


def _duplicates(table: str, typed: dict[str, pl.Series], problems: list[Problem], where) -> None:
    key = list(schema.natural_key(table).columns)
    if not all(k in typed for k in key):
        return
    frame = pl.DataFrame([typed[k] for k in key])
    dup = frame.is_duplicated() & pl.DataFrame([typed[k].is_not_null() for k in key]).select(
        pl.all_horizontal(pl.all())).to_series()
    if dup.any():
        first = frame.filter(dup).row(0)
        problems.append(at_rows("duplicate_key", ", ".join(key), where(dup), key_columns=", ".join(key),
                                value=_show(", ".join(str(v) for v in first))))
