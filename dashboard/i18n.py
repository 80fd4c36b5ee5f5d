"""Interface texts in English and Russian, and locale-aware number, money and date formats."""

from __future__ import annotations

import datetime as dt
import math

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, format_percent

LANGUAGES = ("en", "ru")
LOCALES = {"en": "en_GB", "ru": "ru_RU"}
CURRENCY_SYMBOLS = {"RUB": "₽", "USD": "$", "EUR": "€", "GBP": "£", "KZT": "₸", "BYN": "Br", "CNY": "¥"}

MESSAGES: dict[str, tuple[str, str]] = {
    # navigation
    "app.title": ("Marketing results", "Результаты маркетинга"),
    "page.overview": ("Overview", "Обзор"),
    "page.sales": ("Sales", "Продажи"),
    "page.reputation": ("Reputation", "Репутация"),
    "page.communication": ("Communication", "Коммуникации"),
    "page.retention": ("Retention & profit", "Удержание и прибыль"),
    "page.scenarios": ("Budget scenarios", "Сценарии бюджета"),
    "page.data": ("Data", "Данные"),
    # sidebar
    "filters": ("Filters", "Фильтры"),
    "period": ("Period", "Период"),
    "period.last_30_days": ("Last 30 days", "Последние 30 дней"),
    "period.last_90_days": ("Last 90 days", "Последние 90 дней"),
    "period.last_month": ("Last full month", "Прошлый месяц"),
    "period.last_quarter": ("Last full quarter", "Прошлый квартал"),
    "period.year_to_date": ("Year to date", "С начала года"),
    "period.last_12_months": ("Last 12 months", "Последние 12 месяцев"),
    "period.all": ("All data", "Все данные"),
    "period.custom": ("Custom dates", "Свои даты"),
    "dates": ("Dates", "Даты"),
    "compare": ("Compare with", "Сравнить с"),
    "compare.previous": ("Previous period", "Предыдущим периодом"),
    "compare.year": ("Same period last year", "Тем же периодом год назад"),
    "compare.none": ("No comparison", "Без сравнения"),
    "channels": ("Channels", "Каналы"),
    "channels.all": ("All channels", "Все каналы"),
    "regions": ("Regions", "Регионы"),
    "regions.all": ("All regions", "Все регионы"),
    "language": ("Language", "Язык"),
    "share.button": ("Share this view", "Поделиться видом"),
    "share.help": (
        "Copy this link: it opens exactly this view — page, period, comparison, channels, regions and language.",
        "Скопируйте ссылку: она откроет точно этот вид — страницу, период, сравнение, каналы, регионы и язык.",
    ),
    "data.as_of": ("Data up to {date}", "Данные по {date}"),
    "showing": ("{start} – {end} · compared with {cstart} – {cend}", "{start} – {end} · сравнение с {cstart} – {cend}"),
    "showing.nocompare": ("{start} – {end}", "{start} – {end}"),
    "notice.bad_link": (
        "Part of this link could not be used, so defaults are shown instead: {items}.",
        "Часть ссылки не удалось применить, вместо неё показаны значения по умолчанию: {items}.",
    ),
    "notice.filters_scope": (
        "Company-wide activities without a region (PR, social media, newsletters) are always included.",
        "Активности без региона (PR, соцсети, рассылки) учитываются всегда.",
    ),
    # first start
    "build.title": ("Preparing the demo company", "Готовим демо-компанию"),
    "build.intro": (
        "No database yet: building the demo company (a home-goods retailer in Moscow, Krasnogorsk and Tver). "
        "This happens once; later starts reuse it.",
        "Базы данных ещё нет: создаём демо-компанию (магазин товаров для дома в Москве, Красногорске и Твери). "
        "Это делается один раз, потом данные используются повторно.",
    ),
    "build.done": ("The demo company is ready.", "Демо-компания готова."),
    # overview
    "overview.title": ("What do I get from this?", "Что я получаю за эти деньги?"),
    "overview.subtitle": (
        "Every line of the marketing budget, by what it is for: sales, reputation and communication — "
        "each measured in its own units.",
        "Каждая статья маркетингового бюджета по её цели: продажи, репутация и коммуникации — "
        "у каждой свои единицы результата.",
    ),
    "pillar.sales": ("Sales", "Продажи"),
    "pillar.reputation": ("Reputation", "Репутация"),
    "pillar.communication": ("Communication", "Коммуникации"),
    "pillar.sales.goal": ("Profit from customers", "Прибыль от клиентов"),
    "pillar.reputation.goal": ("Good attitude of customers and the public", "Хорошее отношение клиентов и общества"),
    "pillar.communication.goal": ("A common language with customers", "Общий язык с клиентами"),
    "overview.spend": ("Spend", "Затраты"),
    "overview.share": ("{share} of the budget", "{share} бюджета"),
    "overview.total_spend": ("Total marketing spend: {amount}", "Всего на маркетинг: {amount}"),
    "overview.no_spend": ("No spend in this period", "В этом периоде затрат нет"),
    "overview.no_answers": ("No answers in this period", "В этом периоде ответов нет"),
    "overview.no_posts": ("No posts in this period", "В этом периоде публикаций нет"),
    "overview.no_orders": ("No orders in this period", "В этом периоде заказов нет"),
    "overview.trend": ("Weekly trend", "Понедельная динамика"),
    "overview.more": (
        "Profit contribution per pillar and the retention-to-profit headline come with the Retention & profit page.",
        "Вклад каждой группы в прибыль и эффект удержания появятся вместе со страницей «Удержание и прибыль».",
    ),
    "overview.nps_small": ("Few answers: read with care", "Мало ответов: оценка неточна"),
    "vs": ("vs {value}", "было {value}"),
    "empty.period": (
        "Nothing was recorded in this period. Choose another period in the sidebar.",
        "За этот период данных нет. Выберите другой период на боковой панели.",
    ),
    # not built yet
    "todo.title": ("This page is not built yet", "Эта страница ещё не готова"),
    "todo.body": (
        "It will show: {what}. Until then nothing is shown here, rather than numbers that are not real.",
        "Здесь будет: {what}. Пока она не готова, мы ничего не показываем, чтобы не было ненастоящих цифр.",
    ),
    "todo.sales": (
        "ROMI by channel and campaign, the funnel, attribution models side by side, touches and days to a sale",
        "ROMI по каналам и кампаниям, воронка, модели атрибуции рядом, число касаний и дней до продажи",
    ),
    "todo.reputation": (
        "NPS trend with its margin of error, review sentiment, complaint handling and brand trust",
        "динамика NPS с погрешностью, тональность отзывов, работа с жалобами и доверие к бренду",
    ),
    "todo.communication": (
        "social engagement by network, follower growth, newsletters and word of mouth",
        "вовлечённость по соцсетям, рост подписчиков, рассылки и сарафанное радио",
    ),
    "todo.retention": (
        "customer status segments with actions, cohorts, CLV and the retention-to-profit impact",
        "статусы клиентов с действиями, когорты, CLV и влияние удержания на прибыль",
    ),
    "todo.scenarios": (
        "response curves per channel, editable budgets, projections with intervals, the optimiser and saved scenarios",
        "кривые отклика каналов, редактируемые бюджеты, прогноз с интервалами, оптимизатор и сохранённые сценарии",
    ),
    # data page
    "data.title": ("Data", "Данные"),
    "data.connection": ("Connection", "Подключение"),
    "data.tables": ("What is loaded", "Что загружено"),
    "data.table": ("Table", "Таблица"),
    "data.rows": ("Rows", "Строк"),
    "data.first": ("From", "С"),
    "data.last": ("To", "По"),
    "data.version": ("Data version", "Версия данных"),
    "data.demo": ("Demo company: {scale} scale, seed {seed}", "Демо-компания: размер {scale}, seed {seed}"),
    "data.import_todo": (
        "File import (CSV, XLSX, Parquet) with validation, import history and templates are not built yet.",
        "Импорт файлов (CSV, XLSX, Parquet) с проверкой, история импорта и шаблоны ещё не готовы.",
    ),
    "error.store": ("The data store cannot be read: {message}", "Не удаётся прочитать данные: {message}"),
    "error.settings": ("The configuration is invalid: {message}", "Ошибка в настройках: {message}"),
}


