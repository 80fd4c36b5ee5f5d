"""The Reputation page's sections: KPI cards, charts and texts, drawn from a finished
:class:`dashboard.reputation.data.ReputationPage`. Customer text (comments, reviews) is shown
with markdown escaped, so HTML or markdown in it never renders.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.reputation import data as rep
from dashboard.reputation import charts
from dashboard.components import delta_text
from dashboard.components import chart, kpi, metric_help, table
from connectors.store import StoreError
from dashboard.context import PageContext
from dashboard.freshness import covered
from dashboard.filters import escape_markdown
from dashboard.i18n import fmt_date, fmt_number, fmt_pct, fmt_points, t
from dashboard.sidebar import region_label
from metrics.specs import spec

TEXT_LIMIT = 2000
CHART_CONFIG = {"displayModeBar": False}


def _label(metric: str, lang: str) -> str:
    return spec(metric).label_for(lang)


def _plot(fig) -> None:
    chart(fig, config=CHART_CONFIG, width="stretch")


def _value_label(prefix: str, value: str, lang: str) -> str:
    key = f"{prefix}{value}"  # prefix: "src.", "tp.", ... (the message keys of a column's values)
    try:
        return t(key, lang)
    except KeyError:  # a value the company's data has and the interface does not know
        return value


def _group_labels(dim: str, values: list[str], lang: str) -> dict[str, str]:
    if dim == "region":
        return {v: region_label(v, lang) for v in values}
    prefix = {"segment": "seg.", "touchpoint": "tp."}[dim]
    return {v: _value_label(prefix, v, lang) for v in values}


def nps_text(row: dict | None, lang: str) -> str:
    """'+32.9 ±2.6' (the NPS card's value)."""
    if not row or row.get("nps") is None:
        return "—"
    return f"{fmt_points(row['nps'], lang, signed=True)} ±{fmt_number(row['margin_of_error'], lang, digits=1)}"


def headline_cards(page: rep.ReputationPage, ctx: PageContext) -> None:
    lang = ctx.lang
    cols = st.columns(4)
    prev_nps = page.nps_previous["nps"] if page.nps_previous else None
    with cols[0]:
        kpi(_label("nps", lang), nps_text(page.nps_now, lang),
            delta=delta_text(page.nps_now["nps"], prev_nps, lang, points=True,
                             covered=covered(ctx, "nps")),
            help=metric_help("nps", lang))
        if page.nps_now["n"] and page.nps_now["few_answers"]:
            st.caption(f":material/warning: {t('overview.nps_small', lang)} (n = {page.nps_now['n']})")
        elif page.nps_now["n"]:
            st.caption(t("rep.answers", lang, n=fmt_number(page.nps_now["n"], lang)))
    totals, prev = page.review_totals, page.review_totals_previous
    for col, metric, field in ((cols[1], "positive_reviews", "positive"), (cols[2], "negative_reviews", "negative")):
        with col:
            kpi(_label(metric, lang), fmt_number(totals[field], lang),
                delta=delta_text(float(totals[field]), float(prev[field]) if prev else None, lang,
                                 covered=covered(ctx, metric)),
                delta_color="normal" if spec(metric).higher_is_better else "inverse", help=metric_help(metric, lang))
            share = totals[f"{field}_share"]
            st.caption(f"{fmt_pct(share, lang)} · {_label('reviews', lang).lower()}: {fmt_number(totals['reviews'], lang)}"
                       if share is not None else t("rep.no_reviews", lang))
    c, cp = page.complaints, page.complaints_previous
    with cols[3]:
        kpi(_label("complaints_within_standard", lang), fmt_pct(c["within_standard_share"], lang),
            delta=delta_text(c["within_standard_share"], cp["within_standard_share"] if cp else None, lang,
                             points=True, scale=100.0,
                             covered=covered(ctx, "complaints_within_standard")),
            help=metric_help("complaints_within_standard", lang))
        st.caption(f"{_label('complaints', lang)}: {fmt_number(c['complaints'], lang)}")
    if page.nps_change and page.nps_change["change"] is not None:
        ch = page.nps_change
        key = "rep.change.significant" if ch["significant"] else "rep.change.noise"
        p = "—" if ch["p_value"] is None else fmt_number(ch["p_value"], lang, digits=3)
        st.caption(t(key, lang, change=fmt_points(ch["change"], lang, signed=True),
                     margin=fmt_number(ch["margin_of_change"], lang, digits=1), p=p),
                   help=metric_help("nps_change", lang))


def nps_section(page: rep.ReputationPage, ctx: PageContext) -> None:
    lang = ctx.lang
    st.subheader(t("rep.nps.section", lang))
    if not page.nps_now["n"]:
        st.info(t("rep.no_answers", lang), icon=":material/event_busy:")
        return
    few = t("rep.few.mark", lang)
    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown(f"**{t('rep.nps.trend', lang)}**", help=metric_help("nps", lang))
        _plot(charts.nps_trend(page.nps_trend, y_title=t("rep.nps.axis", lang), few_label=few))
    with right:
        st.markdown(f"**{t('rep.nps.mix', lang)}**", help=metric_help("nps_mix", lang))
        names = {"promoter_share": t("rep.promoters", lang), "passive_share": t("rep.passives", lang),
                 "detractor_share": t("rep.detractors", lang)}
        _plot(charts.nps_mix(page.nps_trend, names=names, y_title=t("rep.share.axis", lang)))
    cols = st.columns(len(page.nps_by), gap="medium")
    for col, (dim, frame) in zip(cols, page.nps_by.items()):
        with col:
            st.markdown(f"**{t('rep.nps.by', lang)}: {t(f'rep.dim.{dim}', lang).lower()}**")
            labels = _group_labels(dim, [str(v) for v in frame[dim].to_list()], lang)
            _plot(charts.nps_by_group(frame, group=dim, labels=labels, x_title=t("rep.nps.axis", lang),
                                      few_label=few))
    st.caption(t("rep.few", lang, n=ctx.settings.nps_min_answers))


def comments_section(page: rep.ReputationPage, ctx: PageContext, scores: tuple[int, int]) -> None:
    lang = ctx.lang
    st.markdown(f"**{t('rep.comments', lang)}**")
    st.slider(t("rep.comments.score", lang), 0, 10, key=rep.SCORE_KEY)
    frame = page.comments
    if frame.height == 0:
        st.caption(t("rep.comments.none", lang))
        return
    st.caption(t("rep.comments.shown", lang, n=frame.height, low=scores[0], high=scores[1]))
    with st.container(height=380):
        for row in frame.iter_rows(named=True):
            meta = " · ".join([
                fmt_date(row["responded_at"].date(), lang), t("rep.score", lang, score=row["score"]),
                _value_label("tp.", row["touchpoint"], lang) if row["touchpoint"] else "",
                region_label(row["region"], lang) if row["region"] else "",
            ])
            with st.container(border=True):
                st.caption(escape_markdown(meta, TEXT_LIMIT))
                st.markdown(escape_markdown(row["comment"], TEXT_LIMIT))


def reviews_section(page: rep.ReputationPage, ctx: PageContext) -> None:
    lang = ctx.lang
    s = ctx.settings
    st.subheader(t("rep.reviews.section", lang))
    if not page.review_totals["reviews"]:
        st.info(t("rep.no_reviews", lang), icon=":material/event_busy:")
        return
    names = {label: t(f"rep.sentiment.{label}", lang) for label in charts.SENTIMENT_COLORS}
    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown(f"**{t('rep.reviews.by_period', lang)}**", help=metric_help("positive_reviews", lang))
        _plot(charts.sentiment_by_period(page.reviews_by_period, names=names, y_title=t("rep.reviews.axis", lang)))
    with right:
        st.markdown(f"**{t('rep.reviews.by_source', lang)}**")
        sources = {v: _value_label("src.", v, lang) for v in page.reviews_by_source["source"].unique().to_list()}
        _plot(charts.sentiment_by_source(page.reviews_by_source, names=names, sources=sources,
                                         x_title=t("rep.reviews.axis", lang)))
    src = page.sentiment_sources
    st.caption(t("rep.sentiment.from", lang, rating=fmt_number(src.get("rating", 0), lang),
                 source=fmt_number(src.get("source", 0), lang), text=fmt_number(src.get("text", 0), lang),
                 classifier=page.labelled_by))
    classifier_accuracy(page, ctx)
    if not page.labels_current:
        labels_notice(page, ctx)
    r, rp = page.responses, page.responses_previous
    cols = st.columns(4)
    with cols[0]:
        kpi(_label("average_rating", lang), f"{fmt_number(page.average_rating, lang, digits=2)} ★"
            if page.average_rating is not None else "—", help=metric_help("average_rating", lang))
    with cols[1]:
        kpi(_label("review_response_rate", lang), fmt_pct(r["response_rate"], lang),
            delta=delta_text(r["response_rate"], rp["response_rate"] if rp else None, lang, points=True, scale=100.0,
                             covered=covered(ctx, "review_response_rate")),
            help=metric_help("review_response_rate", lang))
    with cols[2]:
        kpi(_label("review_response_hours", lang), _hours(r["median_response_hours"], lang),
            delta=delta_text(r["median_response_hours"], rp["median_response_hours"] if rp else None, lang,
                             covered=covered(ctx, "review_response_hours")),
            delta_color="inverse", help=metric_help("review_response_hours", lang))
    with cols[3]:
        kpi(_label("review_sla_share", lang), fmt_pct(r["sla_share"], lang),
            delta=delta_text(r["sla_share"], rp["sla_share"] if rp else None, lang, points=True, scale=100.0,
                             covered=covered(ctx, "review_sla_share")),
            help=metric_help("review_sla_share", lang))
    left, mid, right = st.columns(3, gap="medium")
    with left:
        st.markdown(f"**{t('rep.ratings', lang)}**")
        if page.ratings["reviews"].sum():
            _plot(charts.rating_bars(page.ratings, x_title=t("rep.ratings.axis", lang),
                                     y_title=t("rep.reviews.axis", lang)))
        else:
            st.caption(t("rep.ratings.none", lang))
    with mid:
        st.markdown(f"**{t('rep.responses', lang)}**")
        series = {"response_rate": t("rep.responses.rate", lang),
                  "sla_share": t("rep.responses.sla", lang, hours=s.review_answer_hours)}
        _plot(charts.rates_over_time(page.responses_by_period, series=series, y_title="%"))
    with right:
        st.markdown(f"**{t('rep.responses.hours', lang)}**")
        _plot(charts.hours_against_standard(
            page.responses_by_period, column="median_response_hours", name=t("rep.responses.hours", lang),
            standard=s.review_answer_hours, standard_label=t("rep.standard", lang, hours=s.review_answer_hours),
            y_title=t("rep.hours.axis", lang)))
    latest_reviews(page.latest_reviews, lang)


def classifier_accuracy(page: rep.ReputationPage, ctx: PageContext) -> None:
    """How often the configured classifier is right on the company's own held-out rated texts."""
    lang = ctx.lang
    rows = rep.held_out_accuracy(ctx).filter(pl.col("kind") == "all")
    if not rows.height:
        st.caption(t("rep.sentiment.accuracy_none", lang))
        return
    row = rows.row(0, named=True)
    st.caption(t("rep.sentiment.accuracy", lang, classifier=page.classifier_name, n=fmt_number(row["texts"], lang),
                 accuracy=fmt_pct(row["accuracy"], lang),
                 **{c: fmt_pct(row[f"recall_{c}"], lang) for c in ("positive", "neutral", "negative")}))


def labels_notice(page: rep.ReputationPage, ctx: PageContext) -> None:
    """The stored labels are not the configured classifier's: say so, and offer to label them again."""
    lang = ctx.lang
    other = sum(n for name, n in page.labels.by_classifier if name != page.classifier_name)
    st.info(t("rep.labels.stale", lang, other=fmt_number(other, lang), stored=page.labelled_by,
              unlabelled=fmt_number(page.labels.unlabelled, lang), classifier=page.classifier_name),
            icon=":material/sync_problem:")
    if st.button(t("rep.labels.relabel", lang, classifier=page.classifier_name), key=rep.RELABEL_KEY,
                 icon=":material/refresh:"):
        try:
            with st.spinner(t("rep.labels.working", lang)):
                count = rep.relabel_reviews(ctx)
        except StoreError as exc:
            st.error(t("rep.labels.failed", lang, message=str(exc)), icon=":material/error:")
            return
        st.toast(t("rep.labels.done", lang, n=fmt_number(count, lang)))
        st.rerun()


def _hours(value: float | None, lang: str) -> str:
    return "—" if value is None else f"{fmt_number(value, lang, digits=1)} {'ч' if lang == 'ru' else 'h'}"


def latest_reviews(frame: pl.DataFrame, lang: str) -> None:
    st.markdown(f"**{t('rep.latest_reviews', lang)}**")
    with st.container(height=380):
        for row in frame.iter_rows(named=True):
            parts = [fmt_date(row["created_at"].date(), lang), _value_label("src.", row["source"], lang)]
            if row["rating"] is not None:
                parts.append("★" * int(row["rating"]))
            if row["sentiment"] is not None:
                parts.append(t(f"rep.sentiment.{row['sentiment']}", lang).lower()
                             + (f" ({t('rep.review.by_text', lang)})" if row["sentiment_from"] == "text" else ""))
            if row["answered_at"] is not None:
                hours = (row["answered_at"] - row["created_at"]).total_seconds() / 3600
                parts.append(t("rep.review.answered", lang, hours=fmt_number(hours, lang, digits=1)))
            else:
                parts.append(t("rep.review.unanswered", lang))
            with st.container(border=True):
                st.caption(escape_markdown(" · ".join(parts), TEXT_LIMIT))
                st.markdown(escape_markdown(row["text"] or "", TEXT_LIMIT))


def complaints_section(page: rep.ReputationPage, ctx: PageContext) -> None:
    lang = ctx.lang
    hours = ctx.settings.complaint_resolution_hours
    st.subheader(t("rep.complaints.section", lang))
    c, cp = page.complaints, page.complaints_previous
    if not c["complaints"]:
        st.info(t("rep.no_complaints", lang), icon=":material/event_busy:")
        return
    cols = st.columns(4)
    with cols[0]:
        kpi(_label("complaints", lang), fmt_number(c["complaints"], lang),
            delta=delta_text(float(c["complaints"]), float(cp["complaints"]) if cp else None, lang,
                             covered=covered(ctx, "complaints")),
            delta_color="inverse", help=metric_help("complaints", lang))
    with cols[1]:
        kpi(_label("complaint_resolution_hours", lang), _hours(c["median_resolution_hours"], lang),
            delta=delta_text(c["median_resolution_hours"], cp["median_resolution_hours"] if cp else None, lang,
                             covered=covered(ctx, "complaint_resolution_hours")),
            delta_color="inverse", help=metric_help("complaint_resolution_hours", lang))
    with cols[2]:
        kpi(_label("complaint_satisfaction", lang), fmt_pct(c["satisfaction"], lang),
            delta=delta_text(c["satisfaction"], cp["satisfaction"] if cp else None, lang, points=True, scale=100.0,
                             covered=covered(ctx, "complaint_satisfaction")),
            help=metric_help("complaint_satisfaction", lang))
    with cols[3]:
        kpi(_label("complaint_backlog", lang), fmt_number(page.backlog["open"], lang),
            help=metric_help("complaint_backlog", lang))
        st.caption(t("rep.complaints.backlog_note", lang, overdue=fmt_number(page.backlog["overdue"], lang),
                     hours=hours))
    left, mid, right = st.columns(3, gap="medium")
    with left:
        st.markdown(f"**{t('rep.complaints.trend', lang, hours=hours)}**",
                    help=metric_help("complaints_within_standard", lang))
        _plot(charts.complaints_and_share(
            page.complaints_by_period, bar_title=_label("complaints", lang),
            share_name=_label("complaints_within_standard", lang), y_title=t("rep.complaints.axis", lang),
            y2_title=t("rep.complaints.share_axis", lang)))
    with mid:
        st.markdown(f"**{t('rep.complaints.hours', lang)}**")
        _plot(charts.hours_against_standard(
            page.complaints_by_period, column="median_resolution_hours", name=t("rep.complaints.hours", lang),
            standard=hours, standard_label=t("rep.standard", lang, hours=hours), y_title=t("rep.hours.axis", lang)))
    with right:
        st.markdown(f"**{t('rep.complaints.after', lang)}**", help=metric_help("nps_after_complaint", lang))
        labels = {"within_standard": t("rep.handling.within_standard", lang, hours=hours),
                  "late": t("rep.handling.late", lang)}
        _plot(charts.nps_by_handling(page.nps_after_complaints, labels=labels, x_title=t("rep.nps.axis", lang)))
        st.caption(t("rep.complaints.after_note", lang))
    left, _ = st.columns([2, 1], gap="medium")
    with left:
        names = {v: _value_label("topic.", v, lang) for v in page.topics["topic"].drop_nulls().to_list()}
        topics = page.topics.with_columns(pl.col("topic").replace(names), pl.col("within_standard_share") * 100)
        table(
            topics, hide_index=True, width="stretch",
            column_config={
                "topic": st.column_config.TextColumn(t("rep.complaints.topics", lang)),
                "complaints": st.column_config.NumberColumn(_label("complaints", lang)),
                "within_standard_share": st.column_config.ProgressColumn(
                    _label("complaints_within_standard", lang), min_value=0.0, max_value=100.0, format="%.1f%%"),
            },
        )


def brand_section(page: rep.ReputationPage, ctx: PageContext) -> None:
    lang = ctx.lang
    st.subheader(t("rep.brand.section", lang))
    if page.brand.height == 0:
        st.info(t("rep.brand.none", lang), icon=":material/event_busy:")
        return
    trust = page.brand.filter(pl.col("question") == "trust").sort("period")
    left, right = st.columns([1, 3], gap="medium")
    with left:
        if trust.height:
            last = trust.row(-1, named=True)
            prev = trust.row(-2, named=True) if trust.height > 1 else None
            kpi(_label("brand_trust", lang), fmt_pct(last["share"], lang),
                delta=delta_text(last["share"], prev["share"] if prev else None, lang, points=True, scale=100.0),
                help=metric_help("brand_trust", lang))
            st.caption(t("rep.latest_wave", lang, date=fmt_date(last["period"], lang), n=fmt_number(last["n"], lang))
                       + f" · 95%: {fmt_pct(last['ci_low'], lang)}–{fmt_pct(last['ci_high'], lang)}")
    with right:
        st.markdown(f"**{t('rep.brand.trend', lang)}**")
        names = {q: t(f"rep.question.{q}", lang) for q in charts.QUESTION_COLORS}
        _plot(charts.brand_trend(page.brand, names=names, y_title=t("rep.brand.axis", lang), period=ctx.period))
        st.caption(t("rep.brand.note", lang))
