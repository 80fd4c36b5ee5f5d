"""The one settings object: every setting with its name, default and help.

Read from environment variables (``DASHBOARD_<NAME>``) and, inside the app, from
``st.secrets`` (keys of the same lower-case name); the environment wins. The
README's configuration table is generated from ``SPECS`` and tested against it.
This module does not import streamlit, so command-line tools can use it too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SettingSpec:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return f"DASHBOARD_{self.name.upper()}"


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    db_url: str = _setting("", "SQLAlchemy URL of the database (PostgreSQL, a warehouse). Imports are written to "
                           "PostgreSQL; other databases are only read. Empty: the embedded DuckDB file, built with "
                           "the demo company on first start.")
    read_only: int = _setting(0, "1: the dashboard never writes imports to the database (the company's own pipelines "
                                 "load it); the Data page says so instead of offering the import.")
    start_empty: int = _setting(0, "1: a new database starts with the tables and no data (no demo company); load "
                                   "the company's files on the Data page.")
    data_dir: str = _setting("data", "Folder of the embedded DuckDB file.")
    duckdb_file: str = _setting("dashboard.duckdb", "File name of the embedded DuckDB database inside data_dir.")
    demo_scale: str = _setting("small", "Size of the demo company built on first start: small or large.")
    demo_seed: int = _setting(42, "Random seed of the demo company (same seed, same data).")
    currency: str = _setting("RUB", "ISO code of the reporting currency used to format money.")
    language: str = _setting("en", "Default interface language: en or ru.")
    default_period: str = _setting("last_90_days", "Period preset opened by default.")
    nps_min_answers: int = _setting(30, "NPS groups with fewer answers are flagged as unreliable.")
    review_answer_hours: int = _setting(24, "Service standard: hours to answer a public review.")
    complaint_resolution_hours: int = _setting(48, "Service standard: hours to resolve a complaint.")
    active_months: int = _setting(12, "A customer who ordered within this many months is active.")
    lost_months: int = _setting(24, "A customer with no order for this many months is lost (> 1 year).")
    loyal_orders: int = _setting(3, "An active customer with at least this many orders is loyal.")
    discount_rate: float = _setting(0.12, "Yearly discount rate for profit and CLV projections.")
    horizon_years: int = _setting(3, "Horizon of the retention-to-profit projection, in years.")
    clv_fit_customers: int = _setting(50000, "Most customers the CLV models (BG/NBD, Gamma-Gamma) are fitted on: "
                                      "a fixed sample chosen by a hash of the customer id when there are more; "
                                      "the predictions are then summed over every customer.")
    lookback_days: int = _setting(30, "Attribution look-back window, in days.")
    half_life_days: int = _setting(7, "Half-life of the time-decay attribution model, in days.")
    max_upload_mb: int = _setting(50, "Largest file accepted by the import, in megabytes.")
    warm_up: int = _setting(1, "1: after a start or an import, compute the default views of the heavy pages in the "
                               "background, so the first visitor does not wait; 0: off.")
    sentiment_classifier: str = _setting(
        "", "Review sentiment classifier to use instead of the built-in one: 'package.module:name', where "
        "name is an object (or a class or factory making one) with a 'name' and 'classify(texts, languages)', or "
        "'lexicon' for the earlier hand-made lexicon. Empty: the built-in offline classifier for Russian and "
        "English (a linear model on word and character n-grams trained on labelled review corpora).")
    sentiment_adapt: int = _setting(
        0, "1: adapt the built-in sentiment classifier to the company's own rated texts (reviews with stars, NPS "
           "comments with their score), keeping one in five apart to measure it; the adapted weights are written "
           "to sentiment-adapted.npz in the data folder (delete the file, or run python -m "
           "connectors.review_labels --adapt, to adapt again). 0: the shipped weights. Ignored when "
           "DASHBOARD_SENTIMENT_CLASSIFIER is set.")
    query_log: str = _setting(
        "", "File to append every database query to, one JSON line each (page, label, engine, rows, ms, bytes, "
        "ts); moved to FILE.1 at 20 MB. Summarise it with python -m benchmarks.query_log FILE. Empty: the recent "
        "queries are kept in memory only (shown on the Data page).")
    open_role: str = _setting("admin", "Role of everyone when sign-in is off (no [auth] section in secrets.toml): "
                              "viewer, editor or admin.")
    auth_role_claim: str = _setting("roles", "ID-token claim naming the signed-in user's role (a string or a list "
                                    "holding viewer, editor or admin; e.g. roles or groups).")
    auth_roles: str = _setting("", "Roles by user, e.g. alice@x.ru=admin,bob@x.ru=editor (e-mail or subject); "
                               "wins over the claim.")
    auth_default_role: str = _setting("viewer", "Role of a signed-in user whom neither auth_roles nor the claim "
                                      "names.")
    smtp_host: str = _setting("", "SMTP server the report command (python -m dashboard.report --mail-to) sends "
                              "reports through. Empty: reports are not mailed.")
    smtp_port: int = _setting(587, "Port of the SMTP server.")
    smtp_starttls: int = _setting(1, "1: switch the SMTP connection to TLS (STARTTLS) before signing in; 0: plain "
                                     "(a relay on the same machine or network).")
    smtp_user: str = _setting("", "User name for the SMTP server. Empty: no sign-in.")
    smtp_password: str = _setting("", "Password for the SMTP server (keep it in secrets.toml or the service's "
                                      "environment, not in a shell history).")
    smtp_from: str = _setting("", "Sender address of mailed reports. Empty: smtp_user.")

    @property
    def duckdb_path(self) -> Path:
        return Path(self.data_dir) / self.duckdb_file

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None) -> Settings:
        """Build settings from secrets, then environment variables (which win).

        A value that cannot be read as the setting's type raises ``ValueError``
        naming the setting, so a typo in the configuration is caught at start.
        """
        environ = os.environ if environ is None else environ
        secrets = secrets or {}
        values: dict[str, Any] = {}
        types = {f.name: type(f.default) for f in fields(cls)}
        for spec in SPECS:
            raw = environ.get(spec.env, secrets.get(spec.name))
            if raw is None or raw == "":
                continue
            kind = types[spec.name]
            try:
                values[spec.name] = kind(raw) if kind is not str else str(raw)
            except (TypeError, ValueError):
                raise ValueError(f"Setting {spec.env} must be a {kind.__name__}, got {raw!r}") from None
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.demo_scale not in ("small", "large"):
            raise ValueError("DASHBOARD_DEMO_SCALE must be small or large")
        if self.language not in ("en", "ru"):
            raise ValueError("DASHBOARD_LANGUAGE must be en or ru")
        if self.lost_months <= self.active_months:
            raise ValueError("DASHBOARD_LOST_MONTHS must be greater than DASHBOARD_ACTIVE_MONTHS")
        if self.clv_fit_customers < 2:
            raise ValueError("DASHBOARD_CLV_FIT_CUSTOMERS must be at least 2")
        from connectors.roles import ROLES, parse_role_map

        for name in ("open_role", "auth_default_role"):
            if getattr(self, name) not in ROLES:
                raise ValueError(f"DASHBOARD_{name.upper()} must be one of {', '.join(ROLES)}")
        parse_role_map(self.auth_roles)


SPECS: tuple[SettingSpec, ...] = tuple(
    SettingSpec(f.name, f.default, f.metadata["help"]) for f in fields(Settings)
)


# Settings whose value is a secret: the admin's settings table says whether they are set, never what they are.
SECRET_SETTINGS = frozenset({"smtp_password"})
# Settings that name a place on the server: shown by their last part only, as the Data page names the database file
PATH_SETTINGS = frozenset({"data_dir", "query_log"})


@dataclass(frozen=True)
class SettingInEffect:
    name: str
    env: str
    shown: str  # the value fit for the UI: database URLs with their passwords masked, secrets as set or not
    source: str  # "environment", "secrets" or "default"
    help: str


def shown_value(name: str, value: Any) -> str:
    """A setting's value fit for the UI and logs (no secret in it)."""
    if name in SECRET_SETTINGS:
        return "••••••" if value else ""
    if name in PATH_SETTINGS and value:
        return _last_part(str(value))
    if name == "db_url" and value:
        from connectors.urls import safe_url

        if str(value).startswith("duckdb:///"):
            return "duckdb:///" + _last_part(str(value).removeprefix("duckdb:///"))
        return safe_url(str(value))
    return str(value)


