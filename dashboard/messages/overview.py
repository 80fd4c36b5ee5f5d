"""Texts of the Overview page."""

MESSAGES: dict[str, tuple[str, str]] = {
    'overview.title': (
        'What do I get from this?',
        'Что я получаю за эти деньги?',
    ),
    'overview.subtitle': (
        'Every line of the marketing budget, by what it is for: sales, reputation and communication — each measured in its own units.',
        'Каждая статья маркетингового бюджета по её цели: продажи, репутация и коммуникации — у каждой свои единицы результата.',
    ),
    'pillar.sales': (
        'Sales',
        'Продажи',
    ),
    'pillar.reputation': (
        'Reputation',
        'Репутация',
    ),
    'pillar.communication': (
        'Communication',
        'Коммуникации',
    ),
    'pillar.sales.goal': (
        'Profit from customers',
        'Прибыль от клиентов',
    ),
    'pillar.reputation.goal': (
        'Good attitude of customers and the public',
        'Хорошее отношение клиентов и общества',
    ),
    'pillar.communication.goal': (
        'A common language with customers',
        'Общий язык с клиентами',
    ),
    'overview.spend': (
        'Spend',
        'Затраты',
    ),
    'overview.share': (
        '{share} of the budget',
        '{share} бюджета',
    ),
    'overview.total_spend': (
        'Total marketing spend: {amount}',
        'Всего на маркетинг: {amount}',
    ),
    'overview.no_spend': (
        'No spend in this period',
        'В этом периоде затрат нет',
    ),
    'overview.no_answers': (
        'No answers in this period',
        'В этом периоде ответов нет',
    ),
    'overview.no_posts': (
        'No posts in this period',
        'В этом периоде публикаций нет',
    ),
    'overview.no_orders': (
        'No orders in this period',
        'В этом периоде заказов нет',
    ),
    'overview.trend': (
        'Weekly trend',
        'Понедельная динамика',
    ),
    'overview.more': (
        'Profit contribution per pillar and the retention-to-profit headline come with the Retention & profit page.',
        'Вклад каждой группы в прибыль и эффект удержания появятся вместе со страницей «Удержание и прибыль».',
    ),
    'overview.nps_small': (
        'Few answers: read with care',
        'Мало ответов: оценка неточна',
    ),
    'vs': (
        'vs {value}',
        'было {value}',
    ),
    'overview.no_channels': (
        "None of this pillar's channels is selected in the sidebar.",
        'На боковой панели не выбран ни один канал этой группы.',
    ),
    'overview.company_wide': (
        'Company-wide result: the channel filter does not apply to it.',
        'Результат по всей компании: фильтр каналов к нему не применяется.',
    ),
}
