"""One ROMI vocabulary: every label that says ROMI — in the interface texts and among the metrics' labels, in English
and Russian — names the value it counts, first orders or 12-month value, as "ROMI (first orders)" and "ROMI (12-month
value)" do. Sentences that mention ROMI (notes, captions, help) are not labels and say it in their own words."""

from __future__ import annotations

from dashboard.freshness import _registry
from dashboard.i18n import MESSAGES

VALUES = {"en": ("first orders", "12-month value"), "ru": ("первые заказы", "ценность за 12 месяцев")}
LANGS = ("en", "ru")


def is_label(text: str) -> bool:
    """A short name, not a sentence: no full stop, no colon, at most a line."""
    return len(text) <= 80 and ". " not in text and ": " not in text and not text.rstrip().endswith(".")


def romi_labels() -> list[tuple[str, str, str]]:
    """(where, language, text) of every ROMI label."""
    found = [(f"message {key}", lang, text) for key, pair in MESSAGES.items() for lang, text in zip(LANGS, pair)]
    found += [(f"metric {name}", lang, spec.label_for(lang)) for name, spec in _registry().items() for lang in LANGS]
    return [(where, lang, text) for where, lang, text in found if "ROMI" in text and is_label(text)]


def test_every_romi_label_names_its_value() -> None:
    labels = romi_labels()
    where = {w for w, _, _ in labels}
    # the Budget scenarios range, marginal and short labels, the Sales and Overview metrics are all collected
    assert {"message scn.col.marginal.12m",
            "message scn.col.marginal.first", "message scn.short.romi.12m", "metric romi", "metric romi_12m",
            "metric marginal_romi", "metric projected_romi"} <= where, sorted(where)
    unnamed = [(w, lang, text) for w, lang, text in labels if not any(v in text for v in VALUES[lang])]
    assert not unnamed, unnamed


def test_a_label_for_one_value_names_it_the_way_the_sales_page_and_the_overview_do() -> None:
    for horizon, (en, ru) in {"12m": ("12-month value", "ценность за 12 месяцев"),
                              "first": ("first orders", "первые заказы")}.items():
        for key in (f"scn.short.romi.{horizon}", f"scn.col.marginal.{horizon}"):
            assert f"({en})" in MESSAGES[key][0] and f"({ru})" in MESSAGES[key][1], key
