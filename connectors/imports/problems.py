"""What an import check finds: problems with row numbers and hints, all of them at once.

A :class:`Problem` is data (a code, the column, the file rows, parameters), so the
page can show it in English or Russian (``dashboard/data/text.py`` has a
``problem.<code>`` and ``hint.<code>`` text for every code) and the command line
prints the English text kept here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
MAX_ROWS_LISTED = 10

# code: (message, hint) in English; placeholders come from Problem.params (+ column, rows)
TEXTS: dict[str, tuple[str, str]] = {
    "missing_column": (
        "Required column '{column}' is not in the file (or not mapped).",
        "Map a file column to it, or add the column (see the template of this table).",
    ),
    "unknown_column": (
        "File column '{source}' is not used and will be ignored.",
        "Map it to a column of the table if it holds data you need.",
    ),
    "empty_value": (
        "'{column}' is empty.",
        "This column is required: fill in a value on every row.",
    ),
    "wrong_type": (
        "'{column}': '{value}' is not {expected}.",
        "Write it like {example}.",
    ),
    "negative": (
        "'{column}' is negative ({value}).",
        "Money and counts cannot be negative: check the sign or the column mapping.",
    ),
    "out_of_range": (
        "'{column}' = {value} is outside {low}–{high}.",
        "Allowed values run from {low} to {high}; check the scale of the source.",
    ),
    "not_allowed": (
        "'{column}' = '{value}' is not one of: {allowed}.",
        "Use one of the allowed values{suggestion}.",
    ),
    "date_out_of_range": (
        "'{column}' = {value} is outside {low} … {high}.",
        "Check the year and the order of day and month; future dates are not accepted.",
    ),
    "unknown_channel": (
        "Channel '{value}' is not known.",
        "{suggestion}Or create it: choose its pillar (sales, reputation, communication) and kind.",
    ),
    "unknown_campaign": (
        "Campaign '{value}' is not known.",
        "{suggestion}Import it into campaigns first, or map a campaign name column so new campaigns are created.",
    ),
    "duplicate_key": (
        "The same {key_columns} appears on several rows ({value}).",
        "Each {key_columns} may appear once in a file: remove or merge the repeated rows.",
    ),
    "too_long": (
        "'{column}' is longer than {limit} characters.",
        "Shorten the text; very long cells are usually a broken export.",
    ),
    "inconsistent": (
        "'{column}' ({value}) is {relation} '{other}' ({other_value}).",
        "Check both columns: {rule}.",
    ),
    "ragged_row": (
        "The row has {found} values, the header has {expected}.",
        "A separator inside an unquoted value or a truncated file: fix the row or re-export the file.",
    ),
    "no_rows": (
        "The file has no data rows.",
        "Check that you chose the right file and sheet.",
    ),
    "total_rows": (
        "{count} total row(s) at the end of the file are skipped.",
        "Totals are computed by the dashboard; nothing to do.",
    ),
    "channel_mismatch": (
        "Campaign '{value}' belongs to channel '{expected}', the row says '{found}'.",
        "The channel of the campaign is kept in campaigns; check the mapping of the channel column.",
    ),
}


@dataclass
class Problem:
    """One kind of problem, with the file rows where it occurs (first few listed, all counted)."""

    code: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    count: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    severity: Severity = "error"

    def _fields(self) -> dict[str, Any]:
        return {"column": self.column or "", "count": self.count, **self.params}

    def message(self) -> str:
        return TEXTS[self.code][0].format(**self._fields())

    def hint(self) -> str:
        return TEXTS[self.code][1].format(**self._fields())

    def rows_text(self) -> str:
        """'rows 3, 5, 8' or 'rows 3, 5, 8 … (120 in all)'."""
        if not self.rows:
            return ""
        listed = ", ".join(str(r) for r in self.rows)
        more = f" … ({self.count} in all)" if self.count > len(self.rows) else ""
        return ("row " if self.count == 1 else "rows ") + listed + more

    def text(self) -> str:
        where = self.rows_text()
        return f"{self.severity.upper()}: {self.message()}{' [' + where + ']' if where else ''} — {self.hint()}"


def at_rows(code: str, column: str | None, rows: Sequence[int] | Iterable[int], *, severity: Severity = "error",
            **params: Any) -> Problem:
    rows = list(rows)
    return Problem(code, column, tuple(rows[:MAX_ROWS_LISTED]), len(rows), params, severity)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def report(problems: Sequence[Problem]) -> str:
    """All problems as plain text, errors first (the command line prints this)."""
    ordered = sorted(problems, key=lambda p: (p.severity != "error", min(p.rows) if p.rows else 0))
    return "\n".join(p.text() for p in ordered)
