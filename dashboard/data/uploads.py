"""Uploaded files in the import wizard: what is kept between reruns, and never the parsed table.

Streamlit holds the uploaded bytes while the file sits in the uploader; the server refuses
larger uploads than the ``max_upload_mb`` setting (``server.maxUploadSize`` follows it, so
the limit holds for any client, not only in the widget). Of a parsed file the wizard keeps
a :class:`Preview` (the detected format and five rows) and of a check a
:class:`CheckResult` (counts and problems): the import step reads and checks the file again
and writes that plan, so no table of an upload outlives the run that needed it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import polars as pl
import streamlit as st
from streamlit import config as st_config

from connectors.imports import FileRejected, FormatOptions, ImportPlan, ParsedFile, Problem, read_file
from connectors.imports.files import ROW

PREVIEWS = "imp_previews"  # {(sha, options): Preview | FileRejected} of this session
MAX_PREVIEWS = 4


def hold_upload_limit(max_mb: int) -> None:
    """The server accepts no upload larger than the setting (it checks while the body arrives)."""
    if st_config.get_option("server.maxUploadSize") != max_mb:
        st_config.set_option("server.maxUploadSize", max_mb)


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes
    sha: str

    @classmethod
    def of(cls, file: Any) -> Upload:
        data = file.getvalue()
        return cls(file.name, data, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class Preview:
    """What the format step shows of a parsed file."""

    kind: str
    encoding: str | None
    separator: str | None
    decimal: str
    header_row: int
    sheet: str | None
    sheets: tuple[str, ...]
    columns: tuple[str, ...]
    rows: int
    head: pl.DataFrame  # the first five rows

    @classmethod
    def of(cls, parsed: ParsedFile) -> Preview:
        return cls(parsed.kind, parsed.encoding, parsed.separator, parsed.decimal, parsed.header_row, parsed.sheet,
                   parsed.sheets, tuple(parsed.columns), parsed.rows, parsed.frame.head(5).drop(ROW))


def preview(upload: Upload, options: FormatOptions, max_bytes: int) -> Preview | FileRejected:
    """The file's preview, parsed once per (file, options) in this session; the table is dropped at once."""
    cache: dict = st.session_state.setdefault(PREVIEWS, {})
    key = (upload.sha, options, max_bytes)
    if key not in cache:
        try:
            cache[key] = Preview.of(read_file(upload.data, upload.name, max_bytes=max_bytes, options=options))
        except FileRejected as exc:
            cache[key] = exc
        while len(cache) > MAX_PREVIEWS:
            cache.pop(next(iter(cache)))
    return cache[key]


@dataclass(frozen=True)
class CheckResult:
    """What the report of a check shows (the plan's tables are not kept)."""

    sha: str
    rows_in_file: int
    rows_new: int | None
    rows_changed: int | None
    rows_same: int | None
    problems: tuple[Problem, ...]
    new_campaigns: int
    previous_imports: tuple[dict[str, Any], ...]
    unknown_channels: tuple[str, ...]
    ok: bool

    @classmethod
    def of(cls, plan: ImportPlan) -> CheckResult:
        return cls(plan.parsed.sha256, plan.parsed.rows, plan.rows_new, plan.rows_changed, plan.rows_same,
                   tuple(plan.problems), plan.checked.new_campaigns.height, tuple(plan.previous_imports),
                   tuple(plan.checked.unknown_channels), plan.ok)
