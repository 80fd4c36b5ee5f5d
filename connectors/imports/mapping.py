"""Which file column feeds which table column: suggestions, presets, saved mappings.

Suggestions compare normalised names (case, spacing, punctuation, ё/е) with each
table column's English and Russian synonyms, then fall back to close spellings.
A preset describes a known export (Yandex Direct, Google Ads campaign reports) into
``spend``. A mapping the user confirmed is saved per source — the table plus the
set of file headers — so next month's file of the same shape maps itself.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from connectors.imports.rules import column_rules
from connectors.schema import natural_key

# table column -> names it goes by in exports (normalised when compared)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "channel_id": ("channel", "channel id", "канал", "источник", "source channel", "utm source"),
    "acquisition_channel_id": ("acquisition channel", "channel", "канал привлечения", "канал", "источник"),
    "campaign_id": ("campaign id", "campaign", "id кампании", "№ кампании", "номер кампании", "кампания id",
                    "кампания"),
    "campaign_name": ("campaign name", "campaign", "название кампании", "кампания"),
    "name": ("name", "название", "наименование"),
    "name_ru": ("name ru", "название по русски", "русское название"),
    "pillar": ("pillar", "направление", "опора", "цель"),
    "kind": ("kind", "type", "тип", "вид"),
    "region": ("region", "city", "регион", "город"),
    "day": ("day", "date", "дата", "день"),
    "amount": ("amount", "cost", "spend", "spent", "расход", "затраты", "стоимость", "расходы", "сумма"),
    "impressions": ("impressions", "impr", "показы", "просмотры"),
    "clicks": ("clicks", "клики", "переходы"),
    "journey_id": ("journey", "journey id", "путь", "id пути", "session", "сессия"),
    "customer_id": ("customer", "customer id", "client id", "клиент", "id клиента", "покупатель"),
    "ts": ("time", "timestamp", "date", "datetime", "время", "дата", "дата и время"),
    "touch_id": ("touch id", "touchpoint id", "id касания", "касание"),
    "lead_id": ("lead id", "lead", "id лида", "лид", "заявка", "id заявки"),
    "created_at": ("created at", "created", "date", "дата создания", "дата", "создан"),
    "first_seen": ("first seen", "first order", "first purchase", "первая покупка", "дата первой покупки",
                   "дата регистрации"),
    "segment": ("segment", "сегмент", "тип клиента"),
    "order_id": ("order id", "order", "id заказа", "номер заказа", "заказ"),
    "ordered_at": ("ordered at", "order date", "date", "дата заказа", "дата"),
    "revenue": ("revenue", "sales", "total", "выручка", "сумма заказа", "сумма", "оборот"),
    "cost_of_goods": ("cost of goods", "cogs", "cost", "себестоимость", "закупочная стоимость"),
    "response_id": ("response id", "answer id", "id ответа", "ответ"),
    "responded_at": ("responded at", "answered", "date", "дата ответа", "дата"),
    "score": ("score", "nps", "nps score", "оценка", "балл"),
    "comment": ("comment", "комментарий", "отзыв", "текст"),
    "language": ("language", "lang", "язык"),
    "touchpoint": ("touchpoint", "точка контакта", "этап"),
    "review_id": ("review id", "id отзыва", "отзыв id"),
    "source": ("source", "platform", "site", "площадка", "источник", "сайт"),
    "rating": ("rating", "stars", "рейтинг", "оценка", "звезды"),
    "sentiment": ("sentiment", "tone", "тональность"),
    "text": ("text", "review", "review text", "текст", "отзыв", "текст отзыва"),
    "answered_at": ("answered at", "reply date", "response date", "дата ответа", "ответ дан"),
    "complaint_id": ("complaint id", "ticket", "ticket id", "id жалобы", "номер обращения", "обращение"),
    "opened_at": ("opened at", "opened", "created", "дата обращения", "открыта", "дата"),
    "first_response_at": ("first response at", "first response", "первый ответ", "дата первого ответа"),
    "resolved_at": ("resolved at", "resolved", "closed", "решена", "дата решения", "закрыта"),
    "satisfied": ("satisfied", "доволен", "удовлетворен", "клиент доволен"),
    "topic": ("topic", "subject", "тема", "категория"),
    "period": ("period", "wave", "month", "период", "волна", "месяц"),
    "question": ("question", "вопрос"),
    "agree": ("agree", "yes", "согласны", "да"),
    "n": ("n", "respondents", "sample", "base", "респонденты", "выборка", "опрошено"),
    "post_id": ("post id", "id поста", "id публикации", "пост"),
    "network": ("network", "social network", "соцсеть", "сеть", "площадка"),
    "published_at": ("published at", "published", "date", "дата публикации", "дата"),
    "post_type": ("post type", "type", "тип поста", "тип"),
    "title": ("title", "заголовок", "название"),
    "reach": ("reach", "охват"),
    "likes": ("likes", "лайки", "нравится"),
    "comments": ("comments", "комментарии"),
    "shares": ("shares", "reposts", "репосты", "поделились"),
    "saves": ("saves", "bookmarks", "сохранения", "закладки"),
    "followers": ("followers", "subscribers", "подписчики", "участники"),
    "gained": ("gained", "new followers", "subscribed", "подписались", "новые подписчики"),
    "lost": ("lost", "unfollowed", "unsubscribed", "отписались"),
    "send_id": ("send id", "mailing id", "id рассылки", "рассылка"),
    "sent_at": ("sent at", "sent", "send date", "дата отправки", "дата"),
    "subject": ("subject", "тема письма", "тема"),
    "delivered": ("delivered", "доставлено"),
    "unique_opens": ("unique opens", "opens", "открытия", "уникальные открытия", "открыли"),
    "unique_clicks": ("unique clicks", "clicks", "клики", "уникальные клики", "кликнули"),
    "unsubscribes": ("unsubscribes", "unsubscribed", "отписки", "отписались"),
    "referral_id": ("referral id", "id рекомендации", "рекомендация"),
    "referrer_customer_id": ("referrer", "referrer id", "рекомендатель", "кто рекомендовал", "пригласивший"),
    "referred_customer_id": ("referred", "referred customer", "new customer", "приглашенный", "новый клиент"),
    "referred_at": ("referred at", "date", "дата рекомендации", "дата"),
    "start_date": ("start date", "start", "начало", "дата начала"),
    "end_date": ("end date", "end", "окончание", "дата окончания"),
}


@dataclass(frozen=True)
class Preset:
    """A known export format: its header names, fixed values, and campaign ids made from its own."""

    key: str
    label: str
    label_ru: str
    table: str
    columns: Mapping[str, tuple[str, ...]]  # table column -> header names used by the export
    constants: Mapping[str, str] = field(default_factory=dict)
    id_prefix: str = ""  # campaign ids of the platform become '<prefix><id>'


PRESETS: dict[str, Preset] = {
    "yandex_direct": Preset(
        "yandex_direct", "Yandex Direct: campaign report", "Яндекс Директ: отчёт по кампаниям", "spend",
        {"day": ("Дата", "День", "Date", "Day"),
         "campaign_id": ("№ Кампании", "ID кампании", "Номер кампании", "CampaignId", "Campaign ID"),
         "campaign_name": ("Кампания", "Название кампании", "CampaignName", "Campaign"),
         "impressions": ("Показы", "Impressions"),
         "clicks": ("Клики", "Clicks"),
         "amount": ("Расход (руб.)", "Расход, руб.", "Расход (руб.) с НДС", "Расход", "Cost")},
        constants={"channel_id": "search_ads"},
        id_prefix="yd_",
    ),
    "google_ads": Preset(
        "google_ads", "Google Ads: campaign report", "Google Ads: отчёт по кампаниям", "spend",
        {"day": ("Day", "Date", "День"),
         "campaign_id": ("Campaign ID", "Идентификатор кампании"),
         "campaign_name": ("Campaign", "Кампания"),
         "impressions": ("Impr.", "Impressions", "Показы"),
         "clicks": ("Clicks", "Клики"),
         "amount": ("Cost", "Стоимость", "Расходы")},
        constants={"channel_id": "search_ads"},
        id_prefix="gads_",
    ),
}


def normalise(name: str) -> str:
    text = name.lower().replace("ё", "е").replace("№", " id ")
    text = re.sub(r"\(.*?\)", " ", text)  # '(руб.)', '(RUB)'
    text = re.sub(r"[^\w]+", " ", text).replace("_", " ")
    return " ".join(text.split())


def targets(table: str) -> list[str]:
    return [r.name for r in column_rules(table)]


def _score(header: str, target: str, names: Sequence[str]) -> float:
    h = normalise(header)
    if not h:
        return 0.0
    if h == normalise(target):
        return 1.0
    norm = [normalise(n) for n in names]
    if h in norm:
        return 0.95 - 0.01 * norm.index(h)  # earlier synonyms are the likelier meaning
    best = max((difflib.SequenceMatcher(None, h, n).ratio() for n in [normalise(target), *norm]), default=0.0)
    return best * 0.85 if best >= 0.82 else 0.0


def suggest(table: str, columns: Sequence[str], preset: Preset | None = None) -> dict[str, str]:
    """table column -> file column, each file column used at most once (best matches first)."""
    wanted = targets(table)
    key = natural_key(table).columns
    candidates: list[tuple[float, str, str]] = []
    for target in wanted:
        names = SYNONYMS.get(target, ()) + (("id", "№", "номер") if key == (target,) else ())
        if preset is not None and target in preset.columns:
            known = [normalise(x) for x in preset.columns[target]]
            for header in columns:
                if normalise(header) in known:
                    candidates.append((2.0 - 0.01 * known.index(normalise(header)), target, header))
            continue
        if preset is not None and target in preset.constants:
            continue
        for header in columns:
            s = _score(header, target, names)
            if s > 0:
                candidates.append((s, target, header))
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for s, target, header in sorted(candidates, key=lambda c: (-c[0], wanted.index(c[1]))):
        if target in mapping or header in used:
            continue
        mapping[target] = header
        used.add(header)
    return {t: mapping[t] for t in wanted if t in mapping}


def source_signature(table: str, columns: Sequence[str]) -> str:
    """The identity of a source: the table and the set of its file's headers."""
    text = table + "|" + "|".join(sorted(normalise(c) for c in columns))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def meta_key(table: str, columns: Sequence[str]) -> str:
    return f"import_mapping:{table}:{source_signature(table, columns)}"


@dataclass(frozen=True)
class SavedMapping:
    mapping: dict[str, str]
    constants: dict[str, str]
    preset: str | None

    def dumps(self) -> str:
        return json.dumps({"mapping": self.mapping, "constants": self.constants, "preset": self.preset},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def loads(cls, raw: str | None, columns: Sequence[str], table: str) -> SavedMapping | None:
        """A saved mapping, keeping only what still fits this file and table."""
        if not raw:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        wanted = set(targets(table))
        mapping = {t: c for t, c in dict(data.get("mapping") or {}).items() if t in wanted and c in columns}
        constants = {t: str(v) for t, v in dict(data.get("constants") or {}).items() if t in wanted}
        preset = data.get("preset") if data.get("preset") in PRESETS else None
        return cls(mapping, constants, preset)
