"""Texts of the Sales page."""

MESSAGES: dict[str, tuple[str, str]] = {
    'sales.subtitle': (
        'Profit from customers: what acquisition spend brings in leads, customers and money — and which channels '
        'really earn it.',
        'Прибыль от клиентов: что затраты на привлечение приносят в лидах, клиентах и деньгах — и какие каналы '
        'действительно это зарабатывают.',
    ),
    'sales.model': ('Attribution model', 'Модель атрибуции'),
    'sales.model.help': (
        'Which model credits new customers and their first-order revenue to channels in the channel table, ROAS '
        'and ROMI (first orders). The chart below compares all models.',
        'Какая модель распределяет новых клиентов и выручку их первых заказов по каналам в таблице каналов, ROAS '
        'и ROMI (первые заказы). График ниже сравнивает все модели.',
    ),
    'sales.lookback': ('Look-back window', 'Окно ретроспективы'),
    'sales.lookback.help': (
        'Touches up to this many days before the first order take part in attribution.',
        'В атрибуции участвуют касания не раньше стольких дней до первого заказа.',
    ),
    'sales.lookback.days': ('{n} days', '{n} дн.'),
    'sales.grain': ('Trend by', 'Тренд по'),
    'sales.grain.day': ('Day', 'Дням'),
    'sales.grain.week': ('Week', 'Неделям'),
    'sales.grain.month': ('Month', 'Месяцам'),
    'model.first_touch': ('First touch', 'Первое касание'),
    'model.last_touch': ('Last touch', 'Последнее касание'),
    'model.linear': ('Linear', 'Линейная'),
    'model.time_decay': ('Time decay', 'С затуханием'),
    'model.position_based': ('Position-based', 'По позиции'),
    'model.markov': ('Markov chain', 'Марковская цепь'),
    'model.shapley': ('Shapley', 'Шепли'),
    'model.first_touch.help': (
        'All credit to the first touch in the window.',
        'Вся заслуга — первому касанию в окне.',
    ),
    'model.last_touch.help': (
        'All credit to the last touch before the first order ("last click").',
        'Вся заслуга — последнему касанию перед первым заказом («последний клик»).',
    ),
    'model.linear.help': (
        'Equal credit to every touch in the window.',
        'Поровну каждому касанию в окне.',
    ),
    'model.time_decay.help': (
        'Credit halves every {half_life} days back from the first order.',
        'Заслуга касания уменьшается вдвое каждые {half_life} дн. до первого заказа.',
    ),
    'model.position_based.help': (
        '40% to the first touch, 40% to the last, 20% shared by the touches between.',
        '40% первому касанию, 40% последнему, 20% поровну касаниям между ними.',
    ),
    'model.markov.help': (
        'Data-driven: a first-order Markov chain of all journeys, converting or not. Each channel\'s credit is '
        'proportional to its removal effect — the share of conversions lost if the channel were removed — '
        'computed exactly from the chain.',
        'На данных: марковская цепь первого порядка по всем путям, с конверсией и без. Заслуга канала '
        'пропорциональна эффекту удаления — доле конверсий, потерянных без канала; считается точно по цепи.',
    ),
    'model.shapley.help': (
        'Data-driven: the Shapley value of each channel in the same Markov chain — its average added conversions '
        'over every order in which channels could join; exact over all channel combinations.',
        'На данных: вектор Шепли каждого канала в той же марковской цепи — средний прирост конверсий по всем '
        'порядкам добавления каналов; точно, по всем сочетаниям каналов.',
    ),
    'sales.payback.value': ('{n} mo', '{n} мес.'),
    'sales.payback.beyond': ('> {n} mo', '> {n} мес.'),
    'sales.payback.none': ('No CAC: no acquisition spend or no new customers.', 'Нет CAC: нет затрат на привлечение или новых клиентов.'),
    'sales.kpi_note': (
        'ROAS and ROMI: first orders of new customers credited to the channels with spend by the {model} model '
        '(look-back {lookback} days). Revenue and gross profit: all orders of the period.',
        'ROAS и ROMI: первые заказы новых клиентов, приписанные каналам с затратами моделью «{model}» (окно '
        '{lookback} дн.). Выручка и валовая прибыль: все заказы периода.',
    ),
    'sales.trend': ('Spend, revenue and gross profit', 'Затраты, выручка и валовая прибыль'),
    'sales.trend.caption': (
        'Acquisition spend (sales channels) against revenue and gross profit of all orders.',
        'Затраты на привлечение (каналы продаж) против выручки и валовой прибыли всех заказов.',
    ),
    'sales.table': ('Channels and campaigns', 'Каналы и кампании'),
    'sales.tab.channels': ('Channels', 'Каналы'),
    'sales.tab.campaigns': ('Campaigns', 'Кампании'),
    'sales.table.caption': (
        'New customers, revenue, gross profit, CAC, ROAS and ROMI are attributed by the {model} model (first orders, '
        'look-back {lookback} days). Leads, CPL and conversion count leads by their source. Spend is each channel\'s '
        'whole spend, as in every table here; the acquisition spend, ROAS and ROMI above count the sales channels '
        'only. Click a column to sort.',
        'Новые клиенты, выручка, валовая прибыль, CAC, ROAS и ROMI — по модели «{model}» (первые заказы, окно '
        '{lookback} дн.). Лиды, CPL и конверсия — по источнику лида. Затраты — все затраты канала, как во всех '
        'таблицах страницы; затраты на привлечение, ROAS и ROMI выше учитывают только каналы продаж. Нажмите на '
        'столбец, чтобы отсортировать.',
    ),
    'sales.campaigns.caption': (
        'Campaign results by lead source: customers won from each campaign\'s leads.',
        'Результаты кампаний по источнику лида: клиенты из лидов каждой кампании.',
    ),
    'sales.col.channel': ('Channel', 'Канал'),
    'sales.col.campaign': ('Campaign', 'Кампания'),
    'sales.col.region': ('Region', 'Регион'),
    'sales.col.impressions': ('Impressions', 'Показы'),
    'sales.col.clicks': ('Clicks', 'Клики'),
    'sales.col.converted_leads': ('Customers from leads', 'Клиенты из лидов'),
    # the channel table's short titles: its caption names the attribution model, each title's help the measure
    'sales.col.attributed_revenue': ('Revenue', 'Выручка'),
    'sales.col.attributed_gross_profit': ('Gross profit', 'Валовая прибыль'),
    'sales.col.attributed_customers': ('New customers', 'Новые клиенты'),
    'sales.col.cost_per_customer': ('Cost per customer', 'Цена клиента'),
    'sales.col.customers': ('Customers (by source)', 'Клиенты (по источнику)'),
    'sales.col.responses': ('Responses (leads)', 'Отклики (лиды)'),
    'sales.funnel': ('Funnel', 'Воронка'),
    'sales.funnel.caption': (
        'Journeys touched in the period → leads → new customers → those of them who have ordered again so far.',
        'Пути с касаниями за период → лиды → новые клиенты → те из них, кто уже заказал повторно.',
    ),
    'sales.stage.journeys': ('Journeys with touches', 'Пути с касаниями'),
    'sales.stage.leads': ('Leads', 'Лиды'),
    'sales.stage.customers': ('New customers', 'Новые клиенты'),
    'sales.stage.repeat': ('Repeat customers', 'Повторные клиенты'),
    'sales.payback': ('Payback of acquisition', 'Окупаемость привлечения'),
    'sales.payback.caption': (
        'Cumulative gross profit per new customer of the period, month by month since the first order, against the '
        'CAC. {observed} months observed.',
        'Валовая прибыль на нового клиента периода нарастающим итогом по месяцам с первого заказа против CAC. '
        'Наблюдается месяцев: {observed}.',
    ),
    'sales.payback.cumulative': ('Gross profit per customer', 'Валовая прибыль на клиента'),
    'sales.months_since': ('Months since the first order', 'Месяцев с первого заказа'),
    'sales.attribution': ('What each attribution model credits', 'Что приписывает каждая модель атрибуции'),
    'sales.attribution.caption': (
        'New customers credited to each channel by every model ({tracked} customers with touches in the {lookback}-day '
        'window; conversion = first order). Last touch hides the channels that open journeys: compare it with the '
        'data-driven Markov and Shapley bars.',
        'Новые клиенты, приписанные каналам каждой моделью ({tracked} клиентов с касаниями в окне {lookback} дн.; '
        'конверсия — первый заказ). Последнее касание скрывает каналы, которые начинают путь: сравните его с '
        'моделями на данных — Марковской и Шепли.',
    ),
    'sales.attribution.untracked': (
        '{n} new customers had no tracked touch in the window and are not credited to any channel.',
        'У {n} новых клиентов нет отслеженных касаний в окне — они не приписаны ни одному каналу.',
    ),
    'sales.attribution.scope': (
        'Journeys keep every channel whatever the channel filter (it selects the rows shown). Anonymous '
        'non-converting journeys have no region: a region filter keeps all of them.',
        'Пути сохраняют все каналы при любом фильтре каналов (он выбирает показанные строки). У анонимных путей '
        'без конверсии нет региона: фильтр регионов оставляет их все.',
    ),
    'sales.attribution.y': ('New customers credited', 'Приписано новых клиентов'),
    'sales.attribution.models': ('How the models work', 'Как работают модели'),
    'sales.touches': ('Touches and days to a sale', 'Касаний и дней до продажи'),
    'sales.touches.caption': (
        'New customers of the period, whole tracked journey up to the first order.',
        'Новые клиенты периода, весь отслеженный путь до первого заказа.',
    ),
    'sales.touches.x': ('Touches before the first order', 'Касаний до первого заказа'),
    'sales.days.x': ('Days from the first touch', 'Дней от первого касания'),
    'sales.share_y': ('Share of new customers, %', 'Доля новых клиентов, %'),
    'sales.by_first': ('By the channel that opened the journey', 'По каналу, с которого начался путь'),
    'sales.col.first_channel': ('First channel', 'Первый канал'),
    'sales.col.mean_touches': ('Mean touches', 'Касаний в среднем'),
    'sales.col.median_touches': ('Median touches', 'Медиана касаний'),
    'sales.col.median_days': ('Median days', 'Медиана дней'),
    'sales.selection': ('Choosing an acquisition channel', 'Выбор канала привлечения'),
    'sales.selection.caption': (
        'Reach, cost per response, response rate and the number of contact stages a sale takes, per channel.',
        'Охват, цена отклика, отклик и число контактов до продажи по каждому каналу.',
    ),
    'sales.axis.margin': ('Revenue and gross profit, {currency}', 'Выручка и валовая прибыль, {currency}'),
    'sales.axis.spend': ('Acquisition spend, {currency}', 'Затраты на привлечение, {currency}'),
    'sales.axis.per_customer': ('Per customer, {currency}', 'На клиента, {currency}'),
}
