"""Metrics declared as data: name, labels, definition, unit, kind and inputs.

The UI shows each definition next to its number; a test fails when a metric lacks
a description in either language, or when a ratio names an input that is not a
declared metric.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["money", "count", "ratio", "points", "days", "hours", "months", "multiple"]
Kind = Literal["simple", "ratio", "derived"]


@dataclass(frozen=True)
class MetricSpec:
    name: str
    label: str
    label_ru: str
    description: str
    description_ru: str
    unit: Unit
    kind: Kind = "simple"
    inputs: tuple[str, ...] = ()
    higher_is_better: bool = True
    caveat: str = ""  # a known bias of the number the UI must show next to it (both languages or neither)
    caveat_ru: str = ""

    def label_for(self, lang: str) -> str:
        return self.label_ru if lang == "ru" else self.label

    def description_for(self, lang: str) -> str:
        return self.description_ru if lang == "ru" else self.description

    def caveat_for(self, lang: str) -> str:
        return self.caveat_ru if lang == "ru" else self.caveat


REGISTRY: dict[str, MetricSpec] = {}


def register(*specs: MetricSpec) -> None:
    for spec in specs:
        if spec.name in REGISTRY and REGISTRY[spec.name] != spec:
            raise ValueError(f"metric {spec.name!r} declared twice with different specs")
        REGISTRY[spec.name] = spec


def spec(name: str) -> MetricSpec:
    return REGISTRY[name]


register(
    MetricSpec(
        "spend", "Spend", "Затраты",
        "All marketing costs of the channels in the period, whatever the pillar.",
        "Все маркетинговые затраты каналов за период, к какой бы группе они ни относились.",
        "money", higher_is_better=False,
    ),
    MetricSpec(
        "budget_share", "Share of budget", "Доля бюджета",
        "The pillar's spend divided by all marketing spend in the period.",
        "Затраты группы, делённые на все маркетинговые затраты за период.",
        "ratio", "ratio", ("spend",),
    ),
    MetricSpec(
        "revenue", "Revenue", "Выручка",
        "Sum of order revenue in the period (orders of customers acquired by the selected channels).",
        "Сумма выручки по заказам за период (заказы клиентов, привлечённых выбранными каналами).",
        "money",
    ),
    MetricSpec(
        "cost_of_goods", "Cost of goods", "Себестоимость",
        "Cost of the goods sold in the period's orders.",
        "Себестоимость товаров в заказах за период.",
        "money", higher_is_better=False,
    ),
    MetricSpec(
        "gross_profit", "Gross profit", "Валовая прибыль",
        "Revenue − cost of goods.",
        "Выручка − себестоимость.",
        "money", "derived", ("revenue", "cost_of_goods"),
    ),
    MetricSpec(
        "orders", "Orders", "Заказы",
        "Number of orders placed in the period.",
        "Число заказов за период.",
        "count",
    ),
    MetricSpec(
        "nps", "NPS", "NPS",
        "Net Promoter Score = % promoters (9–10) − % detractors (0–6), in points, from −100 to +100. "
        "± is the 95% margin of error: 1.96·√((p₊ + p₋ − (p₊ − p₋)²)/n).",
        "Индекс NPS = % промоутеров (9–10) − % критиков (0–6), в пунктах, от −100 до +100. "
        "± — погрешность с доверием 95%: 1,96·√((p₊ + p₋ − (p₊ − p₋)²)/n).",
        "points", "derived", ("nps_answers",),
    ),
    MetricSpec(
        "nps_answers", "NPS answers", "Ответы NPS",
        "Number of answers to 'How likely are you to recommend us to a friend?' (0–10).",
        "Число ответов на вопрос «Насколько вероятно, что вы порекомендуете нас другу?» (0–10).",
        "count",
    ),
    MetricSpec(
        "engagements", "Engagements", "Вовлечения",
        "Likes + comments + shares + saves on the period's social posts.",
        "Лайки + комментарии + репосты + сохранения публикаций за период.",
        "count",
    ),
    MetricSpec(
        "reach", "Reach", "Охват",
        "Unique people who saw the period's social posts, summed over posts.",
        "Уникальные пользователи, увидевшие публикации периода, в сумме по публикациям.",
        "count",
    ),
    MetricSpec(
        "er_reach", "Engagement rate (by reach)", "Вовлечённость (по охвату)",
        "Engagements / reach of the same posts.",
        "Вовлечения / охват тех же публикаций.",
        "ratio", "ratio", ("engagements", "reach"),
    ),
)
