"""The shared view state (period, comparison, channels, regions, language) and its URL form.

Pure functions, no streamlit: ``parse_query`` turns a URL's query parameters into a
:class:`ViewState` plus the list of parts it could not use (shown to the user as a
notice); ``to_query`` writes a state back, leaving out defaults so links stay short.
Codes in the URL never depend on the interface language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from metrics.periods import PRESETS, comparison_period, preset_period

COMPARISONS = ("previous", "year", "custom", "none")
LANGUAGES = ("en", "ru")

# URL parameter names of the shared state.
P_PERIOD, P_FROM, P_TO, P_COMPARE, P_CFROM, P_CTO, P_CHANNELS, P_REGIONS, P_LANG = (
    "period", "from", "to", "compare", "cfrom", "cto", "ch", "region", "lang",
)
GLOBAL_PARAMS = (P_PERIOD, P_FROM, P_TO, P_COMPARE, P_CFROM, P_CTO, P_CHANNELS, P_REGIONS, P_LANG)
LIST_PARAMS = (P_CHANNELS, P_REGIONS)  # may repeat in a link (their values are merged); the others may not
MAX_VALUE_LENGTH = 2000
MIN_DATE, MAX_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


@dataclass(frozen=True)
class ViewState:
    period: str = "last_90_days"
    start: dt.date | None = None  # only with period == "custom"
    end: dt.date | None = None
    compare: str = "previous"
    channels: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    lang: str = "en"
    compare_start: dt.date | None = None  # only with compare == "custom"
    compare_end: dt.date | None = None


# days a source's last day may lag the periods' end before it is named (brand surveys come in monthly waves)
LAG_TOLERANCE_DAYS = {"brand_surveys": 62}
DEFAULT_LAG_TOLERANCE_DAYS = 7
CORE_SOURCES = ("orders", "spend")


@dataclass(frozen=True)
class Bounds:
    """The span of days that hold data; period presets count back from ``last`` (the last day both orders and
    spend cover). ``sources``: each fact table's (name, first day, last day), days None when it has no rows."""

    first: dt.date
    last: dt.date
    sources: tuple[tuple[str, dt.date | None, dt.date | None], ...] = ()

    def days_of(self, table: str) -> tuple[dt.date | None, dt.date | None]:
        for name, first, last in self.sources:
            if name == table:
                return first, last
        return None, None

    @property
    def empty(self) -> bool:
        """No fact table holds a row (only meaningful when ``sources`` are known)."""
        return bool(self.sources) and all(last is None for _, _, last in self.sources)

    def has_rows(self, tables: Iterable[str]) -> bool:
        return any(self.days_of(t)[1] is not None for t in tables)

    def covers(self, table: str, day: dt.date) -> bool:
        """The source holds data from ``day`` on (True for a source without rows: it has nothing to compare)."""
        first, _ = self.days_of(table)
        return first is None or first <= day

    def off_sources(self) -> list[tuple[str, dt.date]]:
        """The sources whose last day lags or leads the periods' end (both core sources when they differ)."""
        out = []
        core = {t: self.days_of(t)[1] for t in CORE_SOURCES}
        core_differ = None not in core.values() and len(set(core.values())) > 1
        for name, _, last in self.sources:
            if last is None:
                continue
            tolerance = LAG_TOLERANCE_DAYS.get(name, DEFAULT_LAG_TOLERANCE_DAYS)
            if (name in CORE_SOURCES and core_differ) or last > self.last \
                    or last < self.last - dt.timedelta(days=tolerance):
                out.append((name, last))
        return out


@dataclass(frozen=True)
class ParseResult:
    state: ViewState
    problems: tuple[str, ...] = field(default=())


def resolve_period(state: ViewState, bounds: Bounds) -> tuple[dt.date, dt.date]:
    """The inclusive (start, end) days a state's period covers (presets count back from ``bounds.last``)."""
    if state.period == "custom" and state.start and state.end:
        return state.start, state.end
    return preset_period(state.period, anchor=bounds.last, first=bounds.first)


def resolve_comparison(state: ViewState, bounds: Bounds) -> tuple[dt.date, dt.date] | None:
    """The days the period is compared with (None without a comparison); see ``metrics.periods``."""
    if state.compare == "none":
        return None
    if state.compare == "custom":
        if state.compare_start and state.compare_end:
            return state.compare_start, state.compare_end
        return resolve_comparison(replace(state, compare="previous"), bounds)
    start, end = resolve_period(state, bounds)
    preset = state.period if state.period != "custom" else None
    return comparison_period(start, end, state.compare, preset=preset)  # type: ignore[arg-type]


def _first(values: Sequence[str]) -> str:
    return values[-1] if values else ""


