"""Check a database URL before the app is pointed at it: can it be reached, which of the dashboard's tables it
holds, and would the app write imports to it. Nothing is written; no secret of the URL is ever returned."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from connectors import schema
from connectors.urls import safe_url, url_secrets

CONNECT_TIMEOUT_S = 10


@dataclass(frozen=True)
class DatabaseCheck:
    shown_url: str  # the URL with its secrets masked
    engine: str  # the dialect, e.g. postgresql, duckdb ("" when the URL cannot be read)
    reachable: bool
    found: tuple[str, ...] = ()  # the dashboard's tables the database holds
    missing: tuple[str, ...] = ()  # those it lacks (python -m connectors.init --url ... creates them)
    writable: bool = False  # the app writes imports, saved scenarios and its log there
    error: str = ""  # why it could not be reached, secrets removed


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text.strip().splitlines()[0][:300] if text.strip() else ""


def check_database(url: str) -> DatabaseCheck:
    """Connect to ``url`` (a SQLAlchemy URL, or ``duckdb:///FILE``) read only and list the tables it holds."""
    url = (url or "").strip()
    shown = safe_url(url)
    try:
        parsed = make_url(url)
    except Exception:
        return DatabaseCheck(shown, "", False, error="not a database URL (e.g. postgresql://user@host/db)")
    engine_name = parsed.get_backend_name()
    secrets = url_secrets(parsed)
    wanted = [t.name for t in schema.metadata.sorted_tables]
    try:
        if engine_name == "duckdb":
            import duckdb

            path = Path(parsed.database or "")
            if not path.is_file():
                return DatabaseCheck(shown, engine_name, False, error=f"no such file: {path}")
            con = duckdb.connect(str(path), read_only=True)
            try:
                names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            finally:
                con.close()
        else:
            connect_args = {"connect_timeout": CONNECT_TIMEOUT_S} if engine_name == "postgresql" else {}
            engine = sa.create_engine(parsed, connect_args=connect_args, poolclass=sa.pool.NullPool)
            try:
                with engine.connect():
                    names = set(sa.inspect(engine).get_table_names())
            finally:
                engine.dispose()
    except Exception as exc:  # unreachable, refused, unknown driver: said in plain words, without secrets
        return DatabaseCheck(shown, engine_name, False, error=_scrub(f"{type(exc).__name__}: {exc}", secrets))
    found = tuple(n for n in wanted if n in names)
    missing = tuple(n for n in wanted if n not in names)
    return DatabaseCheck(shown, engine_name, True, found, missing, writable=engine_name in ("duckdb", "postgresql"))
