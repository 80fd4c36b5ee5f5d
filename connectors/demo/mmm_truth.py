"""The demo's true weekly contribution of every channel's spend to the leads, for testing the marketing-mix model.

In the demo each sales channel's weekly leads are drawn around ``beta * hill(adstock(spend))``
(``SALES_CURVES``, recorded in the truth as ``expected_weekly_leads``). Four reputation and communication
channels have a halo: PR, sponsorship, events and social media bring leads of their own around the same
form (``HALO_CURVES``, recorded as ``halo_curves`` and ``expected_weekly_halo_leads``); those leads are
recorded with lead source ``direct``, so last-click credits them to no channel, but they are the channel's
true contribution. The other reputation and communication channels (care, gifts, newsletter, referral
programme) cause no leads: their true contribution is zero. Leads counted in a week also include organic
("direct") leads and the referral leads of earlier customers, which belong to the baseline.

Reads only the truth dictionary (``Demo.truth`` or ``meta.demo_truth``), so demo numbers stay as they are.
"""

from __future__ import annotations

import datetime as dt

import polars as pl


def true_weekly_contribution(truth: dict) -> pl.DataFrame:
    """``week`` (date, Monday), ``channel_id`` (str), ``contribution`` (f64, expected leads caused by that
    week's and earlier spend of the channel, the halo included) for every channel with spend; zero where none
    is caused."""
    start = dt.date.fromisoformat(truth["period"]["start"])
    expected = {**truth["expected_weekly_leads"], **truth.get("expected_weekly_halo_leads", {})}
    frames = []
    for channel, spend in sorted(truth["weekly_spend"].items()):
        values = expected.get(channel, [0.0] * len(spend))
        frames.append(pl.DataFrame({
            "week": [start + dt.timedelta(weeks=i) for i in range(len(spend))],
            "channel_id": channel,
            "contribution": [float(v) for v in values],
        }, schema={"week": pl.Date, "channel_id": pl.String, "contribution": pl.Float64}))
    return pl.concat(frames)