def t(key: str, lang: str = "en", **kwargs: object) -> str:
    """The message in the language, formatted with kwargs; unknown keys raise KeyError."""
    en, ru = MESSAGES[key]
    text = ru if lang == "ru" else en
    return text.format(**kwargs) if kwargs else text


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["en"])


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


DASH = "—"


def fmt_number(x: float | None, lang: str = "en", *, digits: int = 0, compact: bool = False) -> str:
    if _missing(x):
        return DASH
    if compact and abs(x) >= 10_000:
        return format_compact_decimal(x, locale=_locale(lang), fraction_digits=1)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(x, format=pattern, locale=_locale(lang))


def fmt_money(x: float | None, lang: str = "en", currency: str = "RUB", *, compact: bool = True) -> str:
    """Money in the reporting currency: '₽12.3M' (en) / '12,3 млн ₽' (ru)."""
    if _missing(x):
        return DASH
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    number = fmt_number(abs(x), lang, compact=compact)
    sign = "−" if x < 0 else ""
    if lang == "ru":
        return f"{sign}{number}\u00a0{symbol}"
    return f"{sign}{symbol}{number}"


def fmt_pct(x: float | None, lang: str = "en", *, digits: int = 1) -> str:
    """A ratio (0.123) as a percentage ('12.3%')."""
    if _missing(x):
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(x, format=pattern, locale=_locale(lang))


def fmt_points(x: float | None, lang: str = "en", *, digits: int = 1, signed: bool = False) -> str:
    """NPS-style points: '+34.2' when signed."""
    if _missing(x):
        return DASH
    text = fmt_number(abs(x), lang, digits=digits)
    if x < 0:
        return "−" + text
    return ("+" + text) if signed and x > 0 else text


def fmt_signed_pct(x: float | None, lang: str = "en", *, digits: int = 1) -> str:
    if _missing(x):
        return DASH
    text = fmt_pct(abs(x), lang, digits=digits)
    return ("−" if x < 0 else "+") + text


def fmt_date(d: dt.date | None, lang: str = "en") -> str:
    if d is None:
        return DASH
    return format_date(d, "d MMM yyyy", locale=_locale(lang))
