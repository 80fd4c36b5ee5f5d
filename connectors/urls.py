"""Database URLs fit for logs and the UI: every password and secret query value masked."""

from __future__ import annotations

from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.engine import make_url

__all__ = ["safe_url", "url_secrets"]

# query parameters of a database URL whose values are secrets (libpq's password, sslpassword, tokens, keys)
_SECRET_QUERY = ("password", "passwd", "pwd", "secret", "token", "key", "credential", "auth")


def _is_secret_query(name: str) -> bool:
    lower = name.lower()
    return any(part in lower for part in _SECRET_QUERY)


def safe_url(url: str) -> str:
    """The URL with every password masked (in the user part and in the query), fit for logs and the UI."""
    try:
        parsed = make_url(url)
        pairs = [(k, "***" if _is_secret_query(k) else v) for k, values in parsed.query.items()
                 for v in ([values] if isinstance(values, str) else values)]
        base = parsed.set(query={}).render_as_string(hide_password=True)
        return base + ("?" + urlencode(pairs, safe="/*:,") if pairs else "")
    except Exception:  # an unparsable URL: show nothing of it
        return "<invalid database URL>"


def url_secrets(url: sa.URL) -> list[str]:
    """Every secret a URL holds: its password and the values of secret query parameters."""
    found = [url.password] if url.password else []
    for name, value in url.query.items():
        if _is_secret_query(name):
            found.extend([value] if isinstance(value, str) else list(value))
    return [v for v in found if v]