def _split(values: Sequence[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(x for x in (p.strip() for p in v.split(",")) if x)
    return out


_WHOLE = re.compile(r"[0-9]{1,15}")
_DECIMAL = re.compile(r"[0-9]{1,15}(\.[0-9]{1,6})?")


def whole_number(text: str) -> int | None:
    """A whole number written the plain way: ASCII digits only (no sign, spaces, ``_``, other scripts' digits)."""
    return int(text) if _WHOLE.fullmatch(text) else None


def decimal_number(text: str) -> float | None:
    """A non-negative number written the plain way: ASCII digits and an optional ``.`` fraction."""
    return float(text) if _DECIMAL.fullmatch(text) else None


def _date(text: str) -> dt.date | None:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if MIN_DATE <= day <= MAX_DATE else None


def parse_query(
    params: Mapping[str, Sequence[str]],
    *,
    channels: Iterable[str],
    regions: Iterable[str],
    default: ViewState = ViewState(),
    extra_params: Iterable[str] = (),
) -> ParseResult:
    """Read the shared state from URL parameters; anything unusable falls back to the default.

    ``params`` maps each parameter to all its values (a URL can repeat a key): channels and regions
    given twice are merged; any other parameter given twice is ambiguous and counts as unusable.
    ``extra_params`` are the page-level parameter names that are valid too.
    Problems are returned as parameter names (never the raw values, which may be hostile).
    """
    known_channels, known_regions = set(channels), set(regions)
    allowed = set(GLOBAL_PARAMS) | set(extra_params)
    problems: list[str] = []
    state = default
    for key, values in params.items():
        if key not in allowed:
            problems.append(key)
        elif any(len(v) > MAX_VALUE_LENGTH for v in values):
            problems.append(key)
        elif len(values) > 1 and key not in LIST_PARAMS:
            problems.append(key)
    clean = {k: list(v) for k, v in params.items() if k in GLOBAL_PARAMS and k not in problems}

    if P_PERIOD in clean:
        value = _first(clean[P_PERIOD])
        if value in PRESETS:
            state = replace(state, period=value)
        else:
            problems.append(P_PERIOD)
    if state.period == "custom":
        start = _date(_first(clean.get(P_FROM, [])))
        end = _date(_first(clean.get(P_TO, [])))
        if start and end and start <= end:
            state = replace(state, start=start, end=end)
        else:
            problems.extend(p for p in (P_FROM, P_TO) if p not in problems)
            state = replace(state, period=default.period if default.period != "custom" else "last_90_days")
    else:
        problems.extend(p for p in (P_FROM, P_TO) if p in clean)
    if P_COMPARE in clean:
        value = _first(clean[P_COMPARE])
        if value in COMPARISONS:
            state = replace(state, compare=value)
        else:
            problems.append(P_COMPARE)
    if state.compare == "custom":
        start = _date(_first(clean.get(P_CFROM, [])))
        end = _date(_first(clean.get(P_CTO, [])))
        if start and end and start <= end:
            state = replace(state, compare_start=start, compare_end=end)
        else:
            problems.extend(p for p in (P_CFROM, P_CTO) if p not in problems)
            state = replace(state, compare=default.compare if default.compare != "custom" else "previous")
    else:
        problems.extend(p for p in (P_CFROM, P_CTO) if p in clean)
    for key, known, attr in ((P_CHANNELS, known_channels, "channels"), (P_REGIONS, known_regions, "regions")):
        if key in clean:
            values = _split(clean[key])
            good = tuple(sorted({v for v in values if v in known}))
            if len(good) != len(set(values)):
                problems.append(key)
            state = replace(state, **{attr: good})
    if P_LANG in clean:
        value = _first(clean[P_LANG])
        if value in LANGUAGES:
            state = replace(state, lang=value)
        else:
            problems.append(P_LANG)
    return ParseResult(state, tuple(dict.fromkeys(problems)))


def to_query(state: ViewState, default: ViewState = ViewState()) -> dict[str, str]:
    """The URL parameters of a state, leaving out whatever equals the default."""
    out: dict[str, str] = {}
    if state.period != default.period:
        out[P_PERIOD] = state.period
    if state.period == "custom" and state.start and state.end:
        out[P_FROM] = state.start.isoformat()
        out[P_TO] = state.end.isoformat()
    if state.compare != default.compare:
        out[P_COMPARE] = state.compare
    if state.compare == "custom" and state.compare_start and state.compare_end:
        out[P_CFROM] = state.compare_start.isoformat()
        out[P_CTO] = state.compare_end.isoformat()
    if state.channels:
        out[P_CHANNELS] = ",".join(state.channels)
    if state.regions:
        out[P_REGIONS] = ",".join(state.regions)
    if state.lang != default.lang:
        out[P_LANG] = state.lang
    return out


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


# Markdown turns bare web and e-mail addresses into links (GFM autolinks) even when every special
# character is escaped; an invisible word joiner inside the trigger (``www.``, ``://``, ``@``) stops it.
_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=www)(?=\.)|(?=://)|(?=@)")


def escape_markdown(text: str, limit: int = 40) -> str:
    """Make untrusted text inert inside Streamlit markdown (no links, autolinks, HTML or formatting)."""
    text = text[:limit] + ("…" if len(text) > limit else "")
    text = "".join(ch for ch in text if ch.isprintable())
    return _MD_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(_JOINER, text))


def code_span(text: str, limit: int = 40) -> str:
    """Untrusted text as an inline code span: shown literally (no escapes needed, none shown)."""
    text = text[:limit] + ("…" if len(text) > limit else "")
    text = "".join(ch for ch in text if ch.isprintable()).replace("`", "'")
    return f"`{text}`" if text.strip() else ""
