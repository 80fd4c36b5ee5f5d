"""Texts shared by every page: navigation, sidebar, notices, first start."""

MESSAGES: dict[str, tuple[str, str]] = {
    'page.overview': (
        'Overview',
        'Обзор',
    ),
    'page.sales': (
        'Sales',
        'Продажи',
    ),
    'page.reputation': (
        'Reputation',
        'Репутация',
    ),
    'page.communication': (
        'Communication',
        'Коммуникации',
    ),
    'page.retention': (
        'Retention & profit',
        'Удержание и прибыль',
    ),
    'page.scenarios': (
        'Budget scenarios',
        'Сценарии бюджета',
    ),
    'page.data': (
        'Data',
        'Данные',
    ),
    'nav.retention': (
        'Retention & profit',
        'Удержание',
    ),
    'nav.scenarios': (
        'Budget scenarios',
        'Сценарии',
    ),
    'filters': (
        'Filters',
        'Фильтры',
    ),
    'period': (
        'Period',
        'Период',
    ),
    'period.last_30_days': (
        'Last 30 days',
        'Последние 30 дней',
    ),
    'period.last_90_days': (
        'Last 90 days',
        'Последние 90 дней',
    ),
    'period.month_to_date': (
        'Month to date',
        'С начала месяца',
    ),
    'period.last_month': (
        'Last full month',
        'Последний полный месяц',
    ),
    'period.previous_month': (
        'Previous calendar month',
        'Предыдущий календарный месяц',
    ),
    'period.last_quarter': (
        'Last full quarter',
        'Прошлый квартал',
    ),
    'period.year_to_date': (
        'Year to date',
        'С начала года',
    ),
    'period.last_12_months': (
        'Last 12 months',
        'Последние 12 месяцев',
    ),
    'period.all': (
        'All data',
        'Все данные',
    ),
    'period.custom': (
        'Custom dates',
        'Свои даты',
    ),
    'dates': (
        'Dates',
        'Даты',
    ),
    'compare': (
        'Compare with',
        'Сравнить с',
    ),
    'compare.previous': (
        'Previous period',
        'Предыдущим периодом',
    ),
    'compare.year': (
        'Same period last year',
        'Тем же периодом год назад',
    ),
    'compare.custom': (
        'Dates of my choice',
        'Выбранными датами',
    ),
    'compare.dates': (
        'Comparison dates',
        'Даты для сравнения',
    ),
    'compare.none': (
        'No comparison',
        'Без сравнения',
    ),
    'channels': (
        'Channels',
        'Каналы',
    ),
    'channels.all': (
        'All channels',
        'Все каналы',
    ),
    'regions': (
        'Regions',
        'Регионы',
    ),
    'regions.all': (
        'All regions',
        'Все регионы',
    ),
    'language': (
        'Language',
        'Язык',
    ),
    'share.button': (
        'Share this view',
        'Поделиться видом',
    ),
    'share.help': (
        'Copy this link: it opens exactly this view — page, period, comparison, channels, regions and language.',
        'Скопируйте ссылку: она откроет точно этот вид — страницу, период, сравнение, каналы, регионы и язык.',
    ),
    'data.as_of': (
        'Data up to {date}',
        'Данные по {date}',
    ),
    'showing': (
        '{start} – {end} · compared with {cstart} – {cend}',
        '{start} – {end} · сравнение с {cstart} – {cend}',
    ),
    'showing.nocompare': (
        '{start} – {end}',
        '{start} – {end}',
    ),
    'notice.bad_link': (
        'Part of this link could not be used, so defaults are shown instead: {items}.',
        'Часть ссылки не удалось применить, вместо неё показаны значения по умолчанию: {items}.',
    ),
    'notice.filters_scope': (
        'Company-wide activities without a region (PR, social media, newsletters) are always included.',
        'Активности без региона (PR, соцсети, рассылки) учитываются всегда.',
    ),
    'build.title': (
        'Preparing the demo company',
        'Готовим демо-компанию',
    ),
    'build.intro': (
        'No database yet: building the demo company (a home-goods retailer in Moscow, Krasnogorsk and Tver). This happens once; later starts reuse it.',
        'Базы данных ещё нет: создаём демо-компанию (магазин товаров для дома в Москве, Красногорске и Твери). Это делается один раз, потом данные используются повторно.',
    ),
    'build.done': (
        'The demo company is ready.',
        'Демо-компания готова.',
    ),
    'empty.period': (
        'Nothing was recorded in this period. Choose another period in the sidebar.',
        'За этот период данных нет. Выберите другой период на боковой панели.',
    ),
    'nodata.title': (
        'No data yet',
        'Данных пока нет',
    ),
    'nodata.body': (
        "This page is built from {tables}, and none of them holds data yet. Load the company's files on the Data "
        "page (each table has a template there), or download a template here, fill it in and import it.",
        'Эта страница строится по таблицам: {tables} — ни в одной пока нет данных. Загрузите файлы компании на '
        'странице «Данные» (для каждой таблицы там есть шаблон) или скачайте шаблон здесь, заполните и импортируйте.',
    ),
    'nodata.link': (
        'Go to the Data page',
        'Перейти на страницу «Данные»',
    ),
    'nodata.template': (
        'Template: {table}',
        'Шаблон: {table}',
    ),
    'nodata.sidebar': (
        'No data loaded yet',
        'Данные ещё не загружены',
    ),
    'fresh.lag': (
        'Sources end on different days: {sources}. Periods end on {date}, the last day both orders and spend cover.',
        'Источники заканчиваются в разные дни: {sources}. Периоды заканчиваются {date} — последним днём, за '
        'который есть и заказы, и затраты.',
    ),
    'fresh.source': (
        '{table} up to {date}',
        '{table} по {date}',
    ),
    'fresh.no_comparison': (
        'no comparison data',
        'нет данных для сравнения',
    ),
    'error.store': (
        'The data store cannot be read: {message}',
        'Не удаётся прочитать данные: {message}',
    ),
    'error.settings': (
        'The configuration is invalid: {message}',
        'Ошибка в настройках: {message}',
    ),
    'download.csv': (
        'CSV',
        'CSV',
    ),
    'download.xlsx': (
        'Excel',
        'Excel',
    ),
    'download.period': (
        'Period: {start} – {end}',
        'Период: {start} – {end}',
    ),
    'download.compared': (
        'Compared with: {start} – {end}',
        'Сравнение с: {start} – {end}',
    ),
    'download.no_comparison': (
        'Compared with: nothing',
        'Сравнение: нет',
    ),
    'download.channels': (
        'Channels: {names}',
        'Каналы: {names}',
    ),
    'download.regions': (
        'Regions: {names}',
        'Регионы: {names}',
    ),
    'download.all': (
        'all',
        'все',
    ),
    'notice.given_twice': (
        '{name} (given more than once)',
        '{name} (указан несколько раз)',
    ),
    'param.period': ('Period', 'Период'),
    'param.from': ('Start date', 'Дата начала'),
    'param.to': ('End date', 'Дата окончания'),
    'trend.span': (
        'Trend line: {count} points {grain}, {start} – {end}',
        'Линия тренда: {count} точек {grain}, {start} – {end}',
    ),
    'trend.ends': ('first point {first}, last {last}', 'первая точка {first}, последняя {last}'),
    'trend.grain.day': ('by day', 'по дням'),
    'trend.grain.week': ('by week', 'по неделям'),
    'trend.grain.month': ('by month', 'по месяцам'),
    'param.present': ('Presentation mode', 'Режим презентации'),
    'param.compare': ('Compare with', 'Сравнение'),
    'param.cfrom': ('Comparison start date', 'Начало периода сравнения'),
    'param.cto': ('Comparison end date', 'Конец периода сравнения'),
    'param.ch': ('Channels', 'Каналы'),
    'param.region': ('Regions', 'Регионы'),
    'param.lang': ('Language', 'Язык'),
    'param.model': ('Attribution model', 'Модель атрибуции'),
    'param.lookback': ('Lookback window', 'Окно атрибуции'),
    'param.grain': ('Trend grain', 'Шаг графика'),
    'param.score': ('Comment scores', 'Оценки в комментариях'),
    'param.er': ('Engagement rate denominator', 'Знаменатель вовлечённости'),
    'param.delta': ('Retention change', 'Изменение удержания'),
    'param.scenario': ('Saved scenario', 'Сохранённый сценарий'),
    'param.budget': ('Budgets', 'Бюджеты'),
    'param.weeks': ('Weeks', 'Недели'),
    'param.objective': ('Objective', 'Цель'),
    'param.horizon': ('Value horizon', 'Горизонт ценности'),
    'param.compare_ids': ('Compared scenarios', 'Сценарии для сравнения'),
    'param.outcome': ('Modelled outcome', 'Моделируемый результат'),
}
