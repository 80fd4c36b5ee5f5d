"""Importing files into the dashboard's tables: read, map, check everything, then write once.

    from connectors.imports import ImportRequest, plan_import, apply_import
    plan = plan_import(store, data, "september.csv", ImportRequest("spend", preset="yandex_direct"),
                       max_bytes=50 * 2**20)
    if plan.ok:
        apply_import(store, plan, imported_by="anna")

Modules: ``files`` (formats), ``values`` (text to typed values), ``mapping`` (suggestions,
presets, saved mappings), ``rules`` and ``check`` (validation), ``plan`` (diff and write),
``templates`` (example files for every table).
"""

from connectors.imports.check import NewChannel, References
from connectors.imports.files import FileRejected, FormatOptions, ParsedFile, read_file
from connectors.imports.mapping import PRESETS, suggest
from connectors.imports.plan import (
    ImportBlocked, ImportPlan, ImportRequest, ImportResult, apply_import, import_file, import_log, plan_import,
)
from connectors.imports.problems import Problem, report

__all__ = [
    "FileRejected", "FormatOptions", "ImportBlocked", "ImportPlan", "ImportRequest", "ImportResult", "NewChannel",
    "PRESETS", "ParsedFile", "Problem", "References", "apply_import", "import_file", "import_log", "plan_import",
    "read_file", "report", "suggest",
]
