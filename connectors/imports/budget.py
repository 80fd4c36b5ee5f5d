"""How much reading one file may take, whatever its format: one budget, checked while parsing.

A file under the size limit can still unpack to far more than its size: a CSV of empty
cells (``,,,,``), a zip whose directory under-states its content, a spreadsheet with one
cell in A1 and one in XFD1048576 (a reader allocates the whole rectangle), a Parquet file
of 20 million identical rows. So the limits are on what the file *holds*, and each is
checked before or while the data is read, never after:

- ``max_cells`` (rows × columns of the table as read) and ``max_columns``: CSV rows are
  counted as they are parsed; a spreadsheet's cells and extent are counted from its sheet
  XML, and a Parquet file's rows and columns from its metadata, before any data is read;
- ``max_unpacked``: the bytes an XLSX really inflates to (measured, not taken from the
  zip directory) and a Parquet file's unpacked size as its metadata states it;
- ``max_text``: the bytes of text the cells of an XLSX or Parquet file hold once read (a
  value stored once and repeated on every row counts every time), and ``MAX_CELL_BYTES``
  for one cell: a CSV's text is bounded by its size, these formats' text by this;
- ``memory_mb`` and ``seconds``: XLSX and Parquet are parsed by native readers whose
  memory cannot be bounded from outside, so they run in a child process whose address
  space and CPU time are capped (see ``connectors/imports/isolated.py``).

With the defaults and the 50 MB upload limit no file drives a process above 1 GB
(``python -m benchmarks.bombs`` measures each kind of bomb).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CELLS = 10_000_000  # e.g. 1,000,000 rows of 10 columns
MAX_COLUMNS = 1_000
UNPACKED_FACTOR = 20  # an XLSX may unpack to 20 × the size limit (a Parquet file likewise)
TEXT_FACTOR = 3  # the cells of an XLSX or Parquet file may hold 3 × the size limit of text
MAX_CELL_BYTES = 4_000_000  # one cell's text (a CSV field may have 1,000,000 characters: up to 4 MB)
MEMORY_MB = 640  # what a child parse may allocate on top of its start-up
SECONDS = 300.0


@dataclass(frozen=True)
class ReadBudget:
    """The limits of reading one file (see the module docstring)."""

    max_bytes: int
    max_cells: int = MAX_CELLS
    max_columns: int = MAX_COLUMNS
    unpacked_factor: int = UNPACKED_FACTOR
    text_factor: int = TEXT_FACTOR
    memory_mb: int = MEMORY_MB
    seconds: float = SECONDS

    @property
    def max_unpacked(self) -> int:
        return self.unpacked_factor * self.max_bytes

    @property
    def max_text(self) -> int:
        return self.text_factor * self.max_bytes

    def limits(self) -> dict[str, float | int]:
        """The limits a child parse enforces (its command-line argument)."""
        return {"max_cells": self.max_cells, "max_columns": self.max_columns, "max_unpacked": self.max_unpacked,
                "max_text": self.max_text, "max_cell_bytes": MAX_CELL_BYTES, "memory_mb": self.memory_mb,
                "seconds": self.seconds}
