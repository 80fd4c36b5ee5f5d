"""Tables of the Communication page: metric frames in, display frames out (translated headers,
locale-formatted text cells). Text from the data (post titles) stays plain text, and cells that a
spreadsheet would run as a formula (starting with = + - @) get a leading apostrophe, so the
table's CSV download is safe to open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from connectors.export import neutralise_text
from dashboard.i18n import MESSAGES, fmt_date, fmt_money, fmt_number, fmt_pct, t
from metrics.specs import spec

def fmt_interval(x: float | None, low: float | None, high: float | None, fmt: Callable[[float | None], str]) -> str:
    """'6.5% (6.2–6.8%)': a value with its 95% interval; just the value when the interval is unknown."""
    if x is None:
        return fmt(None)
    if low is None or high is None:
        return fmt(x)
    return f"{fmt(x)} ({fmt(low)}–{fmt(high)})"


def network_name(code: str, lang: str) -> str:
    key = f"comm.network.{code}"
    return t(key, lang) if key in MESSAGES else code


def post_type_name(code: str, lang: str) -> str:
    return t(f"comm.type.{code}", lang)


def _pct2(lang: str) -> Callable[[float | None], str]:
    return lambda x: fmt_pct(x, lang, digits=2)


def post_type_table(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """``post_type_comparison`` for display: one row per type, rates with their 95% intervals."""
    pct1 = lambda x: fmt_pct(x, lang)  # noqa: E731
    num1 = lambda x: fmt_number(x, lang, digits=1)  # noqa: E731
    rows = [{
        t("comm.col.type", lang): post_type_name(r["post_type"], lang),
        t("comm.col.posts", lang): fmt_number(r["posts"], lang),
        spec("er_reach").label_for(lang): fmt_interval(r["er_reach"], r["er_low"], r["er_high"], pct1),
        spec("clicks_per_post").label_for(lang): fmt_interval(r["clicks_per_post"], r["clicks_low"], r["clicks_high"],
                                                              num1),
        spec("ctr").label_for(lang): fmt_pct(r["ctr"], lang, digits=2),
        t("comm.col.unfollows", lang): fmt_interval(r["unfollow_rate"], r["unfollow_low"], r["unfollow_high"],
                                                    _pct2(lang)),
    } for r in frame.iter_rows(named=True)]
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def network_table(engagement: pl.DataFrame, growth: pl.DataFrame, lang: str, *, denominator: str) -> pl.DataFrame:
    """Per network: posts, reach, the chosen engagement rate, CTR and follower growth."""
    joined = engagement.join(growth, on="network", how="full", coalesce=True).sort("network")
    er = f"er_{denominator}"
    rows = [{
        t("comm.col.network", lang): network_name(r["network"], lang),
        t("comm.col.posts", lang): fmt_number(r["posts"], lang),
        spec("reach").label_for(lang): fmt_number(r["reach"], lang),
        spec(er).label_for(lang): fmt_pct(r[er], lang, digits=2),
        spec("ctr").label_for(lang): fmt_pct(r["ctr"], lang, digits=2),
        t("comm.col.followers_end", lang): fmt_number(r["followers_end"], lang),
        spec("net_followers").label_for(lang): _signed(r["net"], lang),
        spec("follower_growth").label_for(lang): fmt_pct(r["growth_rate"], lang),
    } for r in joined.iter_rows(named=True)]
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def _signed(x: float | None, lang: str) -> str:
    if x is None:
        return fmt_number(None, lang)
    return ("+" if x > 0 else "−" if x < 0 else "") + fmt_number(abs(x), lang)


def top_posts_table(frame: pl.DataFrame, lang: str, *, denominator: str) -> pl.DataFrame:
    """``top_posts`` for display; the title is plain text, neutralised for spreadsheets."""
    rows = [{
        t("comm.col.date", lang): fmt_date(r["published_at"].date() if isinstance(r["published_at"], dt.datetime)
                                           else r["published_at"], lang),
        t("comm.col.network", lang): network_name(r["network"], lang),
        t("comm.col.type", lang): post_type_name(r["post_type"], lang),
        t("comm.col.title", lang): neutralise_text(r["title"]),
        spec("reach").label_for(lang): fmt_number(r["reach"], lang),
        spec(f"er_{denominator}").label_for(lang): fmt_pct(r["er"], lang, digits=2),
        spec("social_clicks").label_for(lang): fmt_number(r["clicks"], lang),
    } for r in frame.iter_rows(named=True)]
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def campaign_table(frame: pl.DataFrame, lang: str, names: dict[str, str]) -> pl.DataFrame:
    """``email_funnel`` by campaign for display."""
    rows = [{
        t("comm.col.mailing", lang): neutralise_text(names.get(r["campaign_id"], r["campaign_id"])),
        t("comm.col.sends", lang): fmt_number(r["sends"], lang),
        spec("email_delivered").label_for(lang): fmt_number(r["delivered"], lang),
        spec("email_open_rate").label_for(lang) + " *": fmt_pct(r["open_rate"], lang),
        spec("email_click_rate").label_for(lang): fmt_pct(r["click_rate"], lang),
        spec("email_click_to_open").label_for(lang) + " *": fmt_pct(r["click_to_open"], lang),
        spec("email_unsubscribe_rate").label_for(lang): fmt_pct(r["unsubscribe_rate"], lang, digits=2),
    } for r in frame.iter_rows(named=True)]
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def nps_class_table(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """``referrals_by_nps_class`` for display: referrals per 100 customers of each class."""
    rows = [{
        t("comm.col.nps_class", lang): t(f"comm.class.{r['nps_class']}", lang),
        t("comm.col.customers", lang): fmt_number(r["customers"], lang),
        spec("referrals").label_for(lang): fmt_number(r["referrals"], lang),
        t("comm.col.per_100", lang): fmt_number(None if r["referrals_per_customer"] is None
                                                else r["referrals_per_customer"] * 100, lang, digits=1),
        t("comm.col.vs_detractors", lang): (fmt_number(r["vs_detractors"], lang, digits=1) + "×"
                                            if r["vs_detractors"] is not None else fmt_number(None, lang)),
    } for r in frame.iter_rows(named=True)]
    return pl.DataFrame(rows)


def referred_value_table(frame: pl.DataFrame, lang: str, currency: str) -> pl.DataFrame:
    """``referred_customer_value`` for display: referred customers next to the others."""
    rows = [{
        t("comm.col.customers_group", lang): t(f"comm.group.{r['group']}", lang),
        t("comm.col.buyers", lang): fmt_number(r["customers"], lang),
        spec("orders").label_for(lang): fmt_number(r["orders"], lang),
        spec("revenue").label_for(lang): fmt_money(r["revenue"], lang, currency),
        spec("gross_profit").label_for(lang): fmt_money(r["gross_profit"], lang, currency),
        t("comm.col.gp_per_customer", lang): fmt_money(r["gross_profit_per_customer"], lang, currency, compact=False),
        t("comm.col.gp_share", lang): fmt_pct(r["gross_profit_share"], lang),
    } for r in frame.iter_rows(named=True)]
    return pl.DataFrame(rows)


def promo_summary(penalty: pl.DataFrame, unfollows: pl.DataFrame, growth: pl.DataFrame, lang: str) -> list[str]:
    """The post-type lesson in two sentences: promo engagement vs other posts, and unfollows per post.

    Only numbers formatted here go into the (markdown) text; no text from the data.
    """
    out = []
    er = penalty.filter(pl.col("measure") == "er_reach")
    r = er.row(0, named=True) if er.height else {}
    if r.get("multiplier") is None or r.get("ci_low") is None:
        out.append(t("comm.promo.too_few", lang))
    else:
        x2 = lambda v: fmt_number(v, lang, digits=2)  # noqa: E731
        out.append(t("comm.promo.er", lang, mult=x2(r["multiplier"]), low=x2(r["ci_low"]), high=x2(r["ci_high"]),
                     promo=fmt_pct(r["promo_rate"], lang, digits=2), other=fmt_pct(r["other_rate"], lang, digits=2)))
    terms = {row["term"]: row for row in unfollows.iter_rows(named=True)}
    promo, other = terms.get("promo", {}), terms.get("other", {})
    if promo.get("unfollow_rate") is not None and other.get("unfollow_rate") is not None:
        audience = growth["followers_end"][0] if growth.height else None
        people = promo["unfollow_rate"] * audience if audience else None
        out.append(t("comm.promo.unfollows", lang, promo=fmt_pct(promo["unfollow_rate"], lang, digits=2),
                     low=fmt_pct(promo["ci_low"], lang, digits=2), high=fmt_pct(promo["ci_high"], lang, digits=2),
                     other=fmt_pct(other["unfollow_rate"], lang, digits=2),
                     people=fmt_number(people, lang), followers=fmt_number(audience, lang)))
    return out


def funnel_texts(funnel: pl.DataFrame, lang: str) -> dict[str, str]:
    """The funnel's labels: each stage's count and its share of delivered mail, in the locale."""
    r = funnel.row(0, named=True)
    delivered = r["delivered"]
    return {k: f"{fmt_number(r[k], lang)} ({fmt_pct(r[k] / delivered if delivered else None, lang, digits=0)})"
            for k in ("delivered", "unique_opens", "unique_clicks")}
