"""Rows of a file into a table of text, one row at a time, within the read budget.

:class:`TableBuilder` takes the rows a reader yields (CSV lines, spreadsheet rows) with the
row numbers a person sees in the file, finds the header (report titles above it are
skipped), drops blank lines and trailing totals, notes ragged rows, and packs the body into
columnar chunks as it goes: what it holds grows with the cells of the file, never with
Python objects per cell. It stops as soon as the table has more cells or columns than the
budget allows.
"""

from __future__ import annotations

import re
from collections import deque

import polars as pl

from connectors.imports.budget import ReadBudget
from connectors.imports.problems import Problem, at_rows

ROW = "__row"  # the column holding each row's number in the file
HEADER_ROWS = 30  # the header is looked for among the first rows
DECIMAL_ROWS = 500  # rows after the header that vote on the decimal mark
CHUNK_CELLS = 200_000  # cells held as Python objects before they are packed into a frame
TAIL_ROWS = 1_000  # trailing rows that may be totals
_TOTAL = re.compile(r"^\s*(итого|всего|total|grand total|общий итог)\b", re.IGNORECASE)
_NUMBERISH = re.compile(r"^[\s+-]?[\d\s\u00a0.,%₽$€-]*\d[\d\s\u00a0.,%]*$")


class FileRejected(Exception):
    """The file cannot be read at all (wrong kind, undecodable, too large). Nothing was written."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def too_many_cells(budget: ReadBudget, rows: int, columns: int) -> FileRejected:
    return FileRejected("too_many_cells", f"The file holds more than {budget.max_cells:,} cells "
                        f"({rows:,} rows × {columns:,} columns or more); split it into smaller files.",
                        limit=f"{budget.max_cells:,}", rows=f"{rows:,}", columns=f"{columns:,}")


def too_many_columns(budget: ReadBudget, columns: int) -> FileRejected:
    return FileRejected("too_many_columns", f"The file has {columns:,} columns; at most {budget.max_columns:,} "
                        "can be read.", columns=f"{columns:,}", limit=f"{budget.max_columns:,}")


def detect_header(rows: list[list[str]]) -> int:
    """Index of the header row: the first row as wide as the data (titles above it are skipped)."""
    widths = [sum(1 for c in r if c.strip()) for r in rows[:HEADER_ROWS]]
    if not widths:
        return 0
    widest = max(widths)
    for i, w in enumerate(widths):
        if w >= max(1, 0.6 * widest) and not all(_NUMBERISH.match(c) for c in rows[i] if c.strip()):
            return i
    return 0


def column_names(cells: list[str]) -> list[str]:
    """Header cells as unique column names ('column 3' for an empty one, '(2)' for a repeated one)."""
    names: list[str] = []
    taken: set[str] = {ROW}
    for j, raw in enumerate(cells):
        base = " ".join(raw.replace("\ufeff", "").split()) or f"column {j + 1}"
        base = base[:200]
        name, k = base, 2
        while name in taken:
            name, k = f"{base} ({k})", k + 1
        names.append(name)
        taken.add(name)
    return names


class TableBuilder:
    """Collects rows (see the module docstring); :meth:`finish` returns the frame and the problems."""

    def __init__(self, budget: ReadBudget, header_row: int | None) -> None:
        self.budget = budget
        self.header_row = header_row  # 1-based row number in the file, None: detect
        self.head: list[tuple[int, list[str]]] = []  # rows before the header is known
        self.header: list[str] | None = None
        self.header_number = 1
        self.any_text = False
        self.sample: list[list[str]] = []  # the first body rows, for the decimal mark
        self._columns: list[list[str | None]] = []
        self._numbers: list[int] = []
        self._chunks: list[pl.DataFrame] = []
        self._rows = 0
        self._tail: deque[tuple[int, str, int]] = deque(maxlen=TAIL_ROWS)  # (number, first text, raw width)
        self._ragged: dict[int, list[int]] = {}

    # rows in ---------------------------------------------------------------------------
    def add(self, number: int, row: list[str]) -> None:
        if not self.any_text and any(c.strip() for c in row):
            self.any_text = True
        if self.header is not None:
            self._body(number, row)
            return
        if len(row) > self.budget.max_columns and (self.header_row is None or number == self.header_row):
            raise too_many_columns(self.budget, len(row))
        if self.header_row is not None:
            if number == self.header_row:
                self._set_header(number, row)
            return
        self.head.append((number, row))
        if len(self.head) >= HEADER_ROWS:
            self._header_from_head()

    def _header_from_head(self) -> None:
        rows = [r for _, r in self.head]
        h = detect_header(rows) if any(any(c.strip() for c in r) for r in rows) else 0
        number, header = self.head[h]
        rest = self.head[h + 1:]
        self.head = []
        self._set_header(number, header)
        for n, r in rest:
            self._body(n, r)

    def _set_header(self, number: int, row: list[str]) -> None:
        self.header = column_names(row)
        self.header_number = number
        self._columns = [[] for _ in self.header]

    def _body(self, number: int, row: list[str]) -> None:
        if not row or not ((row[0] and not row[0].isspace()) or any(c.strip() for c in row)):
            return  # a blank line
        width = len(self.header or ())
        if len(row) > width and any(c.strip() for c in row[width:]):
            self._ragged.setdefault(len(row), []).append(number)
        if len(self.sample) < DECIMAL_ROWS:
            self.sample.append(row)
        self._tail.append((number, next((c for c in row if c.strip()), ""), len(row)))
        for j, column in enumerate(self._columns):
            column.append(row[j] if j < len(row) else None)
        self._numbers.append(number)
        self._rows += 1
        if self._rows * max(width, 1) > self.budget.max_cells:
            raise too_many_cells(self.budget, self._rows, width)
        if len(self._numbers) * max(width, 1) >= CHUNK_CELLS:
            self._pack()

    def _pack(self) -> None:
        if not self._numbers:
            return
        self._chunks.append(pl.DataFrame(
            {**{name: pl.Series(name, col, dtype=pl.String) for name, col in zip(self.header or (), self._columns)},
             ROW: pl.Series(ROW, self._numbers, dtype=pl.Int64)}))
        self._columns = [[] for _ in self._columns]
        self._numbers = []

    # table out -------------------------------------------------------------------------
    def finish(self) -> tuple[pl.DataFrame, list[Problem]]:
        """The body (text columns named by the header, plus ROW) and the problems found while reading."""
        if not self.any_text:
            raise FileRejected("empty", "The file has no rows.")
        if self.header is None:
            if self.header_row is not None:
                raise FileRejected("header_row", f"Row {self.header_row} is not in the file.", row=self.header_row)
            self._header_from_head()
        self._pack()
        problems: list[Problem] = []
        totals = 0
        tail = list(self._tail)
        while tail and _TOTAL.match(tail[-1][1]):
            tail.pop()
            totals += 1
        dropped = {n for n, _, _ in list(self._tail)[len(tail):]}
        if totals:
            problems.append(Problem("total_rows", None, (), totals, {}, "warning"))
        width = len(self.header or ())
        for found, where in self._ragged.items():
            kept = [n for n in where if n not in dropped]
            if kept:
                problems.append(at_rows("ragged_row", None, kept, found=found, expected=width))
        schema = {**{name: pl.String for name in self.header or ()}, ROW: pl.Int64}
        frame = pl.concat(self._chunks, rechunk=False) if self._chunks else pl.DataFrame(schema=schema)
        self._chunks = []
        if totals:
            frame = frame.head(frame.height - totals)
        return frame, problems
