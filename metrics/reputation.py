"""Reputation pillar: Net Promoter Score with its margin of error, changes between periods,
verbatim comments, NPS after complaint handling, and brand trust with confidence intervals.

Review sentiment lives in ``metrics.reviews``, complaint handling in ``metrics.complaints``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl

from metrics.complaints import resolved_within_standard
from metrics.periods import GRAIN_EVERY
from metrics.rules import DETRACTOR_MAX, PROMOTER_MIN
from metrics.specs import MetricSpec, register

Z95 = 1.959963984540054


def nps_from_counts(counts: pl.DataFrame, *, by: Sequence[str] = (), min_answers: int | None = None) -> pl.DataFrame:
    """NPS per group from its counts.

    Input: ``*by``, ``n`` (answers), ``promoters`` (scores of ``PROMOTER_MIN`` or more) and
    ``detractors`` (``DETRACTOR_MAX`` or less), one row per group. Returns ``*by``, ``n``,
    ``promoters``, ``passives``, ``detractors`` (counts), ``nps`` (points, −100..100) and
    ``margin_of_error`` (points, 95%: 1.96·sqrt((p₊ + p₋ − (p₊ − p₋)²)/n)·100), sorted by
    ``by``; a group with n = 0 has null nps and margin. With ``min_answers``, a Boolean
    ``few_answers`` (n < min_answers) flags groups to read with care — they are flagged, not hidden.
    """
    keys = list(by)
    p_pro = pl.col("promoters") / pl.col("n")
    p_det = pl.col("detractors") / pl.col("n")
    has = pl.col("n") > 0
    out = counts.lazy().select(
        *keys,
        pl.col("n", "promoters").cast(pl.Int64),
        (pl.col("n") - pl.col("promoters") - pl.col("detractors")).cast(pl.Int64).alias("passives"),
        pl.col("detractors").cast(pl.Int64),
    ).with_columns(
        nps=pl.when(has).then((p_pro - p_det) * 100.0),
        margin_of_error=pl.when(has).then(
            Z95 * ((p_pro + p_det - (p_pro - p_det) ** 2) / pl.col("n")).sqrt() * 100.0
        ),
    )
    if keys:
        out = out.sort(keys)
    if min_answers is not None:
        out = out.with_columns(few_answers=pl.col("n") < min_answers)
    return out.collect()


def answer_counts(score: pl.Expr) -> list[pl.Expr]:
    """The counts :func:`nps_from_counts` takes, as aggregations of one answer per row
    (the SQL measures ``answers``, ``promoters``, ``detractors`` count the same)."""
    return [
        pl.len().cast(pl.Int64).alias("n"),
        (score >= PROMOTER_MIN).sum().cast(pl.Int64).alias("promoters"),
        (score <= DETRACTOR_MAX).sum().cast(pl.Int64).alias("detractors"),
    ]


def nps(responses: pl.DataFrame, *, by: Sequence[str] = (), score_col: str = "score",
        min_answers: int | None = None) -> pl.DataFrame:
    """:func:`nps_from_counts` of answers counted in polars.

    Input: one row per answer with an integer ``score`` 0..10. Without ``by`` there is
    always one row; with no answers its n is 0 and nps / margin are null.
    """
    counts = answer_counts(pl.col(score_col))
    lf = responses.lazy()
    grouped = lf.group_by(list(by)).agg(counts) if by else lf.select(counts)
    return nps_from_counts(grouped.collect(), by=by, min_answers=min_answers)


def nps_by_period(responses: pl.DataFrame, *, grain: str = "month", time_col: str = "responded_at",
                  by: Sequence[str] = (), min_answers: int | None = None) -> pl.DataFrame:
    """:func:`nps` per period (``period`` = start date of the bucket), plus any ``by`` columns."""
    with_period = responses.with_columns(pl.col(time_col).dt.truncate(GRAIN_EVERY[grain]).cast(pl.Date).alias("period"))
    return nps(with_period, by=["period", *by], min_answers=min_answers)


def nps_mix(scores: pl.DataFrame) -> pl.DataFrame:
    """Adds the promoter / passive / detractor mix to a frame from :func:`nps`.

    New columns: ``promoter_share``, ``passive_share``, ``detractor_share`` (ratios of
    ``n``, summing to 1; null when n = 0).
    """
    has = pl.col("n") > 0
    return scores.with_columns(
        promoter_share=pl.when(has).then(pl.col("promoters") / pl.col("n")),
        passive_share=pl.when(has).then(pl.col("passives") / pl.col("n")),
        detractor_share=pl.when(has).then(pl.col("detractors") / pl.col("n")),
    )


def _normal_two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0))


def nps_change(current: pl.DataFrame, previous: pl.DataFrame, *, by: Sequence[str] = (),
               alpha: float = 0.05) -> pl.DataFrame:
    """Is the move in NPS between two periods bigger than the noise?

    Inputs: two frames from :func:`nps` with the same ``by`` columns. Returns ``*by``,
    ``nps``, ``nps_previous`` (points), ``n``, ``n_previous``, ``change`` (points),
    ``margin_of_change`` (points, 95%: 1.96·sqrt(se₁² + se₂²), the two samples being
    independent), ``z`` (change / its standard error), ``p_value`` (two-sided, normal
    approximation) and ``significant`` (p < alpha). Null where a side has no answers;
    ``z`` and ``p_value`` are null when neither sample varies (every answer in the same
    class on both sides), and then ``significant`` is false.
    """
    keys = list(by)
    cur = current.select(*keys, "n", "nps", (pl.col("margin_of_error") / Z95).alias("se"))
    prev = previous.select(*keys, pl.col("n").alias("n_previous"), pl.col("nps").alias("nps_previous"),
                           (pl.col("margin_of_error") / Z95).alias("se_previous"))
    joined = cur.join(prev, on=keys, how="full", coalesce=True) if keys else pl.concat([cur, prev], how="horizontal")
    se_diff = (pl.col("se") ** 2 + pl.col("se_previous") ** 2).sqrt()
    out = joined.with_columns(
        change=pl.col("nps") - pl.col("nps_previous"),
        margin_of_change=Z95 * se_diff,
        z=pl.when(se_diff > 0).then((pl.col("nps") - pl.col("nps_previous")) / se_diff),
    )
    p_values = [None if z is None else _normal_two_sided_p(z) for z in out["z"].to_list()]
    out = out.with_columns(p_value=pl.Series(p_values, dtype=pl.Float64)).with_columns(
        significant=pl.when(pl.col("change").is_not_null()).then(pl.col("p_value").fill_null(1.0) < alpha),
    )
    cols = [*keys, "nps", "nps_previous", "n", "n_previous", "change", "margin_of_change", "z", "p_value",
            "significant"]
    out = out.select(cols)
    return out.sort(keys) if keys else out


BLANK = " \t\r\n"  # characters a comment may consist of and still be empty


def latest_comments(responses: pl.DataFrame, *, scores: tuple[int, int] = (0, 10), limit: int = 50,
                    time_col: str = "responded_at", id_col: str = "response_id") -> pl.DataFrame:
    """The newest answers that carry a comment (not only :data:`BLANK`), with a score in [low, high].

    Returns the input columns, newest first (the higher ``id_col`` first among answers
    given at the same moment), at most ``limit`` rows. Comments are text from customers:
    show them as text.
    """
    low, high = scores
    order = [time_col, *([id_col] if id_col in responses.columns else [])]
    return (
        responses.lazy()
        .filter(pl.col("comment").is_not_null() & (pl.col("comment").str.strip_chars(BLANK) != "")
                & pl.col("score").is_between(low, high))
        .sort(order, descending=True)
        .head(limit)
        .collect()
    )


HANDLING = ("within_standard", "late")


def nps_by_handling(counts: pl.DataFrame) -> pl.DataFrame:
    """NPS after a complaint per ``handling`` (both of :data:`HANDLING`, in that order) from the counts
    ``handling``, ``n``, ``promoters``, ``detractors`` of the first answers after complaints; a
    handling with no answer has zero counts. Returns ``handling`` plus the columns of :func:`nps_from_counts`."""
    out = nps_from_counts(counts, by=["handling"])
    return pl.DataFrame({"handling": list(HANDLING)}).join(out, on="handling", how="left").with_columns(
        pl.col("n", "promoters", "passives", "detractors").fill_null(0)
    )


def nps_after_complaints(complaints: pl.DataFrame, responses: pl.DataFrame, *, standard_hours: float,
                         within_days: int = 365) -> pl.DataFrame:
    """NPS of the first answer a customer gives after a complaint, by how it was handled.

    Inputs: complaints (``customer_id``, ``opened_at``, ``resolved_at``) and answers
    (``customer_id``, ``responded_at``, ``score``) over a long enough span. Each complaint
    is matched with the customer's first answer in (opened_at, opened_at + within_days].
    ``handling``: ``within_standard`` (resolved within ``standard_hours``), ``late``
    (resolved later, or still open beyond the standard when the customer answered).
    Returns :func:`nps_by_handling` of those answers. (The page counts them in SQL:
    ``connectors.reputation.nps_after_complaints_counts``.)
    """
    comp = complaints.lazy().select(
        "customer_id", "opened_at",
        pl.when(resolved_within_standard(standard_hours)).then(pl.lit("within_standard")).otherwise(pl.lit("late")).alias("handling"),
        pl.int_range(pl.len()).alias("_complaint"),
    )
    answers = responses.lazy().select("customer_id", "responded_at", "score")
    first = (
        comp.join(answers, on="customer_id")
        .filter((pl.col("responded_at") > pl.col("opened_at"))
                & (pl.col("responded_at") <= pl.col("opened_at") + pl.duration(days=within_days)))
        .sort("responded_at")
        .group_by("_complaint")
        .agg(pl.col("handling").first(), pl.col("score").first())
        .collect()
    )
    return nps_by_handling(first.group_by("handling").agg(answer_counts(pl.col("score"))))


def wilson_interval(agree: pl.Expr, n: pl.Expr, *, z: float = Z95) -> tuple[pl.Expr, pl.Expr]:
    """Wilson score interval of a proportion agree / n (stays inside [0, 1], sound for small n)."""
    p = agree / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denom
    half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom
    return centre - half, centre + half


def brand_trust(surveys: pl.DataFrame, *, questions: Sequence[str] | None = None) -> pl.DataFrame:
    """Share agreeing per survey wave and question, with its 95% Wilson interval.

    Input: ``period`` (date), ``question``, ``agree``, ``n`` (people asked). Returns
    ``period``, ``question``, ``agree``, ``n`` (counts), ``share`` = agree / n,
    ``ci_low``, ``ci_high`` (ratios), sorted by question and period. Waves with n = 0
    have null share and interval.
    """
    lf = surveys.lazy()
    if questions is not None:
        lf = lf.filter(pl.col("question").is_in(list(questions)))
    lf = lf.group_by("period", "question").agg(
        pl.col("agree").sum().cast(pl.Int64), pl.col("n").sum().cast(pl.Int64)
    )
    low, high = wilson_interval(pl.col("agree").cast(pl.Float64), pl.col("n").cast(pl.Float64))
    has = pl.col("n") > 0
    share = pl.col("agree") / pl.col("n")
    return lf.with_columns(
        share=pl.when(has).then(share),
        ci_low=pl.when(has).then(pl.min_horizontal(low, share).clip(0.0, 1.0)),  # rounding never leaves share out
        ci_high=pl.when(has).then(pl.max_horizontal(high, share).clip(0.0, 1.0)),
    ).sort("question", "period").collect()


register(
    MetricSpec(
        "nps_change", "NPS change", "Изменение NPS",
        "NPS now − NPS in the comparison period, in points. ± is the 95% margin of the change, "
        "1.96·√(se₁² + se₂²); the change is significant when it is larger than that margin (p < 0.05).",
        "NPS сейчас − NPS в периоде сравнения, в пунктах. ± — погрешность изменения с доверием 95%, "
        "1,96·√(se₁² + se₂²); изменение значимо, если оно больше этой погрешности (p < 0,05).",
        "points", "derived", ("nps",),
    ),
    MetricSpec(
        "nps_mix", "Promoters, passives, detractors", "Промоутеры, нейтралы, критики",
        "Shares of answers scoring 9–10 (promoters), 7–8 (passives) and 0–6 (detractors); they sum to 100%.",
        "Доли ответов с оценками 9–10 (промоутеры), 7–8 (нейтралы) и 0–6 (критики); в сумме 100%.",
        "ratio", "ratio", ("nps_answers",),
    ),
    MetricSpec(
        "nps_after_complaint", "NPS after a complaint", "NPS после жалобы",
        "NPS of the first answer each customer gave within a year after opening a complaint, split by whether "
        "the complaint was resolved within the standard.",
        "NPS первого ответа клиента в течение года после жалобы — отдельно для жалоб, решённых в срок "
        "по стандарту и с опозданием.",
        "points", "derived", ("nps",),
    ),
    MetricSpec(
        "brand_trust", "Brand trust", "Доверие к бренду",
        "Share of survey respondents who agree they trust the brand (agree / asked). The band is the 95% "
        "Wilson confidence interval.",
        "Доля опрошенных, согласных, что доверяют бренду (согласны / опрошено). Полоса — 95% доверительный "
        "интервал Уилсона.",
        "ratio",
    ),
)
