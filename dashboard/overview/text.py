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
        'Estimate. The period\'s new customers credited to paid and owned sales channels by the data-driven '
        '(Markov) attribution model of the Sales page × the gross profit a new customer of that channel brings in '
        'the first year (the company\'s own customers acquired a year or more ago), minus sales spend.',
        'Оценка. Новые клиенты периода, приписанные платным и собственным каналам продаж моделью атрибуции на '
        'основе данных (Маркова) со страницы «Продажи», × валовая прибыль, которую новый клиент этого канала '
        'приносит за первый год (по клиентам компании, привлечённым год назад и раньше), минус затраты на продажи.',
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
        'Estimate. The period\'s new customers credited by the same attribution model to word of mouth and referrals '
        '(referred customers) and to social media, newsletters and events (engaged-follower conversions) × their '
        'first-year gross profit, minus communication spend.',
        'Оценка. Новые клиенты периода, приписанные той же моделью атрибуции сарафанному радио и рекомендациям '
        '(приведённые клиенты) и соцсетям, рассылкам и мероприятиям (покупки вовлечённых подписчиков), × их '
        'валовая прибыль за первый год, минус затраты на коммуникации.',
    ),
    'contribution.part.acquired': ('First-year gross profit of new customers won by sales channels',
                                   'Валовая прибыль первого года новых клиентов каналов продаж'),
    'contribution.part.referred': ('First-year gross profit of referred new customers',
                                   'Валовая прибыль первого года приведённых клиентов'),
    'contribution.part.attributed': ('First-year gross profit of new customers credited to reputation channels',
                                     'Валовая прибыль первого года новых клиентов каналов репутации'),
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
    'overview.no_channels': (
        'No {pillar} channels in this filter',
        'В этом фильтре нет каналов группы «{pillar}»',
    ),
    'overview.answer': (
        '{spend} spent → {contribution} estimated profit contribution ({low}–{high})',
        'Потрачено {spend} → оценка вклада в прибыль {contribution} ({low}–{high})',
    ),
    'overview.answer.romi': (
        ', {label} {romi}',
        ', {label} {romi}',
    ),
    'overview.answer.change': (
        ', {change} vs the comparison period',
        ', {change} к периоду сравнения',
    ),
    'overview.answer.no_comparison': (
        ', no comparison data: the comparison period starts before the spend or orders data begin',
        ', нет данных для сравнения: период сравнения начинается раньше, чем данные о затратах или заказах',
    ),
    'overview.answer.none': (
        'No pillar is in this filter: nothing to add up.',
        'В этом фильтре нет ни одной группы — складывать нечего.',
    ),
    'overview.export': (
        'The figures of this page, with the period and filters they are for:',
        'Цифры этой страницы с периодом и фильтрами, к которым они относятся:',
    ),
    'overview.export.col.group': ('Group', 'Группа'),
    'overview.export.col.figure': ('Figure', 'Показатель'),
    'overview.export.col.value': ('Value', 'Значение'),
    'overview.export.col.low': ('Range from', 'Диапазон от'),
    'overview.export.col.high': ('Range to', 'Диапазон до'),
    'overview.export.col.margin': ('Margin of error (±)', 'Погрешность (±)'),
    'overview.export.col.previous': ('Comparison period', 'Период сравнения'),
    'overview.export.col.unit': ('Unit', 'Единица'),
    'overview.export.share': ('Share of the budget', 'Доля бюджета'),
    'overview.export.total': ('Total', 'Итого'),
    'overview.export.change': ('Change vs the comparison period', 'Изменение к периоду сравнения'),
    'overview.export.points': ('pts', 'п.'),
    'overview.company_wide': (
        'Company-wide result: the channel filter does not apply to it.',
        'Результат по всей компании: фильтр каналов к нему не применяется.',
    ),
    'mix.label': (
        'Marketing-mix model',
        'Модель микса',
    ),
    'mix.value': (
        '{label}: **{value}** ({range})',
        '{label}: **{value}** ({range})',
    ),
    'mix.value.point': (
        '{label}: **{value}**',
        '{label}: **{value}**',
    ),
    'mix.help': (
        'A second, independent estimate: the gross profit within the period\'s whole weeks that this pillar\'s '
        'spend explains, by the marketing-mix model of the Budget scenarios page (the company\'s weekly gross '
        'profit against every channel\'s weekly spend over the whole history, with carry-over and saturation). '
        'The range holds 90% of the model\'s draws. The first estimate above values the new customers and '
        'promoters the period brought over their first 12 months, minus spend; the model counts only the gross '
        'profit inside the period\'s weeks and does not subtract spend. So the two need not agree: agreement in '
        'direction is what to look for.',
        'Вторая, независимая оценка: валовая прибыль в полных неделях периода, которую объясняют затраты этой '
        'группы, по модели маркетинг-микса страницы «Сценарии бюджета» (недельная валовая прибыль компании '
        'против недельных затрат каждого канала за всю историю, с переносом эффекта и насыщением). В диапазон '
        'попадает 90% вариантов модели. Первая оценка выше — ценность новых клиентов и промоутеров периода за '
        'первые 12 месяцев минус затраты; модель считает только валовую прибыль внутри недель периода и затраты '
        'не вычитает. Поэтому оценки не обязаны совпадать: смотрите, совпадают ли они по направлению.',
    ),
    'mix.weeks': (
        'Weeks counted: {weeks} whole weeks, {start} – {end}.',
        'Учтено недель: {weeks} полных, {start} – {end}.',
    ),
    'mix.region': (
        'company-wide only, not by region',
        'только по всей компании, не по регионам',
    ),
    'mix.region.help': (
        'The model is fitted on the whole company\'s weekly numbers and cannot be split by region; clear the '
        'region filter to see it.',
        'Модель построена по недельным данным всей компании и не делится по регионам; снимите фильтр регионов, '
        'чтобы её увидеть.',
    ),
    'mix.unavailable': (
        'not available for these data',
        'недоступна для этих данных',
    ),
    'mix.unavailable.help': (
        'The model needs at least 26 whole weeks of gross profit and some marketing spend.',
        'Модели нужны не меньше 26 полных недель валовой прибыли и хоть какие-то затраты на маркетинг.',
    ),
    'mix.no_week': (
        'no whole week in this period',
        'в периоде нет полной недели',
    ),
    'mix.no_week.help': (
        'The model is weekly (Monday to Sunday): choose a period that holds at least one whole week.',
        'Модель недельная (с понедельника по воскресенье): выберите период хотя бы с одной полной неделей.',
    ),
    'mix.beyond': (
        'the period lies outside the modelled weeks',
        'период вне недель модели',
    ),
    'mix.beyond.help': (
        'The model covers the whole weeks from the first data to the data\'s last day; this period has none of them.',
        'Модель охватывает полные недели от начала данных до их последнего дня; в этом периоде таких нет.',
    ),
    'mix.no_channels': (
        'no spend on this pillar\'s channels',
        'затрат на каналы группы нет',
    ),
    'mix.no_channels.help': (
        'None of this pillar\'s channels in the filter had spend in the modelled weeks.',
        'Ни у одного канала группы в фильтре не было затрат в неделях модели.',
    ),
}