def _last_part(path: str) -> str:
    """``…/name`` for a path with folders (the server's folders are not shown), the path itself otherwise."""
    name = Path(path).name
    return name if name == path else f"…/{name}"


def in_effect(settings: Settings, environ: Mapping[str, str] | None = None,
              secrets: Mapping[str, Any] | None = None) -> list[SettingInEffect]:
    """Every setting with the value in effect and where it comes from (:meth:`Settings.from_env`'s order)."""
    environ = os.environ if environ is None else environ
    secrets = secrets or {}
    rows = []
    for spec in SPECS:
        if environ.get(spec.env, "") != "":
            source = "environment"
        elif secrets.get(spec.name) not in (None, ""):
            source = "secrets"
        else:
            source = "default"
        rows.append(SettingInEffect(spec.name, spec.env, shown_value(spec.name, getattr(settings, spec.name)),
                                    source, spec.help))
    return rows


def markdown_table() -> str:
    """The README's configuration table."""
    lines = ["| Environment variable | Default | Meaning |", "|---|---|---|"]
    for spec in SPECS:
        default = f"`{spec.default}`" if spec.default != "" else "(empty)"
        lines.append(f"| `{spec.env}` | {default} | {spec.help} |")
    return "\n".join(lines)


if __name__ == "__main__":  # print the README's configuration table
    print(markdown_table())
