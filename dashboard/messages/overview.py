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
    'overview.method': (
        'How the profit contribution is estimated',
        'Как оценён вклад в прибыль',
    ),
    'overview.spend_change': (
        'Spend change vs the comparison period: {change}',
        'Изменение затрат к периоду сравнения: {change}',
    ),
    'overview.retention': (
        '**+{delta} pp retention ≈ +{money} profit over {years} years** (+{pct}; industry claim: +25–95%)',
        '**+{delta} п.п. удержания ≈ +{money} прибыли за {years} г.** (+{pct}; отраслевое утверждение: +25–95%)',
    ),
    'overview.retention.none': (
        'Retention-to-profit: not enough history up to the end of this period (it needs customers in both of the '
        'last two years).',
        'Влияние удержания на прибыль: до конца этого периода недостаточно истории (нужны клиенты в оба последних '
        'года).',
    ),
    'overview.retention.more': (
        'Details',
        'Подробнее',
    ),
    'contribution.method.sales': (
        'Estimate. Gross profit in the period of the customers acquired by paid and owned sales channels (by '
        'acquisition channel), less the share of their journeys\' touches that fell on communication channels, minus '
        'sales spend. Switches to attributed gross profit once multi-touch attribution is available.',
        'Оценка. Валовая прибыль за период от клиентов, привлечённых платными и собственными каналами продаж (по '
        'каналу привлечения), за вычетом доли касаний их пути, пришедшейся на каналы коммуникаций, минус затраты на '
        'продажи. Перейдёт на атрибуцированную валовую прибыль, когда появится многоканальная атрибуция.',
    ),
    'contribution.method.reputation': (
        'Estimate. Customers who bought in the period × promoter share of the period\'s NPS answers × (first-year '
        'value of a promoter − of a passive, referrals included) × the period\'s share of a year, plus complaints resolved within the standard × '
        '(gross profit in the 12 months after a fast − after a late resolution), minus reputation spend. Values '
        'per customer and per complaint come from the Retention & profit page.',
        'Оценка. Покупавшие в периоде клиенты × доля промоутеров в ответах NPS периода × (ценность первого года '
        'промоутера − нейтрального, с рекомендациями) × доля года, которую занимает период, плюс жалобы, решённые в пределах стандарта × (валовая прибыль '
        'за 12 месяцев после быстрого − после позднего решения), минус затраты на репутацию. Ценность клиента и '
        'жалобы — со страницы «Удержание и прибыль».',
    ),
    'contribution.method.communication': (
        'Estimate. Gross profit in the period of the customers who came by referral and word of mouth, plus the '
        'share of the sales-acquired customers\' gross profit matching their journeys\' touches on social media, '
        'newsletters and events (engaged-follower conversions), minus communication spend.',
        'Оценка. Валовая прибыль за период от клиентов, пришедших по рекомендации, плюс доля валовой прибыли '
        'клиентов каналов продаж, равная доле касаний их пути в соцсетях, рассылках и на мероприятиях (покупки '
        'вовлечённых подписчиков), минус затраты на коммуникации.',
    ),
    'contribution.part.acquired': ('Gross profit of customers acquired by sales channels', 'Валовая прибыль клиентов каналов продаж'),
    'contribution.part.referred': ('Gross profit of referred customers', 'Валовая прибыль приведённых клиентов'),
    'contribution.part.engaged': ('Engaged-follower conversions', 'Покупки вовлечённых подписчиков'),
    'contribution.part.promoters': ('Promoters\' extra retention and referrals', 'Доп. удержание и рекомендации промоутеров'),
    'contribution.part.complaints': ('Complaints resolved within the standard', 'Жалобы, решённые в срок'),
    'contribution.part.spend': ('Spend', 'Затраты'),
    'contribution.part.total': ('Contribution', 'Вклад'),
    'contribution.estimate_note': (
        'An estimate from the company\'s own data, not an accounting figure.',
        'Оценка по данным компании, а не бухгалтерская цифра.',
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
